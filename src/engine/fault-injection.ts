import path from "node:path";

/** The fault to inject, read once (each read of `process.env` is a call into Node, and this is asked several times per file). */
let fault: { stage: string; basename: string } | null | undefined;

function injectedFault(): { stage: string; basename: string } | null {
  if (fault !== undefined) return fault;
  const spec = process.env["NODE_ENV"] === "test" ? process.env["PYTEST_MEMLINT_INJECT_FAULT"] : undefined;
  const colon = spec ? spec.indexOf(":") : -1;
  fault = spec ? { stage: spec.slice(0, colon), basename: spec.slice(colon + 1) } : null;
  return fault;
}

/**
 * Test-only fault injection, to prove the per-file guard: with NODE_ENV=test and
 * PYTEST_MEMLINT_INJECT_FAULT=STAGE:BASENAME (e.g. `rule:test_b.py`), checking that file throws at
 * that stage. Not a user option: outside tests it does nothing.
 */
export function maybeInjectFault(stage: "read" | "parse" | "rule" | "fix", filePath: string): void {
  const f = injectedFault();
  if (f && f.stage === stage && f.basename === path.basename(filePath)) throw new Error(`fault injected at ${stage}`);
}
