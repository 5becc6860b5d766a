import type { FindingRecord } from "../engine/record.js";
import { groupByFile, sortByDisplayPath, type FindingsByFile } from "./finding-store.js";
import type { Reporter, ReporterFactory, ReportInput } from "./types.js";

/**
 * Drives a reporter over a run's findings: every checked file and every file a finding points into,
 * by display path, each with its findings. `write` gets each piece as it is made, so a large report
 * is never one string.
 */
export function streamReport(factory: ReporterFactory, input: ReportInput, write: (text: string) => void): void {
  const findings = isGrouped(input.findings) ? input.findings : groupByFile(input.findings);
  const files = sortByDisplayPath(new Set([...input.files, ...findings.paths()]), input.cwd);
  const reporter = factory({ ...input, files, findingCount: findings.count });
  const emit = (text: string) => {
    if (text !== "") write(text);
  };
  emit(reporter.start());
  for (const file of files) emit(reporter.file(file, findings.of(file)));
  emit(reporter.end());
}

function isGrouped(findings: ReportInput["findings"]): findings is FindingsByFile {
  return !Array.isArray(findings);
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
