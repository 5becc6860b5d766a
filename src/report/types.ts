import type { Finding } from "../engine/types.js";

export type OutputFormat = "text" | "json" | "sarif" | "github" | "junit" | "gitlab";

export interface ReportInput {
  /** Findings that remain, sorted by path, line, column and code. */
  findings: readonly Finding[];
  cwd: string;
  /** Files checked in this run (absolute paths), for formats that list files. */
  files: readonly string[];
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
  problems?: readonly ReportProblem[];
}

/** An error of the run (a file that could not be read or decoded, a configuration error), for formats that carry them. */
export interface ReportProblem {
  /** The file it concerns (absolute), when it concerns one. */
  path?: string | undefined;
  /** The error line as printed on standard error, without `error: `. */
  message: string;
}

export type Reporter = (input: ReportInput) => string;
