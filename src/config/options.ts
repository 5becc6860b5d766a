import * as z from "zod/mini";
import { optionSchemas } from "../engine/options.js";
import { RULE_OPTIONS } from "../rules/options.js";

const codeList = z.array(z.string());

type DeclaredOption = (typeof RULE_OPTIONS)[number];

/** The rule options' part of the configuration schema, from their declarations. */
const ruleOptionShape = Object.fromEntries(RULE_OPTIONS.map((o) => [o.key, z.optional(o.schema)])) as {
  [O in DeclaredOption as O["key"]]: z.ZodMiniOptional<O["schema"]>;
};

/** Every key of `[tool.pytest-memlint]` / `.pytest-memlint.toml`; the TypeScript type is inferred from it. */
export const configSchema = z.strictObject({
  select: z.optional(codeList),
  ignore: z.optional(codeList),
  "extend-select": z.optional(codeList),
  exclude: z.optional(z.array(z.string())),
  "per-file-ignores": z.optional(z.record(z.string(), codeList)),
  baseline: z.optional(z.string()),
  "cache-dir": z.optional(z.string().check(z.regex(/\S/, "a folder path"))),
  ...ruleOptionShape,
  /** Files larger than this many megabytes are not read (one error line). */
  "max-file-size-mb": z.optional(optionSchemas.positiveInt),
});

export type ConfigFile = z.infer<typeof configSchema>;

/** Rule options with their defaults filled in, as rules read them (`ctx.options.maxFixtureChain`). */
export type RuleOptions = { [O in DeclaredOption as O["property"]]: z.output<O["schema"]> };

export type OptionName = DeclaredOption["key"];

/** The rule options a configuration sets, each unset one at its declared default. */
export function ruleOptionsFrom(values: ConfigFile): RuleOptions {
  const set = values as Record<string, unknown>;
  return Object.fromEntries(RULE_OPTIONS.map((o) => [o.property, set[o.key] ?? o.default])) as RuleOptions;
}
