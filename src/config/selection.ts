import { RULES, SYNTAX_ERROR } from "../rules/index.js";
import { ConfigError } from "./errors.js";

/** Every code that can be selected: MEM000 (syntax errors, on by default) and the rules. */
const CODES: readonly { code: string; enabledByDefault: boolean }[] = [
  { code: SYNTAX_ERROR.code, enabledByDefault: true },
  ...RULES.map((r) => ({ code: r.meta.code, enabledByDefault: r.meta.enabledByDefault })),
];

/** `MEM`, `MEM2`, `MEM201` and `ALL` select rules; anything else is an error naming where it was written. */
export function expandCodes(selectors: readonly string[], where: string): Set<string> {
  const codes = new Set<string>();
  for (const raw of selectors) {
    const selector = raw.trim().toUpperCase();
    if (selector === "") continue;
    const matched = selector === "ALL" ? CODES : CODES.filter((c) => c.code.startsWith(selector) && selector.startsWith("MEM"));
    if (matched.length === 0) {
      throw new ConfigError(`${where}: unknown rule code or prefix '${raw}' (expected a code such as MEM201, a prefix such as MEM2, or ALL)`);
    }
    for (const c of matched) codes.add(c.code);
  }
  return codes;
}

export interface SelectionLayer {
  select?: readonly string[] | undefined;
  extendSelect?: readonly string[] | undefined;
  ignore?: readonly string[] | undefined;
  /** Named in error messages: the configuration file or "command line". */
  where: string;
  /** How an error names the key or flag a code came from (default: `where` alone). */
  label?: (key: "select" | "extend-select" | "ignore") => string;
}

/**
 * The codes that run. The configuration file, then the command line: a `select` replaces the
 * selection so far, `extend-select` adds to it, `ignore` removes from it.
 */
export function selectCodes(layers: readonly SelectionLayer[]): Set<string> {
  let enabled = new Set(CODES.filter((c) => c.enabledByDefault).map((c) => c.code));
  for (const layer of layers) {
    const where = (key: "select" | "extend-select" | "ignore") => layer.label?.(key) ?? layer.where;
    if (layer.select) enabled = expandCodes(layer.select, where("select"));
    for (const code of expandCodes(layer.extendSelect ?? [], where("extend-select"))) enabled.add(code);
    for (const code of expandCodes(layer.ignore ?? [], where("ignore"))) enabled.delete(code);
  }
  return enabled;
}

export function splitCodes(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value.split(",").map((s) => s.trim()).filter((s) => s !== "");
}
