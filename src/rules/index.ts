import type { Rule } from "../engine/rule.js";
import missingGcImport from "./missing-gc-import.js";
import missingXdistGroup from "./missing-xdist-group.js";
import missingGcTeardown from "./missing-gc-teardown.js";

/** Every rule, in code order. MEM000 (syntax errors) is reported by the engine itself. */
export const RULES: readonly Rule[] = [
  missingGcImport,
  missingXdistGroup,
  missingGcTeardown,
] satisfies readonly Rule[];

export const SYNTAX_ERROR = { code: "MEM000", name: "syntax-error", severity: "error" } as const;

export function ruleByCode(code: string): Rule | undefined {
  return RULES.find((r) => r.meta.code === code);
}
