import path from "node:path";
import type { FindingRecord } from "../engine/record.js";

/** A path relative to the working directory, `/`-separated. */
export function displayPath(cwd: string, absolute: string): string {
  const rel = path.relative(cwd, absolute) || path.basename(absolute);
  return rel.split(path.sep).join("/");
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
    return a.start - b.start || compareStrings(a.code, b.code);
  };
}
