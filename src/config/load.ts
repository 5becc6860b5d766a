import fs from "node:fs";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { configSchema, type ConfigFile } from "./options.js";
import { ConfigError } from "./errors.js";
import "./zod-messages.js";
import { readRegularText, RefusedFileError } from "../engine/read-file.js";

export interface LoadedConfig {
  /** The file it came from, or undefined when none is used. */
  path: string | undefined;
  values: ConfigFile;
}

/** Finds `.pytest-memlint.toml` or `pyproject.toml` with `[tool.pytest-memlint]`, walking up from `cwd`. */
export function findConfigFile(cwd: string): string | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    const own = path.join(dir, ".pytest-memlint.toml");
    if (fs.existsSync(own)) return own;
    const pyproject = path.join(dir, "pyproject.toml");
    if (fs.existsSync(pyproject) && hasOwnTable(safeRead(pyproject))) return pyproject;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Whether a pyproject.toml holds the `tool.pytest-memlint` table, in any TOML spelling
 * (`[tool.pytest-memlint]`, `[tool.'pytest-memlint']`, `[tool] pytest-memlint = {...}`, dotted keys).
 * A file that is not valid TOML but names the table is taken, so that its error is reported.
 */
function hasOwnTable(text: string): boolean {
  try {
    const tool = parseToml(text)["tool"];
    return typeof tool === "object" && tool !== null && "pytest-memlint" in tool;
  } catch {
    return /pytest-memlint/.test(text);
  }
}

function safeRead(file: string): string {
  try {
    return readRegularText(file);
  } catch {
    return "";
  }
}

export function loadConfigFile(file: string): LoadedConfig {
  let text: string;
  try {
    text = readRegularText(file);
  } catch (e) {
    throw new ConfigError(`${file}: ${e instanceof RefusedFileError ? e.message : `cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`}`);
  }
  let data: Record<string, unknown>;
  try {
    data = parseToml(text);
  } catch (e) {
    throw new ConfigError(`${file}: invalid TOML: ${((e as Error).message.split("\n")[0] ?? "").trim()}`);
  }
  const isPyproject = path.basename(file) === "pyproject.toml";
  const section = isPyproject ? ((data["tool"] as Record<string, unknown> | undefined)?.["pytest-memlint"] ?? {}) : data;
  const where = isPyproject ? `${file} [tool.pytest-memlint]` : file;
  const parsed = configSchema.safeParse(section);
  if (!parsed.success) throw new ConfigError(`${where}: ${describeIssue(parsed.error.issues[0], section)}`);
  return { path: file, values: parsed.data };
}

interface SchemaIssue {
  code: string;
  message: string;
  path: PropertyKey[];
  expected?: unknown;
  keys?: string[];
  minimum?: unknown;
  inclusive?: boolean;
  values?: unknown[];
}

const EXPECTED: Record<string, string> = {
  string: "a string",
  number: "an integer",
  int: "an integer",
  boolean: "true or false",
  array: "a list",
  record: "a table",
  object: "a table",
};

/** One line naming the key (and the item in it), what was expected and what was found. */
function describeIssue(issue: SchemaIssue | undefined, section: unknown): string {
  if (!issue) return "invalid configuration";
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys ?? [];
    return `unknown key${keys.length === 1 ? "" : "s"} '${keys.join("', '")}' (expected one of: ${Object.keys(configSchema.shape).join(", ")})`;
  }
  const [top, ...rest] = issue.path;
  const key = `'${String(top)}'${rest.map((p) => (typeof p === "number" ? ` item ${p + 1}` : ` ("${String(p)}")`)).join("")}`;
  let value: unknown = section;
  for (const p of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[p];
  let expected: string;
  if (issue.code === "invalid_type") {
    expected = EXPECTED[String(issue.expected)] ?? String(issue.expected);
    if (rest.length === 0 && (top === "select" || top === "ignore" || top === "extend-select")) expected = 'a list of rule codes or prefixes, such as ["MEM2", "MEM301"]';
    else if (top === "per-file-ignores" && rest.length === 0) expected = 'a table of glob = [codes], such as {"tests/legacy/**" = ["MEM201"]}';
    else if (top === "per-file-ignores" && rest.length === 1) expected = 'a list of rule codes, such as ["MEM201"]';
  } else if (issue.code === "too_small" && typeof issue.minimum === "number") {
    expected = `an integer ${issue.inclusive ? ">=" : ">"} ${issue.minimum}`;
  } else if (issue.code === "invalid_value" && issue.values) {
    expected = `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
  } else if (issue.code === "invalid_format") {
    expected = issue.message;
  } else {
    return `key ${key}: ${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)}`;
  }
  return `key ${key}: expected ${expected}, got ${describeValue(value)}`;
}

function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return "a list";
  if (value instanceof Date) return "a date";
  if (value && typeof value === "object") return "a table";
  return "nothing";
}

export function resolveConfig(cwd: string, explicit: string | undefined, none: boolean): LoadedConfig {
  if (none) return { path: undefined, values: {} };
  if (explicit !== undefined) {
    const file = path.resolve(cwd, explicit);
    if (!fs.existsSync(file)) throw new ConfigError(`${explicit}: configuration file not found`);
    return loadConfigFile(file);
  }
  const found = findConfigFile(cwd);
  return found ? loadConfigFile(found) : { path: undefined, values: {} };
}
