import fs from "node:fs";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { configSchema, type ConfigFile } from "./options.js";
import { ConfigError } from "./errors.js";

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
    if (fs.existsSync(pyproject) && /^\s*\[\s*tool\s*\.\s*(?:"pytest-memlint"|pytest-memlint)\s*\]/m.test(safeRead(pyproject))) return pyproject;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function safeRead(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

export function loadConfigFile(file: string): LoadedConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new ConfigError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
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
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (!issue) throw new ConfigError(`${where}: invalid configuration`);
    const key = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      throw new ConfigError(`${where}: unknown key '${issue.keys.join("', '")}'`);
    }
    throw new ConfigError(`${where}: key '${key}': ${describeIssue(issue)}`);
  }
  return { path: file, values: parsed.data };
}

function describeIssue(issue: { code: string; message: string; expected?: unknown }): string {
  if (issue.code === "invalid_type" && typeof issue.expected === "string") return `expected ${issue.expected}`;
  return issue.message.toLowerCase();
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
