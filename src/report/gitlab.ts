import { createHash } from "node:crypto";
import type { FindingRecord } from "../engine/record.js";
import type { Severity } from "../engine/types.js";
import { indentedJson } from "./json.js";
import { displayPath } from "./paths.js";
import { repositoryRoot } from "./repo-root.js";
import type { ReporterFactory } from "./types.js";

/**
 * GitLab Code Quality (https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format):
 * a JSON array of issues with `description`, `check_name`, `fingerprint`, `severity` (one of info,
 * minor, major, critical, blocker) and `location.path` (relative to the repository root) with `lines.begin`.
 */
export interface CodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: "info" | "minor" | "major" | "critical" | "blocker";
  location: { path: string; lines: { begin: number } };
}

const SEVERITY: Record<Severity, CodeQualityIssue["severity"]> = { error: "major", warning: "minor", info: "info" };

/** What one issue needs from a finding: plain values, so that any finding representation can feed it. */
export interface CodeQualityInput {
  code: string;
  name: string;
  severity: Severity;
  message: string;
  /** Relative to the working directory, `/`-separated. */
  path: string;
  line: number;
  /** The text of the finding's first line (trimmed when compared). */
  lineText: string;
}

/**
 * GitLab keeps one issue per fingerprint, so each must be unique in a report, and stable when lines
 * move: the code, the path, the line's text and which occurrence of that triple this is.
 */
export function codeQualityIssues(findings: Iterable<CodeQualityInput>): CodeQualityIssue[] {
  const issue = codeQualityIssuer();
  const issues: CodeQualityIssue[] = [];
  for (const f of findings) issues.push(issue(f));
  return issues;
}

/** Makes the issues of one report, in order (a fingerprint counts the occurrences before it). */
function codeQualityIssuer(): (f: CodeQualityInput) => CodeQualityIssue {
  const seen = new Map<string, number>();
  return (f) => {
    const key = [f.code, f.path, f.lineText.trim()].join("\0");
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    return {
      description: `${f.code} ${f.name}: ${f.message}`,
      check_name: f.code,
      fingerprint: createHash("sha256").update(`${key}\0${occurrence}`).digest("hex").slice(0, 32),
      severity: SEVERITY[f.severity],
      location: { path: f.path, lines: { begin: f.line } },
    };
  };
}

function toInput(f: FindingRecord, cwd: string): CodeQualityInput {
  return { code: f.code, name: f.name, severity: f.severity, message: f.message, path: displayPath(cwd, f.path), line: f.line, lineText: f.lineText };
}

/** A JSON array of issues, two-space indented (as `JSON.stringify(issues, null, 2)`), written a file at a time. */
export const gitlabReporter: ReporterFactory = (header) => {
  const issue = codeQualityIssuer();
  const root = repositoryRoot(header.cwd);
  let count = 0;
  return {
    start: () => "[",
    file: (_path, findings) => findings.map((f) => (count++ === 0 ? "\n" : ",\n") + indentedJson(issue(toInput(f, root)), "  ")).join(""),
    end: () => (count === 0 ? "]\n" : "\n]\n"),
  };
};
