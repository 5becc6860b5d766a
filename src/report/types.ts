import type { FindingRecord } from "../engine/record.js";
import type { FindingsByFile } from "./finding-store.js";

export type OutputFormat = "text" | "json" | "sarif" | "github" | "junit" | "gitlab";

/** What a reporter knows before the first file: the run's totals and how to print. */
export interface ReportHeader {
  cwd: string;
  /**
   * The files the report goes through, in the order `file()` is called (absolute paths, by display
   * path): every file checked and every other file a finding points into (a pytest configuration).
   */
  files: readonly string[];
  /** How many findings `file()` will be given in all. */
  findingCount: number;
  fixed: { findings: number; files: number };
  /** Findings whose fix needs --fix (safe) or --unsafe-fixes (unsafe). */
  fixable: { safe: number; unsafe: number };
  fixMode: boolean;
  unsafeFixes: boolean;
  color: boolean;
  showSource: boolean;
  quiet: boolean;
  /** Error lines printed on standard error in this run (the summary must not call it clean). */
  errors?: number;
  /** No file at all was checked (no test file, no pytest configuration). */
  nothingChecked?: boolean;
  /** The errors printed on standard error, for SARIF's notifications and JUnit's error cases. */
  problems?: readonly ReportProblem[] | undefined;
  /** Files checked and the time taken, for the text summary; absent in reports that must not change between runs. */
  timing?: { files: number; ms: number } | undefined;
  /** Reads a file's text back (terminal excerpts); undefined when it cannot be read. */
  readText?: ((absolutePath: string) => string | undefined) | undefined;
}

/** An error of the run (a file that could not be read or decoded, a configuration error), for formats that carry them. */
export interface ReportProblem {
  /** The file it concerns (absolute), when it concerns one. */
  path?: string | undefined;
  /** The error line as printed on standard error, without `error: `. */
  message: string;
}

/**
 * A streaming reporter: `start()`, then `file()` once per file of `header.files` in that order with
 * the file's findings (sorted by position, then code), then `end()`. Each returns the text to write.
 */
export interface Reporter {
  start(): string;
  file(absolutePath: string, findings: readonly FindingRecord[]): string;
  end(): string;
}

export type ReporterFactory = (header: ReportHeader) => Reporter;

/** A whole report at once: the header and every finding (a list, or a run's store read back file by file). */
export interface ReportInput extends Omit<ReportHeader, "files" | "findingCount"> {
  findings: readonly FindingRecord[] | FindingsByFile;
  /** Files checked (absolute paths); files that findings point into are added. */
  files: readonly string[];
}
