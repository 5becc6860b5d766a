import type { Finding } from "../engine/types.js";
import { ruleDocsUrl } from "../meta.js";
import { displayPath, spanOf } from "./paths.js";
import type { Reporter } from "./types.js";

export function findingToJson(f: Finding, cwd: string) {
  const span = spanOf(f);
  return {
    code: f.code,
    name: f.name,
    severity: f.severity,
    message: f.message,
    path: displayPath(cwd, f.file.path),
    line: span.line,
    column: span.column,
    endLine: span.endLine,
    endColumn: span.endColumn,
    fix: f.fix
      ? {
          applicability: f.fix.applicability,
          message: f.fix.message,
          edits: f.fix.edits.map((e) => {
            const s = f.file.lines.position(e.start);
            const en = f.file.lines.position(e.end);
            return { line: s.line, column: s.column, endLine: en.line, endColumn: en.column, content: e.content };
          }),
        }
      : null,
    url: ruleDocsUrl(f.code),
  };
}

export const jsonReporter: Reporter = (input) => JSON.stringify(input.findings.map((f) => findingToJson(f, input.cwd)), null, 2) + "\n";
