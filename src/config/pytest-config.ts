import fs from "node:fs";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { IniParseError, parseIni } from "./ini.js";
import { ConfigError } from "./errors.js";

/** One option of the pytest configuration with where it is written. */
export interface PytestOption {
  /** Raw ini text, or the TOML value (string or string list). */
  value: string | string[];
  line: number;
}

export type PytestConfigKind = "pytest.toml" | "pytest.ini" | "pyproject.toml" | "tox.ini" | "setup.cfg";

/** The pytest configuration file that applies to a folder. */
export interface PytestConfig {
  path: string;
  kind: PytestConfigKind;
  /** Line of the section header (1 for pytest.toml/ini files without one). */
  headerLine: number;
  options: Map<string, PytestOption>;
  /** `[tool.pytest]` native TOML (pytest 9) rather than ini-style options. */
  nativeToml: boolean;
  text: string;
}

const CANDIDATES = ["pytest.toml", ".pytest.toml", "pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg"] as const;

/** Finds and parses the pytest configuration that applies to folders, caching by folder. */
export class PytestConfigFinder {
  private readonly byDir = new Map<string, PytestConfig | null>();
  private readonly byFile = new Map<string, PytestConfig | null>();

  /** The configuration for a folder: the first folder at or above it holding one. Throws ConfigError. */
  forDir(dir: string): PytestConfig | undefined {
    const visited: string[] = [];
    let cur = path.resolve(dir);
    let found: PytestConfig | null = null;
    for (;;) {
      const cached = this.byDir.get(cur);
      if (cached !== undefined) {
        found = cached;
        break;
      }
      visited.push(cur);
      found = this.inDir(cur);
      if (found) break;
      const parent = path.dirname(cur);
      if (parent === cur) break;
      cur = parent;
    }
    for (const d of visited) this.byDir.set(d, found);
    return found ?? undefined;
  }

  /** The configuration defined in exactly this folder, if any. */
  inDir(dir: string): PytestConfig | null {
    for (const name of CANDIDATES) {
      const file = path.join(dir, name);
      const config = this.readFile(file);
      if (config) return config;
    }
    return null;
  }

  readFile(file: string): PytestConfig | null {
    const cached = this.byFile.get(file);
    if (cached !== undefined) return cached;
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      this.byFile.set(file, null);
      return null;
    }
    const config = parsePytestConfig(file, text);
    this.byFile.set(file, config);
    return config;
  }
}

export function parsePytestConfig(file: string, text: string): PytestConfig | null {
  const base = path.basename(file);
  try {
    if (base === "pytest.toml" || base === ".pytest.toml") return fromToml(file, text, "pytest.toml", ["pytest"], true);
    if (base === "pyproject.toml") return fromToml(file, text, "pyproject.toml", ["tool", "pytest"], false);
    if (base === "pytest.ini" || base === ".pytest.ini") {
      // pytest.ini applies even when empty or without a [pytest] section.
      return fromIni(file, text, "pytest.ini", "pytest") ?? { path: file, kind: "pytest.ini", headerLine: 1, options: new Map(), nativeToml: false, text };
    }
    if (base === "tox.ini") return fromIni(file, text, "tox.ini", "pytest");
    if (base === "setup.cfg") return fromIni(file, text, "setup.cfg", "tool:pytest");
  } catch (e) {
    if (e instanceof IniParseError) throw new ConfigError(`${file}:${e.line}: ${e.message}`);
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`${file}: ${(e as Error).message.split("\n")[0] ?? "cannot be parsed"}`);
  }
  return null;
}

function fromIni(file: string, text: string, kind: PytestConfigKind, sectionName: string): PytestConfig | null {
  const section = parseIni(text).find((s) => s.name === sectionName);
  if (!section) return null;
  const options = new Map<string, PytestOption>();
  for (const [key, v] of section.values) options.set(key, { value: v.value, line: v.line });
  return { path: file, kind, headerLine: section.line, options, nativeToml: false, text };
}

function fromToml(file: string, text: string, kind: PytestConfigKind, tablePath: string[], wholeFileIsPytest: boolean): PytestConfig | null {
  let data: Record<string, unknown>;
  try {
    data = parseToml(text);
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0] ?? "invalid TOML";
    throw new ConfigError(`${file}: invalid TOML: ${msg}`);
  }
  let table: unknown = data;
  for (const key of tablePath) table = (table as Record<string, unknown> | undefined)?.[key];
  if (table === undefined || typeof table !== "object" || table === null) {
    return wholeFileIsPytest ? { path: file, kind, headerLine: 1, options: new Map(), nativeToml: true, text } : null;
  }
  const pytestTable = table as Record<string, unknown>;
  const iniOptions = pytestTable["ini_options"];
  let values: Record<string, unknown>;
  let header: string;
  let nativeToml: boolean;
  if (!wholeFileIsPytest && iniOptions && typeof iniOptions === "object") {
    values = iniOptions as Record<string, unknown>;
    header = "tool.pytest.ini_options";
    nativeToml = false;
  } else {
    values = Object.fromEntries(Object.entries(pytestTable).filter(([k]) => k !== "ini_options"));
    header = tablePath.join(".");
    nativeToml = true;
  }
  const lines = text.split(/\r\n|\r|\n/);
  const headerIndex = lines.findIndex((l) => new RegExp(`^\\s*\\[\\s*${header.replace(/\./g, "\\s*\\.\\s*")}\\s*\\]`).test(l));
  const options = new Map<string, PytestOption>();
  for (const [key, value] of Object.entries(values)) {
    let v: string | string[];
    if (typeof value === "string") v = value;
    else if (Array.isArray(value)) v = value.map((x) => String(x));
    else if (typeof value === "number" || typeof value === "boolean") v = String(value);
    else continue;
    options.set(key, { value: v, line: keyLine(lines, headerIndex, key) });
  }
  return { path: file, kind, headerLine: headerIndex + 1 || 1, options, nativeToml, text };
}

function keyLine(lines: string[], headerIndex: number, key: string): number {
  const re = new RegExp(`^\\s*["']?${key.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&")}["']?\\s*=`);
  for (let i = Math.max(headerIndex + 1, 0); i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (i > headerIndex && /^\s*\[/.test(line) && headerIndex >= 0) break;
    if (re.test(line)) return i + 1;
  }
  return headerIndex + 1 || 1;
}

/** An option as a list of words: TOML lists as they are, ini text split like a shell would. */
export function optionWords(option: PytestOption | undefined): string[] | undefined {
  if (!option) return undefined;
  if (Array.isArray(option.value)) return option.value;
  return option.value.split(/\s+/).filter((w) => w !== "");
}

/** An option as lines (`markers`): TOML lists as they are, ini text one entry a line. */
export function optionLines(option: PytestOption | undefined): string[] | undefined {
  if (!option) return undefined;
  if (Array.isArray(option.value)) return option.value;
  return option.value.split("\n").map((l) => l.trim()).filter((l) => l !== "");
}
