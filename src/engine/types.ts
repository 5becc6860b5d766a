import type { LineIndex } from "./lines.js";

export type Severity = "error" | "warning" | "info";
export type Applicability = "safe" | "unsafe";
/** What fix a rule can offer: `safe-or-unsafe` rules pick per finding. */
export type FixKind = "safe" | "unsafe" | "safe-or-unsafe" | "none";

/** A replacement of `[start, end)` (UTF-16 offsets in the decoded text) by `content`. */
export interface Edit {
  start: number;
  end: number;
  content: string;
}

export interface Fix {
  applicability: Applicability;
  message: string;
  edits: Edit[];
}

/** A file a finding points into: a Python source or a configuration file. */
export interface TextFile {
  /** Absolute path. */
  path: string;
  text: string;
  lines: LineIndex;
}

export interface Finding {
  code: string;
  name: string;
  severity: Severity;
  message: string;
  file: TextFile;
  start: number;
  end: number;
  fix: Fix | null;
}
