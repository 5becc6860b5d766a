import type { FindingRecord } from "../engine/record.js";
import { compareStrings, displayPath } from "./paths.js";
import type { Reporter, ReporterFactory, ReportInput } from "./types.js";

/**
 * Drives a reporter over a run's findings (sorted by path, position and code): every checked file
 * and every file a finding points into, by display path, each with its findings. `write` gets each
 * piece as it is made, so a large report is never one string.
 */
export function streamReport(factory: ReporterFactory, input: ReportInput, write: (text: string) => void): void {
  const byPath = new Map<string, FindingRecord[]>();
  for (const f of input.findings) {
    const list = byPath.get(f.path);
    if (list) list.push(f);
    else byPath.set(f.path, [f]);
  }
  const all = new Set([...input.files, ...byPath.keys()]);
  const files = [...all].map((p) => ({ p, shown: displayPath(input.cwd, p) })).sort((a, b) => compareStrings(a.shown, b.shown)).map((x) => x.p);
  const reporter = factory({ ...input, files, findingCount: input.findings.length });
  const emit = (text: string) => {
    if (text !== "") write(text);
  };
  emit(reporter.start());
  for (const file of files) emit(reporter.file(file, byPath.get(file) ?? []));
  emit(reporter.end());
}

/** A whole report as one string (tests, small outputs). */
export function renderReport(factory: ReporterFactory, input: ReportInput): string {
  const parts: string[] = [];
  streamReport(factory, input, (t) => parts.push(t));
  return parts.join("");
}

/** A reporter that keeps the findings (plain records) and writes everything at the end, for formats that need them all first (statistics, JUnit's totals). */
export function collecting(finish: (findings: readonly FindingRecord[]) => string): Reporter {
  const all: FindingRecord[] = [];
  return {
    start: () => "",
    file: (_path, findings) => {
      // A loop, not a spread: a file can have more findings than a call can take arguments.
      for (const f of findings) all.push(f);
      return "";
    },
    end: () => finish(all),
  };
}
