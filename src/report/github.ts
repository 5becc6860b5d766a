import type { Severity } from "../engine/types.js";
import { displayPath } from "./paths.js";
import type { ReporterFactory } from "./types.js";

const COMMAND: Record<Severity, "error" | "warning" | "notice"> = { error: "error", warning: "warning", info: "notice" };

/** A command's message, escaped as @actions/core does, so that it stays on one line. */
export function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** A command property's value: also `:` (which would end the properties) and `,` (which would start another). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/**
 * GitHub Actions workflow commands, one annotation per finding:
 * `::warning file=...,line=...,col=...,endLine=...,endColumn=...,title=CODE name::message`.
 */
export const githubReporter: ReporterFactory = (header) => ({
  start: () => "",
  file: (filePath, findings) =>
    findings
      .map((f) => {
        const properties: [string, string | number][] = [
          ["file", displayPath(header.cwd, filePath)],
          ["line", f.line],
          ["col", f.column],
          ["endLine", f.endLine],
          ["endColumn", f.endColumn],
          ["title", `${f.code} ${f.name}`],
        ];
        const props = properties.map(([key, value]) => `${key}=${escapeProperty(String(value))}`).join(",");
        return `::${COMMAND[f.severity]} ${props}::${escapeData(f.message)}\n`;
      })
      .join(""),
  end: () => "",
});
