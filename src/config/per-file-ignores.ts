import path from "node:path";
import { ConfigError } from "./errors.js";
import { compileGlobMatcher, type PathMatcher } from "./glob-match.js";
import { expandCodes } from "./selection.js";

/**
 * `exclude` and `per-file-ignores` of the configuration: globs relative to the configuration
 * file's folder, as ruff reads them.
 *
 * The glob dialect (one, documented, the same for both keys):
 * - a pattern without `/` (`legacy`, `test_old_*.py`) matches a file or folder of that name anywhere
 *   below the configuration folder;
 * - a pattern with `/` (`tests/legacy`, `tests/**\/test_*_slow.py`, `../shared/*.py`) matches the path
 *   relative to the configuration folder; an absolute pattern matches the absolute path;
 * - `*` and `?` never cross `/`; `**` (a whole path segment) matches any number of folders;
 *   `[abc]`, `[a-z]`, `[!abc]`/`[^abc]` a character class; `{a,b}` alternatives; `\` escapes;
 * - a folder that matches covers everything in it (`tests/legacy` is the whole folder);
 * - in `per-file-ignores` a leading `!` negates: the codes are ignored in files that do NOT match.
 * A malformed pattern (unclosed `[` or `{`, a stray `}`, `**` inside a segment, empty) is a
 * configuration error naming the file, the key and the pattern.
 */
export interface PathRules {
  /** Whether `exclude` names this path (a file, or a folder met while walking). */
  isExcluded(absolutePath: string): boolean;
  /** Codes that `per-file-ignores` turns off for a file; empty when none. */
  ignoredCodes(absolutePath: string): ReadonlySet<string>;
  /** Whether any `exclude` or `per-file-ignores` entry exists. */
  readonly active: boolean;
}

interface CompiledGlob {
  source: string;
  negated: boolean;
  /** `name`: matched against the last component; `relative`: the path relative to the folder; `absolute`: the absolute path. */
  kind: "name" | "relative" | "absolute";
  re: PathMatcher;
}

export interface PathRulesConfig {
  exclude?: readonly string[] | undefined;
  "per-file-ignores"?: Readonly<Record<string, readonly string[]>> | undefined;
}

const NO_CODES: ReadonlySet<string> = new Set();

/** How error messages name a configuration file (with the table for pyproject.toml). */
export function configWhere(configPath: string): string {
  return path.basename(configPath) === "pyproject.toml" ? `${configPath} [tool.pytest-memlint]` : configPath;
}

/** Compiles `exclude` and `per-file-ignores`; throws ConfigError for a bad glob or an unknown code. */
export function compilePathRules(values: PathRulesConfig, configPath: string | undefined): PathRules {
  const excludes = values.exclude ?? [];
  const ignores = Object.entries(values["per-file-ignores"] ?? {});
  if (configPath === undefined || (excludes.length === 0 && ignores.length === 0)) {
    return { isExcluded: () => false, ignoredCodes: () => NO_CODES, active: false };
  }
  const where = configWhere(configPath);
  const baseDir = path.dirname(path.resolve(configPath));
  const excludeGlobs = excludes.map((p) => compilePathGlob(p, `${where}: key 'exclude'`, false));
  const ignoreEntries = ignores.map(([pattern, codes]) => {
    const key = `${where}: key 'per-file-ignores' ("${pattern}")`;
    return { glob: compilePathGlob(pattern, key, true), codes: expandCodes(codes, key) };
  });

  return {
    active: true,
    isExcluded(absolutePath) {
      if (excludeGlobs.length === 0) return false;
      const candidate = candidateOf(baseDir, absolutePath);
      return excludeGlobs.some((g) => matches(g, candidate));
    },
    ignoredCodes(absolutePath) {
      if (ignoreEntries.length === 0) return NO_CODES;
      const candidates = candidatesWithFolders(baseDir, absolutePath);
      let result: Set<string> | undefined;
      for (const entry of ignoreEntries) {
        const hit = candidates.some((c) => matches(entry.glob, c));
        if (hit === entry.glob.negated) continue;
        result ??= new Set();
        for (const code of entry.codes) result.add(code);
      }
      return result ?? NO_CODES;
    },
  };
}

interface Candidate {
  name: string;
  relative: string;
  absolute: string;
}

function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}

function candidateOf(baseDir: string, absolutePath: string): Candidate {
  const abs = path.resolve(absolutePath);
  return { name: path.basename(abs), relative: toPosix(path.relative(baseDir, abs)), absolute: toPosix(abs) };
}

/** The file and each folder above it, up to (not including) the configuration folder. */
function candidatesWithFolders(baseDir: string, absolutePath: string): Candidate[] {
  const out = [candidateOf(baseDir, absolutePath)];
  const rel = path.relative(baseDir, path.resolve(absolutePath));
  if (rel.startsWith("..") || path.isAbsolute(rel)) return out;
  let dir = path.dirname(path.resolve(absolutePath));
  while (dir !== baseDir && dir.startsWith(baseDir)) {
    out.push(candidateOf(baseDir, dir));
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return out;
}

function matches(glob: CompiledGlob, c: Candidate): boolean {
  if (glob.kind === "name") return c.relative !== "" && glob.re.test(c.name);
  return glob.re.test(glob.kind === "absolute" ? c.absolute : c.relative);
}

/** Compiles one pattern of `exclude` / `per-file-ignores`; `where` names the file and key in errors. */
export function compilePathGlob(pattern: string, where: string, allowNegation: boolean): CompiledGlob {
  const fail = (why: string): never => {
    throw new ConfigError(`${where}: invalid glob "${pattern}": ${why} (expected a glob such as "tests/legacy", "tests/**/test_*_slow.py" or "test_old_*.py")`);
  };
  let body = pattern.trim();
  let negated = false;
  if (body.startsWith("!")) {
    if (!allowNegation) fail("negation ('!') is only supported in per-file-ignores");
    negated = true;
    body = body.slice(1);
  }
  while (body.startsWith("./")) body = body.slice(2);
  while (body.length > 1 && body.endsWith("/")) body = body.slice(0, -1);
  body = body.replace(/\/{2,}/g, "/");
  if (body === "" || body === ".") fail("the pattern is empty");
  const absolute = body.startsWith("/");
  if (!absolute && /(?:^|\/)\.\.?(?:\/|$)/.test(body)) body = path.posix.normalize(body);
  const kind = absolute ? "absolute" : body.includes("/") ? "relative" : "name";
  // The regular expression only validates the glob (a bad class range fails to compile); matching
  // runs the linear-time automaton of glob-match.ts.
  const source = globBody(body, fail);
  try {
    new RegExp(`^${source}$`, "s");
  } catch {
    return fail("a character class is malformed (a range such as [z-a]?)");
  }
  const re = compileGlobMatcher(body, (glob, open) => {
    const cls = charClass(glob, open, fail);
    return { re: new RegExp(`^${cls.source}$`, "s"), end: cls.end };
  });
  return { source: pattern, negated, kind, re };
}

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/]/;

/** The regular expression of a glob, iterating once over its characters. */
function globBody(glob: string, fail: (why: string) => never): string {
  let re = "";
  let braceDepth = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] ?? "";
    if (c === "\\") {
      const next = glob[i + 1];
      if (next === undefined) fail("it ends with a lone '\\'");
      re += escapeChar(next ?? "");
      i++;
    } else if (c === "*") {
      if (glob[i + 1] === "*") {
        const segmentStart = i === 0 || glob[i - 1] === "/";
        const segmentEnd = i + 2 === glob.length || glob[i + 2] === "/";
        if (!segmentStart || !segmentEnd) fail("'**' must be a whole path segment (as in 'a/**/b')");
        if (glob[i + 2] === "/") {
          re += "(?:[^/]*/)*";
          i += 2;
        } else {
          re += ".*";
          i += 1;
        }
      } else re += "[^/]*";
    } else if (c === "?") {
      re += "[^/]";
    } else if (c === "[") {
      const { source, end } = charClass(glob, i, fail);
      re += source;
      i = end;
    } else if (c === "{") {
      braceDepth++;
      re += "(?:";
    } else if (c === "}") {
      if (braceDepth === 0) fail("'}' has no '{' before it");
      braceDepth--;
      re += ")";
    } else if (c === "," && braceDepth > 0) {
      re += "|";
    } else re += escapeChar(c);
  }
  if (braceDepth > 0) fail("'{' is never closed");
  return re;
}

function escapeChar(c: string): string {
  return REGEX_SPECIAL.test(c) ? `\\${c}` : c;
}

/** `[...]` starting at `open`: the regex class and the index of its `]`. */
function charClass(glob: string, open: number, fail: (why: string) => never): { source: string; end: number } {
  let i = open + 1;
  let negated = false;
  if (glob[i] === "!" || glob[i] === "^") {
    negated = true;
    i++;
  }
  let body = "";
  let first = true;
  for (; i < glob.length; i++) {
    const c = glob[i] ?? "";
    if (c === "]" && !first) {
      if (body === "") fail("'[]' is an empty character class");
      // A class never matches the path separator.
      return { source: negated ? `(?!/)[^${body}]` : `(?!/)[${body}]`, end: i };
    }
    first = false;
    if (c === "\\") {
      const next = glob[i + 1];
      if (next === undefined) break;
      body += `\\${next}`;
      i++;
    } else if (c === "-" && body !== "" && glob[i + 1] !== "]") {
      body += "-";
    } else body += /[\]\\^[-]/.test(c) ? `\\${c}` : c;
  }
  return fail("'[' is never closed");
}
