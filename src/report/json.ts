import type { FindingRecord } from "../engine/record.js";
import { ruleDocsUrl } from "../meta.js";
import { displayPath } from "./paths.js";
import type { ReporterFactory } from "./types.js";

/** `shown`: the finding's display path, when the caller has it (a report's findings come a file at a time). */
export function findingToJson(f: FindingRecord, cwd: string, shown = displayPath(cwd, f.path)) {
  return {
    code: f.code,
    name: f.name,
    severity: f.severity,
    message: f.message,
    path: shown,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    fix: f.fix
      ? {
          applicability: f.fix.applicability,
          message: f.fix.message,
          edits: f.fix.edits.map((e) => ({ line: e.line, column: e.column, endLine: e.endLine, endColumn: e.endColumn, content: e.content })),
        }
      : null,
    url: docsUrl(f.code),
  };
}

const docsUrls = new Map<string, string>();

/** A rule's docs address, made once per code (a report asks once per finding). */
function docsUrl(code: string): string {
  let url = docsUrls.get(code);
  if (url === undefined) docsUrls.set(code, (url = ruleDocsUrl(code)));
  return url;
}

/** `JSON.stringify(value, null, 2)` as an element of an indented array (`indent` spaces deep). */
export function indentedJson(value: unknown, indent: string): string {
  return indent + JSON.stringify(value, null, 2).replace(/\n/g, `\n${indent}`);
}

/** A JSON array of findings, two-space indented, written a file at a time. */
export const jsonReporter: ReporterFactory = (header) => {
  let count = 0;
  return {
    start: () => "[",
    file: (_path, findings) => {
      if (findings.length === 0) return "";
      // The file's findings as one indented array, its brackets cut: the same text as each finding
      // indented on its own, without a second copy of each to re-indent.
      const first = (findings[0] as FindingRecord).path;
      const shown = displayPath(header.cwd, first);
      const array = JSON.stringify(findings.map((f) => findingToJson(f, header.cwd, f.path === first ? shown : undefined)), null, 2);
      const text = (count === 0 ? "" : ",") + array.slice(1, -2);
      count += findings.length;
      return text;
    },
    end: () => (count === 0 ? "]\n" : "\n]\n"),
  };
};
