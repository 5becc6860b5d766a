import { optionWords, type PytestConfig, type PytestOption } from "./pytest-config.js";

/*
 * `addopts` read the way argparse reads it: the last of a repeated option wins, `-n X`, `-nX`, `-n=X`,
 * `--numprocesses X`, `--numprocesses=X`; short flags may be grouped (`-vn4`, `-vm "not slow"`); `--`
 * ends the options. One reading serves both what it tells pytest-xdist and what it deselects.
 */

/** What `addopts` tells pytest-xdist. */
export interface XdistOptions {
  /** The last `-n`/`--numprocesses`: a count, `auto`, `logical`, `invalid` (pytest would refuse it), or undefined when absent. */
  numprocesses: number | "auto" | "logical" | "invalid" | undefined;
  /** The last `--maxprocesses`, when it is a number. */
  maxprocesses: number | undefined;
  /** The last `--dist` value, as written. */
  dist: string | undefined;
  /** `-d` (pytest-xdist's shortcut for `--dist=load`, which wins over `--dist`). */
  distload: boolean;
  /** `--tx` execution environments. */
  tx: string[];
  /** `-p no:xdist`: pytest-xdist is not loaded. */
  xdistDisabled: boolean;
  /** `--pdb`: pytest-xdist turns `-n auto` into no workers. */
  pdb: boolean;
}

/**
 * What `addopts` keeps out of a default run: the `-m` mark expression (the last one wins, as argparse
 * stores it), `--ignore`/`--ignore-glob` paths and `--deselect` node id prefixes.
 */
export interface Deselection {
  markExpression: string | undefined;
  ignore: string[];
  ignoreGlob: string[];
  deselect: string[];
}

/** pytest's short options that take a value (`-k EXPR`, `-p NAME`, ...), with pytest-xdist's `-n`. */
const SHORT_WITH_VALUE = new Set(["k", "m", "c", "r", "p", "W", "o", "n"]);
/** pytest's short flags that take none, and pytest-xdist's `-d` and `-f`. */
const SHORT_FLAGS = new Set(["x", "s", "v", "q", "l", "h", "V", "d", "f"]);
const LONG_WITH_VALUE = new Set(["--numprocesses", "--maxprocesses", "--dist", "--tx", "--ignore", "--ignore-glob", "--deselect"]);

function parseCount(value: string): number | undefined {
  const text = value.trim();
  if (!/^[+-]?\d+(?:_\d+)*$/.test(text)) return undefined;
  return Number.parseInt(text.replace(/_/g, ""), 10);
}

function parseNumprocesses(value: string): XdistOptions["numprocesses"] {
  if (value === "auto" || value === "logical") return value;
  return parseCount(value) ?? "invalid";
}

/** Whether argparse would take a word as an option's value (not a new option; negative numbers are values). */
function isValueWord(word: string | undefined): word is string {
  return word !== undefined && (!word.startsWith("-") || /^-\d+$/.test(word));
}

export function parseAddoptsWords(words: readonly string[]): { xdist: XdistOptions; deselection: Deselection } {
  const result: XdistOptions = { numprocesses: undefined, maxprocesses: undefined, dist: undefined, distload: false, tx: [], xdistDisabled: false, pdb: false };
  const deselection: Deselection = { markExpression: undefined, ignore: [], ignoreGlob: [], deselect: [] };
  const apply = (option: string, value: string) => {
    switch (option) {
      case "-m":
        deselection.markExpression = value;
        break;
      case "--ignore":
        deselection.ignore.push(value);
        break;
      case "--ignore-glob":
        deselection.ignoreGlob.push(value);
        break;
      case "--deselect":
        deselection.deselect.push(value);
        break;
      case "-n":
      case "--numprocesses":
        result.numprocesses = parseNumprocesses(value);
        break;
      case "--maxprocesses":
        result.maxprocesses = parseCount(value);
        break;
      case "--dist":
        result.dist = value;
        break;
      case "--tx":
        result.tx.push(value);
        break;
      case "-p":
        if (value.trim() === "no:xdist" || value.trim() === "no:xdist.plugin") result.xdistDisabled = true;
        else if (value.trim() === "xdist" || value.trim() === "xdist.plugin") result.xdistDisabled = false;
        break;
    }
  };
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? "";
    if (word === "--") break;
    if (word.startsWith("--")) {
      const eq = word.indexOf("=");
      const name = eq === -1 ? word : word.slice(0, eq);
      if (name === "--pdb") result.pdb = true;
      if (!LONG_WITH_VALUE.has(name)) continue;
      if (eq !== -1) apply(name, word.slice(eq + 1));
      else if (isValueWord(words[i + 1])) apply(name, words[++i] ?? "");
      continue;
    }
    if (!word.startsWith("-") || word.length < 2) continue;
    // A group of short options: flags, then at most one option taking a value (the rest of the word, or the next word).
    for (let j = 1; j < word.length; j++) {
      const letter = word[j] ?? "";
      if (SHORT_FLAGS.has(letter)) {
        if (letter === "d") result.distload = true;
        continue;
      }
      if (!SHORT_WITH_VALUE.has(letter)) break;
      let rest = word.slice(j + 1);
      if (rest.startsWith("=")) rest = rest.slice(1);
      if (rest !== "") apply(`-${letter}`, rest);
      else if (isValueWord(words[i + 1])) apply(`-${letter}`, words[++i] ?? "");
      break;
    }
  }
  return { xdist: result, deselection };
}

export function parseXdistOptions(words: readonly string[]): XdistOptions {
  return parseAddoptsWords(words).xdist;
}

/** The `--dist` mode pytest-xdist ends up with: `-d` means `load`, and workers with `no` mean `load`. */
export function effectiveDist(o: XdistOptions): string {
  let dist = o.distload ? "load" : (o.dist ?? "no");
  if (dist === "no" && o.numprocesses !== undefined && o.numprocesses !== "invalid" && (typeof o.numprocesses !== "number" || o.numprocesses > 0)) dist = "load";
  return dist;
}

/** Whether these options start xdist workers (`-n` not 0, or `--tx` with a distribution mode). */
export function startsWorkers(o: XdistOptions): boolean {
  if (o.xdistDisabled) return false;
  const n = o.numprocesses;
  if (n === "invalid") return false;
  if (n === "auto" || n === "logical") return !o.pdb;
  if (typeof n === "number") return n > 0;
  return o.tx.length > 0 && effectiveDist(o) !== "no";
}

/** A configuration's `addopts`, with its words, what they tell pytest-xdist and what they deselect. */
export interface Addopts {
  option: PytestOption;
  words: string[];
  xdist: XdistOptions;
  deselection: Deselection;
}

const cache = new WeakMap<PytestConfig, Addopts | null>();

export function addoptsOf(config: PytestConfig): Addopts | undefined {
  const cached = cache.get(config);
  if (cached !== undefined) return cached ?? undefined;
  const option = config.options.get("addopts");
  const words = optionWords(option);
  const result = option && words ? { option, words, ...parseAddoptsWords(words) } : null;
  cache.set(config, result);
  return result ?? undefined;
}
