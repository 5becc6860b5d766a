import type { Applicability, Edit, Finding, Fix } from "../engine/types.js";

export const MAX_FIX_PASSES = 10;

/** Whether a fix (of a finding or of its plain record) would be applied with or without `--unsafe-fixes`. */
export function isApplicable<F extends { applicability: Applicability; edits: readonly unknown[] }>(fix: F | null, unsafe: boolean): fix is F {
  return fix !== null && fix.edits.length > 0 && (fix.applicability === "safe" || unsafe);
}

function sameEdit(a: Edit, b: Edit): boolean {
  return a.start === b.start && a.end === b.end && a.content === b.content;
}

/** Two edits conflict when their ranges overlap, or both insert at one point with different text. */
function conflicts(a: Edit, b: Edit): boolean {
  if (sameEdit(a, b)) return false;
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  if (a.start === a.end) return a.start > b.start && a.start < b.end;
  if (b.start === b.end) return b.start > a.start && b.start < a.end;
  return a.start < b.end && b.start < a.end;
}

export interface PassPlan {
  /** Findings whose fix is applied in this pass. */
  applied: Finding[];
  edits: Edit[];
}

/**
 * Chooses the fixes of one pass, in source order: a fix that conflicts with one already chosen waits
 * for the next pass; an edit identical to a chosen one (two classes both adding `import pytest`) is
 * made once.
 */
export function planPass(findings: readonly Finding[], unsafe: boolean): PassPlan {
  const fixable = findings.filter((f) => isApplicable(f.fix, unsafe));
  fixable.sort((a, b) => firstEdit(a) - firstEdit(b) || a.start - b.start);
  const edits: Edit[] = [];
  const applied: Finding[] = [];
  for (const finding of fixable) {
    const fixEdits = (finding.fix as Fix).edits;
    if (fixEdits.some((e) => edits.some((chosen) => conflicts(e, chosen)))) continue;
    for (const e of fixEdits) if (!edits.some((chosen) => sameEdit(e, chosen))) edits.push(e);
    applied.push(finding);
  }
  return { applied, edits };
}

function firstEdit(f: Finding): number {
  return Math.min(...(f.fix?.edits ?? []).map((e) => e.start));
}

/** Applies non-overlapping edits (offsets into `text`). */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = "";
  let pos = 0;
  for (const e of sorted) {
    out += text.slice(pos, e.start) + e.content;
    pos = e.end;
  }
  return out + text.slice(pos);
}

export interface FixLoopResult {
  text: string;
  /** Count of applied fixes by rule code. */
  fixedByCode: Map<string, number>;
  /** Why some fixes were not applied (a fix that broke parsing, a cycle). */
  problems: string[];
}

export interface FixLoopHooks {
  /** Lints a text; returns its findings and its number of syntax errors. */
  lint(text: string): { findings: Finding[]; syntaxErrors: number };
  /** False when the text cannot be written back (e.g. a character the file's encoding lacks). */
  canWrite(text: string): boolean;
}

/**
 * The fix loop: lint, apply one pass of fixes, repeat until nothing changes (at most 10 passes).
 * A pass whose result has more syntax errors than the original is retried one fix at a time, and
 * the fixes that break parsing are dropped and reported. A text seen before is a cycle: stop.
 */
export function runFixLoop(original: string, unsafe: boolean, hooks: FixLoopHooks): FixLoopResult {
  const first = hooks.lint(original);
  const allowedErrors = first.syntaxErrors;
  let text = original;
  let findings = first.findings;
  const fixedByCode = new Map<string, number>();
  const problems: string[] = [];
  const rejected = new Set<string>();
  const seen = new Set<string>([original]);
  for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
    const candidates = findings.filter((f) => !rejected.has(fixKey(f)));
    const plan = planPass(candidates, unsafe);
    if (plan.applied.length === 0) break;
    let applied = plan.applied;
    let next = applyEdits(text, plan.edits);
    let lintedNext = hooks.lint(next);
    if (lintedNext.syntaxErrors > allowedErrors || !hooks.canWrite(next)) {
      // Find the fixes that break the file on their own, drop them, and retry the rest together.
      for (const f of plan.applied) {
        const alone = applyEdits(text, (f.fix as Fix).edits);
        const linted = hooks.lint(alone);
        const breaks = linted.syntaxErrors > allowedErrors;
        if (breaks || !hooks.canWrite(alone)) {
          rejected.add(fixKey(f));
          problems.push(`the fix of ${f.code} (${f.fix?.message ?? ""}) ${breaks ? "would break parsing" : "cannot be written in the file's encoding"}; not applied`);
        }
      }
      const retry = planPass(candidates.filter((f) => !rejected.has(fixKey(f))), unsafe);
      applied = retry.applied;
      next = applyEdits(text, retry.edits);
      lintedNext = hooks.lint(next);
      if (applied.length > 0 && (lintedNext.syntaxErrors > allowedErrors || !hooks.canWrite(next))) {
        // Fixes that are fine alone but not together: one per pass.
        const one = retry.applied[0] as Finding;
        applied = [one];
        next = applyEdits(text, (one.fix as Fix).edits);
        lintedNext = hooks.lint(next);
      }
      if (applied.length === 0) break;
    }
    if (seen.has(next)) {
      problems.push("fixes cycle (a later pass undoes an earlier one); stopped");
      break;
    }
    seen.add(next);
    for (const f of applied) fixedByCode.set(f.code, (fixedByCode.get(f.code) ?? 0) + 1);
    text = next;
    findings = lintedNext.findings;
  }
  return { text, fixedByCode, problems };
}

/** Identifies a fix across passes, whose offsets move: its rule, message and inserted text. */
function fixKey(f: Finding): string {
  return `${f.code}|${f.message}|${f.fix?.edits.map((e) => e.content).join("|") ?? ""}`;
}
