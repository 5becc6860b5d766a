import { jsonReporter } from "./json.js";
import { textReporter } from "./text.js";
import type { OutputFormat, Reporter } from "./types.js";

export const REPORTERS: Partial<Record<OutputFormat, Reporter>> = {
  text: textReporter,
  json: jsonReporter,
};
