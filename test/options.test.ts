/**
 * Rule options are declared once, next to their rule (src/rules/options.ts lists them): the configuration
 * schema, the defaults, the rule docs and docs/options.md are derived from the declarations. These tests
 * fail when a rule reads an option that is not listed, a listed option is read by no rule, the schema or the
 * docs differ from the declarations, or the README's list of keys misses one.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { configSchema, ruleOptionsFrom } from "../src/config/options.js";
import { optionsMarkdown, ruleMarkdown } from "../src/docs.js";
import { formatDefault } from "../src/engine/options.js";
import { RULES } from "../src/rules/index.js";
import { RULE_OPTIONS } from "../src/rules/options.js";
import { ROOT } from "./helpers.js";

/** Keys that belong to the run, not to a rule. */
const RUN_KEYS = ["select", "ignore", "extend-select", "exclude", "per-file-ignores", "baseline", "cache-dir", "max-file-size-mb"];

describe("rule options: one declaration", () => {
  it("every option a rule reads is listed, and every listed option is read by a rule", () => {
    const listed = new Set<unknown>(RULE_OPTIONS);
    for (const rule of RULES) for (const option of rule.meta.options) expect(listed.has(option), `${rule.meta.code} reads ${option.key}, missing from src/rules/options.ts`).toBe(true);
    const read = new Set(RULES.flatMap((r) => r.meta.options));
    for (const option of RULE_OPTIONS) expect(read.has(option), `${option.key} is read by no rule`).toBe(true);
  });

  it("keys and properties are unique and well formed", () => {
    const keys = RULE_OPTIONS.map((o) => o.key);
    const properties = RULE_OPTIONS.map((o) => o.property);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(properties).size).toBe(properties.length);
    for (const o of RULE_OPTIONS) {
      expect(o.key).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(o.property).toBe(o.key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()));
      expect(o.description.trim()).not.toBe("");
      expect(o.type.trim()).not.toBe("");
    }
  });

  it("the configuration schema holds the run's keys and exactly the declared options, with their schemas", () => {
    const shape = configSchema.shape as Record<string, { def: { innerType?: unknown } }>;
    expect(Object.keys(shape).sort()).toEqual([...RUN_KEYS, ...RULE_OPTIONS.map((o) => o.key)].sort());
    for (const o of RULE_OPTIONS) expect(shape[o.key]?.def.innerType, o.key).toBe(o.schema);
  });

  it("each default is valid for its own schema, and an unset option takes it", () => {
    const defaults = ruleOptionsFrom({});
    expect(Object.keys(defaults).sort()).toEqual(RULE_OPTIONS.map((o) => o.property).sort());
    for (const o of RULE_OPTIONS) {
      expect(o.schema.safeParse(o.default).success, o.key).toBe(true);
      expect((defaults as Record<string, unknown>)[o.property]).toEqual(o.default);
    }
  });

  it("a value set in the configuration reaches the rules under the declared property", () => {
    const parsed = configSchema.parse({ "max-fixture-chain": 7, "memory-marker": "big", "accept-spec": true });
    expect(ruleOptionsFrom(parsed)).toMatchObject({ maxFixtureChain: 7, memoryMarker: "big", acceptSpec: true, maxWorkers: 8 });
  });

  it("docs/options.md and each rule's options section come from the declarations (npm run docs)", () => {
    expect(fs.readFileSync(path.join(ROOT, "docs", "options.md"), "utf8")).toBe(optionsMarkdown());
    for (const o of RULE_OPTIONS) expect(optionsMarkdown()).toContain(`| \`${o.key}\` | ${o.type.replace(/\|/g, "\\|")} | \`${formatDefault(o.default)}\` |`);
    for (const rule of RULES) {
      const page = ruleMarkdown(rule);
      for (const o of rule.meta.options) expect(page).toContain(`- \`${o.key}\` (${o.type}, default \`${formatDefault(o.default)}\`): ${o.description}`);
    }
  });

  it("the README names every configuration key", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    for (const key of Object.keys(configSchema.shape)) expect(readme, key).toContain(`\`${key}\``);
  });
});
