import path from "node:path";

/**
 * Test-only fault injection, to prove the per-file guard: with NODE_ENV=test and
 * PYTEST_MEMLINT_INJECT_FAULT=STAGE:BASENAME (e.g. `rule:test_b.py`), checking that file throws at
 * that stage. Not a user option: outside tests it does nothing.
 */
export function maybeInjectFault(stage: "read" | "parse" | "rule" | "fix", filePath: string): void {
  if (process.env["NODE_ENV"] !== "test") return;
  const spec = process.env["PYTEST_MEMLINT_INJECT_FAULT"];
  if (!spec) return;
  const colon = spec.indexOf(":");
  if (spec.slice(0, colon) === stage && spec.slice(colon + 1) === path.basename(filePath)) throw new Error(`fault injected at ${stage}`);
}
