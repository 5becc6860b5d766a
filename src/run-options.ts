import type { OutputFormat } from "./report/types.js";

/** The options of one `check` run, from the command line. */
export interface RunOptions {
  paths: string[];
  cwd: string;
  fix: boolean;
  unsafeFixes: boolean;
  diff: boolean;
  select?: string[] | undefined;
  ignore?: string[] | undefined;
  extendSelect?: string[] | undefined;
  format: OutputFormat;
  outputFile?: string | undefined;
  /** `--format FORMAT:FILE`: more reports of the same run, each to its file. */
  extraOutputs?: { format: OutputFormat; file: string }[] | undefined;
  exitZero: boolean;
  config?: string | undefined;
  noConfig: boolean;
  xdistGroupName?: string | undefined;
  quiet: boolean;
  color: "auto" | "always" | "never";
  stdinFilename?: string | undefined;
  /** Source given on standard input (with stdinFilename). */
  stdin?: Buffer | undefined;
  /** `--statistics`: counts per rule instead of the findings (text and json). */
  statistics?: boolean | undefined;
  /** `--baseline FILE` (relative to cwd): report only findings beyond it. */
  baseline?: string | undefined;
  /** `--write-baseline FILE`: record the findings that remain (none is reported then). */
  writeBaseline?: string | undefined;
  /** `--force-exclude`: `exclude` applies to files named on the command line (and `--stdin-filename`) too. */
  forceExclude?: boolean | undefined;
  /** `--jobs N`: files are checked by N worker threads (1: in this thread). */
  jobs?: number | undefined;
  /** `--no-cache`: neither read nor write the result cache. */
  noCache?: boolean | undefined;
}
