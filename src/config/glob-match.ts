/**
 * Matching of `exclude` / `per-file-ignores` globs in time linear in the path: the glob becomes a
 * small automaton (one state per glob token) run over the path once, with the set of live states
 * (Thompson's construction). A backtracking regular expression took minutes on `*a*a*a*a*a*a*a*a*b`
 * against a long path, and a configuration file should not be able to stall a CI job.
 */
export interface PathMatcher {
  test(text: string): boolean;
}

type Token =
  | { kind: "char"; ch: string }
  | { kind: "class"; re: RegExp }
  | { kind: "one" } // `?`: any character but `/`
  | { kind: "star" } // `*`: any run without `/`
  | { kind: "segments" } // `**/`: any number of whole folders
  | { kind: "any" }; // a final `**`: anything

/** At most this many alternatives after `{a,b}` expansion (nested braces multiply). */
const MAX_ALTERNATIVES = 1024;

/**
 * Compiles a validated glob body (see per-file-ignores.ts for the dialect). `classRegExp` turns the
 * `[...]` at an index into a one-character RegExp and the index of its `]`.
 */
export function compileGlobMatcher(glob: string, classAt: (glob: string, open: number) => { re: RegExp; end: number }): PathMatcher {
  const automata = expandBraces(glob).map((alt) => tokenize(alt, classAt));
  return { test: (text) => automata.some((tokens) => run(tokens, text)) };
}

function tokenize(glob: string, classAt: (glob: string, open: number) => { re: RegExp; end: number }): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] ?? "";
    if (c === "\\") {
      tokens.push({ kind: "char", ch: glob[i + 1] ?? "" });
      i++;
    } else if (c === "*") {
      if (glob[i + 1] === "*") {
        if (glob[i + 2] === "/") {
          tokens.push({ kind: "segments" });
          i += 2;
        } else {
          tokens.push({ kind: "any" });
          i += 1;
        }
      } else if (tokens[tokens.length - 1]?.kind !== "star") tokens.push({ kind: "star" });
    } else if (c === "?") tokens.push({ kind: "one" });
    else if (c === "[") {
      const { re, end } = classAt(glob, i);
      tokens.push({ kind: "class", re });
      i = end;
    } else tokens.push({ kind: "char", ch: c });
  }
  return tokens;
}

/** Index of the `]` closing a class opened at `open` (a `]` first in the class is literal). */
function classEnd(glob: string, open: number): number {
  let i = open + 1;
  if (glob[i] === "!" || glob[i] === "^") i++;
  if (glob[i] === "]") i++;
  for (; i < glob.length; i++) {
    if (glob[i] === "\\") i++;
    else if (glob[i] === "]") return i;
  }
  return glob.length;
}

/** `{a,b}` alternatives spelled out (escapes and classes kept as they are). */
function expandBraces(glob: string): string[] {
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "\\") i++;
    else if (c === "[") i = classEnd(glob, i);
    else if (c === "{") {
      const parts: string[] = [];
      let depth = 0;
      let start = i + 1;
      let j = i + 1;
      for (; j < glob.length; j++) {
        const d = glob[j];
        if (d === "\\") j++;
        else if (d === "[") j = classEnd(glob, j);
        else if (d === "{") depth++;
        else if (d === "}") {
          if (depth === 0) break;
          depth--;
        } else if (d === "," && depth === 0) {
          parts.push(glob.slice(start, j));
          start = j + 1;
        }
      }
      parts.push(glob.slice(start, j));
      const head = glob.slice(0, i);
      const tails = expandBraces(glob.slice(j + 1));
      const out: string[] = [];
      for (const part of parts) {
        for (const middle of expandBraces(part)) {
          for (const tail of tails) {
            out.push(head + middle + tail);
            if (out.length >= MAX_ALTERNATIVES) return out;
          }
        }
      }
      return out;
    }
  }
  return [glob];
}

/** Runs the automaton: state k = "before token k"; state n+1+k = "inside a folder name of `**\/` token k". */
function run(tokens: readonly Token[], text: string): boolean {
  const n = tokens.length;
  let current = new Uint8Array(2 * n + 2);
  let next = new Uint8Array(2 * n + 2);
  const close = (states: Uint8Array) => {
    for (let k = 0; k < n; k++) {
      const kind = tokens[k]?.kind;
      if (states[k] && (kind === "star" || kind === "any" || kind === "segments")) states[k + 1] = 1;
    }
  };
  current[0] = 1;
  close(current);
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? "";
    next.fill(0);
    for (let k = 0; k < n; k++) {
      const inner = n + 1 + k;
      if (current[inner]) next[ch === "/" ? k : inner] = 1;
      if (!current[k]) continue;
      const t = tokens[k] as Token;
      switch (t.kind) {
        case "char":
          if (ch === t.ch) next[k + 1] = 1;
          break;
        case "one":
          if (ch !== "/") next[k + 1] = 1;
          break;
        case "class":
          if (t.re.test(ch)) next[k + 1] = 1;
          break;
        case "star":
          if (ch !== "/") next[k] = 1;
          break;
        case "any":
          next[k] = 1;
          break;
        case "segments":
          next[ch === "/" ? k : inner] = 1;
          break;
      }
    }
    close(next);
    if (!next.includes(1)) return false;
    [current, next] = [next, current];
  }
  return current[n] === 1;
}
