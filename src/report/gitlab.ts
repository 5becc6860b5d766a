import { createHash } from "node:crypto";
import type { Finding, Severity } from "../engine/types.js";
import { displayPath, spanOf } from "./paths.js";
import { repositoryRoot } from "./repo-root.js";
import type { Reporter } from "./types.js";

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
  const seen = new Map<string, number>();
  const issues: CodeQualityIssue[] = [];
  for (const f of findings) {
    const key = [f.code, f.path, f.lineText.trim()].join("\0");
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    issues.push({
      description: `${f.code} ${f.name}: ${f.message}`,
      check_name: f.code,
      fingerprint: createHash("sha256").update(`${key}\0${occurrence}`).digest("hex").slice(0, 32),
      severity: SEVERITY[f.severity],
      location: { path: f.path, lines: { begin: f.line } },
    });
  }
  return issues;
}

function toInput(f: Finding, cwd: string): CodeQualityInput {
  const span = spanOf(f);
  return { code: f.code, name: f.name, severity: f.severity, message: f.message, path: displayPath(repositoryRoot(cwd), f.file.path), line: span.line, lineText: f.file.lines.lineText(span.line - 1) };
}

export const gitlabReporter: Reporter = (input) => JSON.stringify(codeQualityIssues(input.findings.map((f) => toInput(f, input.cwd))), null, 2) + "\n";
