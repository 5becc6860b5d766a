import path from "node:path";
import type { FindingRecord } from "../engine/record.js";

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

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Findings by display path, then position, then code: the order of every report. */
export function compareFindings(cwd: string) {
  return (a: FindingRecord, b: FindingRecord): number => {
    const pa = displayPath(cwd, a.path);
    const pb = displayPath(cwd, b.path);
    if (pa !== pb) return pa < pb ? -1 : 1;
    return compareInFile(a, b);
  };
}

/** Findings of one file by position, then code. */
export function compareInFile(a: FindingRecord, b: FindingRecord): number {
  return a.start - b.start || compareStrings(a.code, b.code);
}
