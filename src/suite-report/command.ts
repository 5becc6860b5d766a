import fs from "node:fs";
import path from "node:path";
import { ConfigError, UsageError } from "../config/errors.js";
import type { RunIO } from "../run.js";
import { resolveRunSettings } from "../settings.js";
import { buildReport } from "./build.js";
import { collectSuite } from "./collect.js";
import { htmlReport } from "./html.js";
import { markdownReport, summaryMarkdown } from "./markdown.js";
import type { SuiteReport } from "./types.js";

export interface ReportCommandOptions {
  paths: string[];
  cwd: string;
  format: "text" | "json";
  html?: string | undefined;
  markdown?: string | undefined;
  config?: string | undefined;
  noConfig: boolean;
}

/** The suite memory report for the paths. Returns the exit code: 0, or 2 when a file or the configuration could not be read. */
export async function runReportCommand(opts: ReportCommandOptions, io: RunIO): Promise<number> {
  let settings;
  try {
    settings = resolveRunSettings({ paths: opts.paths, cwd: opts.cwd, fix: false, unsafeFixes: false, diff: false, format: "text", exitZero: true, config: opts.config, noConfig: opts.noConfig, quiet: true, color: "never" });
  } catch (e) {
    if (e instanceof ConfigError || e instanceof UsageError) {
      io.stderr(`error: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const collected = await collectSuite({ paths: opts.paths, cwd: opts.cwd, settings: settings.lint, pathRules: settings.pathRules });
  for (const line of collected.errors) io.stderr(`error: ${line}\n`);
  const report: SuiteReport = buildReport(collected, opts.cwd, opts.paths);
  let failed = collected.errors.length > 0;
  const write = (file: string, text: string): boolean => {
    try {
      const target = path.resolve(opts.cwd, file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, text);
      return true;
    } catch (e) {
      io.stderr(`error: ${file}: could not be written (${(e as NodeJS.ErrnoException).code ?? "error"})\n`);
      failed = true;
      return false;
    }
  };
  const written: string[] = [];
  if (opts.html !== undefined && write(opts.html, htmlReport(report))) written.push(opts.html);
  if (opts.markdown !== undefined && write(opts.markdown, markdownReport(report))) written.push(opts.markdown);
  if (opts.format === "json") io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else {
    io.stdout(summaryMarkdown(report));
    for (const file of written) io.stdout(`Wrote ${file}\n`);
  }
  return failed ? 2 : 0;
}
