import * as z from "zod/mini";

/**
 * A rule option, declared once next to the rule (or rule family) that reads it. The configuration schema,
 * the `ctx.options` type, the defaults and the docs' option tables are all derived from these declarations
 * (`src/rules/options.ts` lists them), so they cannot drift apart.
 */
export interface OptionDeclaration<K extends string = string, P extends string = string, S extends z.ZodMiniType = z.ZodMiniType> {
  /** The configuration key (`max-fixture-chain`). */
  key: K;
  /** The property rules read it as (`ctx.options.maxFixtureChain`). */
  property: P;
  /** What the configuration file may hold. */
  schema: S;
  default: z.output<S>;
  /** The type as the docs name it (`integer`, `list of dotted names`). */
  type: string;
  description: string;
}

export function declareOption<const K extends string, const P extends string, S extends z.ZodMiniType>(declaration: OptionDeclaration<K, P, S>): OptionDeclaration<K, P, S> {
  return declaration;
}

/** Schemas shared by several options. */
export const optionSchemas = {
  nonNegativeInt: z.int().check(z.nonnegative()),
  positiveInt: z.int().check(z.positive()),
  identifier: z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a Python identifier")),
  names: z.array(z.string()),
};

/** A default as the docs show it, in TOML spelling (`"memory_intensive"`, `3`, `["open", "socket.socket"]`). */
export function formatDefault(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => formatDefault(v)).join(", ")}]`;
  if (typeof value === "string") return JSON.stringify(value);
  return String(value);
}
