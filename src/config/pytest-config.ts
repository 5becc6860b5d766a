import fs from "node:fs";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { IniParseError, parseIni } from "./ini.js";
import { readRegularText } from "../engine/read-file.js";
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
  /** Said once on standard error, at `path:line`: how the file was read where pytest versions differ. */
  warning?: { line: number | undefined; detail: string };
}

const CANDIDATES = ["pytest.toml", ".pytest.toml", "pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg"] as const;

/** A file name pytest reads its configuration from. */
export function isPytestConfigFileName(base: string): boolean {
  return (CANDIDATES as readonly string[]).includes(base);
}

/** A pytest configuration file pytest itself could not read: one line for the user, exit 2. */
export class PytestConfigError extends ConfigError {
  constructor(readonly path: string, readonly line: number | undefined, readonly detail: string) {
    super(`${path}${line !== undefined ? `:${line}` : ""}: ${detail}`);
  }
}

/** What a finder has read, as plain data: worker threads start from the main thread's (nothing parsed twice). */
export interface PytestConfigSnapshot {
  byDir: [string, PytestConfig | null][];
  byFile: [string, PytestConfig | null][];
  failed: [string, { line: number | undefined; detail: string }][];
}

/** Finds and parses the pytest configuration that applies to folders, caching by folder. */
export class PytestConfigFinder {
  private readonly byDir = new Map<string, PytestConfig | null>();
  private readonly byFile = new Map<string, PytestConfig | null>();
  /** Files that failed to parse: the same error is thrown on every lookup (never a half-read config). */
  private readonly failed = new Map<string, PytestConfigError>();

  snapshot(): PytestConfigSnapshot {
    return { byDir: [...this.byDir], byFile: [...this.byFile], failed: [...this.failed].map(([file, e]) => [file, { line: e.line, detail: e.detail }]) };
  }

  /** Takes what another finder read (its snapshot): those folders and files are not read again. */
  seed(s: PytestConfigSnapshot): void {
    for (const [dir, config] of s.byDir) this.byDir.set(dir, config);
    for (const [file, config] of s.byFile) this.byFile.set(file, config);
    for (const [file, e] of s.failed) this.failed.set(file, new PytestConfigError(file, e.line, e.detail));
  }

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
    const failure = this.failed.get(file);
    if (failure) throw failure;
    let text: string | undefined;
    try {
      // Most folders hold none of the candidates: a stat that throws nothing first, as a failed open costs ten times as much (an Error with its stack).
      if (fs.statSync(file, { throwIfNoEntry: false }) !== undefined) text = readRegularText(file);
    } catch {
      text = undefined;
    }
    if (text === undefined) {
      this.byFile.set(file, null);
      return null;
    }
    try {
      const config = parsePytestConfig(file, text);
      this.byFile.set(file, config);
      return config;
    } catch (e) {
      if (e instanceof PytestConfigError) this.failed.set(file, e);
      throw e;
    }
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
    if (e instanceof IniParseError) throw new PytestConfigError(file, e.line, e.message);
    if (e instanceof PytestConfigError) throw e;
    throw new PytestConfigError(file, undefined, (e as Error).message.split("\n")[0] ?? "cannot be parsed");
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
    data = parseToml(text.replace(/^\ufeff/, ""));
  } catch (e) {
    const err = e as Error & { line?: number };
    const msg = (err.message.split("\n")[0] ?? "").replace(/^Invalid TOML document:\s*/, "");
    throw new PytestConfigError(file, typeof err.line === "number" ? err.line : undefined, `invalid TOML: ${msg}`);
  }
  let table: unknown = data;
  for (const key of tablePath) table = isTable(table) ? table[key] : undefined;
  const lines = text.split(/\r\n|\r|\n/);
  const empty = (): PytestConfig => ({ path: file, kind, headerLine: headerLineOf(lines, tablePath.join(".")) || 1, options: new Map(), nativeToml: true, text });
  if (!isTable(table)) {
    // pytest.toml applies even without a [pytest] table, as pytest.ini does.
    return wholeFileIsPytest ? empty() : null;
  }
  let values: Record<string, unknown>;
  let header: string;
  let nativeToml: boolean;
  if (wholeFileIsPytest) {
    values = table;
    header = tablePath.join(".");
    nativeToml = true;
  } else {
    // As pytest: [tool.pytest] keys (native TOML) or [tool.pytest.ini_options] (ini mode), never both.
    const native = Object.fromEntries(Object.entries(table).filter(([k]) => k !== "ini_options"));
    const iniOptions = table["ini_options"];
    const hasNative = Object.keys(native).length > 0;
    if (hasNative && isTable(iniOptions) && Object.keys(iniOptions).length > 0) {
      // pytest 8 reads only [tool.pytest.ini_options]; pytest 9 refuses the file. Read it as pytest 8 does.
      const beside = Object.keys(native).map((k) => (isTable(native[k]) ? `[tool.pytest.${k}]` : `tool.pytest.${k}`));
      const line = headerLineOf(lines, "tool.pytest.ini_options");
      const config = configFrom(file, kind, lines, iniOptions, "tool.pytest.ini_options", false, text);
      config.warning = { line: line || undefined, detail: `[tool.pytest.ini_options] beside ${beside.join(", ")}: read as pytest 8 reads it (the ini_options); pytest 9 refuses this file` };
      return config;
    }
    if (hasNative) {
      values = native;
      header = "tool.pytest";
      nativeToml = true;
    } else if (isTable(iniOptions)) {
      values = iniOptions;
      header = "tool.pytest.ini_options";
      nativeToml = false;
    } else {
      return null;
    }
  }
  return configFrom(file, kind, lines, values, header, nativeToml, text);
}

function configFrom(file: string, kind: PytestConfigKind, lines: string[], values: Record<string, unknown>, header: string, nativeToml: boolean, text: string): PytestConfig {
  const headerLine = headerLineOf(lines, header);
  const options = new Map<string, PytestOption>();
  for (const [key, value] of Object.entries(values)) {
    let v: string | string[];
    if (typeof value === "string") v = value;
    else if (Array.isArray(value)) v = value.map((x) => pythonStr(x));
    else if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") v = pythonStr(value);
    else continue;
    options.set(key, { value: v, line: keyLine(lines, headerLine - 1, key) });
  }
  return { path: file, kind, headerLine: headerLine || 1, options, nativeToml, text };
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** `str(value)` as Python prints a TOML scalar (pytest's ini mode turns scalars into strings). */
function pythonStr(value: unknown): string {
  if (value === true) return "True";
  if (value === false) return "False";
  return String(value);
}

/** 1-based line of a `[a.b.c]` table header, or 0 when the table is not written as a header. */
function headerLineOf(lines: string[], header: string): number {
  const parts = header.split(".").map((p) => `["']?${escapeRegExp(p)}["']?`);
  const re = new RegExp(`^\\s*\\[\\s*${parts.join("\\s*\\.\\s*")}\\s*\\]\\s*(?:#.*)?$`);
  return lines.findIndex((l) => re.test(l)) + 1;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
}

function keyLine(lines: string[], headerIndex: number, key: string): number {
  const re = new RegExp(`^\\s*["']?${escapeRegExp(key)}["']?\\s*=`);
  for (let i = Math.max(headerIndex + 1, 0); i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (headerIndex >= 0 && /^\s*\[/.test(line)) break;
    if (re.test(line)) return i + 1;
  }
  return headerIndex + 1 || 1;
}

/**
 * Splits a string into words as Python's `shlex.split` does (which pytest uses for `addopts`,
 * `python_files` and the other "args" options): POSIX quoting and backslash escapes; unlike a shell,
 * `#`, `;`, `|`, `>`, `&`, `$NAME` and globs are plain characters. An unclosed quote or a trailing
 * backslash (an error in Python) keeps what was read.
 */
export function shlexSplit(text: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? "";
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === "\\" && i + 1 < text.length && (text[i + 1] === '"' || text[i + 1] === "\\")) word += text[++i] ?? "";
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\") {
      if (i + 1 < text.length) word += text[++i] ?? "";
      inWord = true;
    } else if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** An option as a list of words: TOML lists as they are, ini text split as `shlex.split` does. */
export function optionWords(option: PytestOption | undefined): string[] | undefined {
  if (!option) return undefined;
  if (Array.isArray(option.value)) return option.value;
  return shlexSplit(option.value);
}

/** An option as lines (`markers`): TOML lists as they are, ini text one entry a line. */
export function optionLines(option: PytestOption | undefined): string[] | undefined {
  if (!option) return undefined;
  if (Array.isArray(option.value)) return option.value;
  return option.value.split("\n").map((l) => l.trim()).filter((l) => l !== "");
}
