import { githubReporter } from "./github.js";
import { gitlabReporter } from "./gitlab.js";
import { jsonReporter } from "./json.js";
import { junitReporter } from "./junit.js";
import { sarifReporter } from "./sarif.js";
import { textReporter } from "./text.js";
import type { OutputFormat, ReporterFactory } from "./types.js";

export const REPORTERS: Partial<Record<OutputFormat, ReporterFactory>> = {
  text: textReporter,
  json: jsonReporter,
  sarif: sarifReporter,
  github: githubReporter,
  junit: junitReporter,
  gitlab: gitlabReporter,
};
