import type { Applicability, Finding, Severity } from "./types.js";

/** A fix edit with resolved positions: 1-based lines, 1-based character (code point) columns, end exclusive. */
export interface EditRecord {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  content: string;
}

export interface FixRecord {
  applicability: Applicability;
  message: string;
  edits: EditRecord[];
}

/**
 * A finding as plain data, made when its file's check ends: what reporters, the baseline and a cache
 * need, and nothing that holds the file's text, tree or line index (so memory stays flat in suite size).
 */
export interface FindingRecord {
  /** Absolute path of the file the finding points into. */
  path: string;
  code: string;
  name: string;
  severity: Severity;
  message: string;
  /** UTF-16 offset of the start in the file's text: orders findings within a file. */
  start: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The text of the line where the finding starts, trimmed (for baseline and SARIF fingerprints). */
  lineText: string;
  fix: FixRecord | null;
}

/** Resolves a finding's offsets against its file and keeps only plain data. */
export function toRecord(f: Finding): FindingRecord {
  const { lines } = f.file;
  const start = lines.position(f.start);
  const end = lines.position(f.end);
  return {
    path: f.file.path,
    code: f.code,
    name: f.name,
    severity: f.severity,
    message: f.message,
    start: f.start,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    lineText: lines.lineText(start.line - 1).trim(),
    fix: f.fix
      ? {
          applicability: f.fix.applicability,
          message: f.fix.message,
          edits: f.fix.edits.map((e) => {
            const s = lines.position(e.start);
            const en = lines.position(e.end);
            return { line: s.line, column: s.column, endLine: en.line, endColumn: en.column, content: e.content };
          }),
        }
      : null,
  };
}
