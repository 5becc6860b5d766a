import path from "node:path";
import type { Finding } from "../engine/types.js";

/** A path relative to the working directory, `/`-separated. */
export function displayPath(cwd: string, absolute: string): string {
  // Sorting and reporting ask for the same few paths once per finding (path.relative is slow).
  const key = `${cwd}\0${absolute}`;
  let shown = displayed.get(key);
  if (shown === undefined) {
    shown = (path.relative(cwd, absolute) || path.basename(absolute)).split(path.sep).join("/");
    displayed.set(key, shown);
  }
  return shown;
}

const displayed = new Map<string, string>();
// C0 and C1 control characters and DEL: a file name or a message must not drive the terminal.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/g;

/** Control characters written as `\xNN`, for text meant for a terminal. */
export function escapeControl(text: string): string {
  return text.replace(CONTROL_CHARS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** The summary line of a run that left no finding. */
export function cleanRunLine(input: { errors?: number | undefined; nothingChecked?: boolean | undefined }): string {
  if (input.errors !== undefined && input.errors > 0) return `No findings in the files checked, but ${input.errors} error${input.errors === 1 ? " was" : "s were"} reported.`;
  if (input.nothingChecked) return "No test files found to check.";
  return "All checks passed!";
}

export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** 1-based line and character column of a finding's start and (exclusive) end. */
export function spanOf(f: Finding): Span {
  const start = f.file.lines.position(f.start);
  const end = f.file.lines.position(f.end);
  return { line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
}

export function compareFindings(cwd: string) {
  return (a: Finding, b: Finding): number => {
    const pa = displayPath(cwd, a.file.path);
    const pb = displayPath(cwd, b.file.path);
    if (pa !== pb) return pa < pb ? -1 : 1;
    return a.start - b.start || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
  };
}
