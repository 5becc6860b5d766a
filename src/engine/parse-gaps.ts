import { parse, syntaxProblems, type Tree } from "./parser.js";
import { scanPythonTokens } from "./python-tokens.js";

/**
 * Known gaps of tree-sitter-python: valid Python it rejects. Each gap rewrites the text into an
 * equivalent one of the SAME LENGTH (so every offset, and so every finding and fix, stays valid)
 * that tree-sitter reads; the tree of the rewritten text is used when it has fewer errors. A file
 * that only a gap made look broken is not reported as MEM000 (MEM000 itself is decided on the
 * original text, see syntax-error.ts). Add a gap here, with a fixture of its shape.
 */
export interface KnownParseGap {
  name: string;
  /** The rewritten text, or undefined when the shape is absent. */
  rewrite(text: string): string | undefined;
}

/**
 * A line inside brackets indented no deeper than its statement (valid: inside brackets indentation
 * means nothing), e.g. names of a parenthesised `from` import written at the module's margin inside
 * a `try:`. tree-sitter 0.25 takes such a line for a dedent and rejects the file. The line breaks
 * before such lines become spaces (and a comment before them blanks, so it does not swallow the
 * code after it).
 */
const dedentedContinuationLines: KnownParseGap = {
  name: "lines inside brackets indented no deeper than their statement",
  rewrite(text) {
    const breaks = scanPythonTokens(text).bracketNewlines.filter((b) => b.indent > 0 && indentAfter(text, b.offset) <= b.indent);
    if (breaks.length === 0) return undefined;
    const out = text.split("");
    for (const b of breaks) {
      if (b.comment !== undefined) for (let k = b.comment; k < b.offset; k++) out[k] = " ";
      out[b.offset] = " ";
      if (text[b.offset] === "\r" && text[b.offset + 1] === "\n") out[b.offset + 1] = " ";
    }
    return out.join("");
  },
};

/** Indentation column (tabs to multiples of 8) of the line after the line break at `offset`. */
function indentAfter(text: string, offset: number): number {
  let k = offset + (text[offset] === "\r" && text[offset + 1] === "\n" ? 2 : 1);
  let col = 0;
  for (; k < text.length; k++) {
    const c = text[k];
    if (c === " ") col++;
    else if (c === "\t") col = (Math.floor(col / 8) + 1) * 8;
    else break;
  }
  return col;
}

/** An f-string format spec starting with `=` (`f"{x:=^30}"`: fill `=`, centred), which tree-sitter reads as `:=`. */
const formatSpecStartingWithEquals: KnownParseGap = {
  name: "f-string format spec starting with =",
  rewrite(text) {
    const offsets = scanPythonTokens(text).formatSpecEquals;
    if (offsets.length === 0) return undefined;
    const out = text.split("");
    for (const k of offsets) out[k] = " ";
    return out.join("");
  },
};

/** A `class`, `def` or `type` statement with type parameters: the offset of its `[`. */
const TYPE_PARAMS_HEADER = /^(?:(?:async[ \t]+)?def|class|type)[ \t]+[^\W\d]\w*[ \t]*\[/u;

/**
 * Python 3.13 type-parameter defaults (PEP 696): `class A[T: int = str]`, `def f[T = int]()`,
 * `type X[*Ts = *tuple[int]] = ...`, which tree-sitter 0.25 rejects. Each `= default` in the brackets
 * becomes spaces (line breaks kept); rules never look at a type parameter's default.
 */
const typeParameterDefaults: KnownParseGap = {
  name: "type-parameter defaults (Python 3.13)",
  rewrite(text) {
    let out: string[] | undefined;
    for (const line of scanPythonTokens(text).lines) {
      const header = TYPE_PARAMS_HEADER.exec(text.slice(line.start, Math.min(line.end, line.start + 400)));
      if (!header) continue;
      for (const [from, to] of typeParameterDefaultSpans(text, line.start + header[0].length, line.end)) {
        out ??= text.split("");
        for (let k = from; k < to; k++) if (text[k] !== "\n" && text[k] !== "\r") out[k] = " ";
      }
    }
    return out?.join("");
  },
};

/** In type-parameter brackets opened just before `i`: the spans `[=, end of default)` at their top level. */
function typeParameterDefaultSpans(text: string, i: number, end: number): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  // `T = ` with nothing after it stays as written: an error.
  const addDefault = (from: number, to: number) => {
    if (/\S/.test(text.slice(from + 1, to).replace(/#[^\r\n]*/g, ""))) spans.push([from, to]);
  };
  let depth = 1;
  let open: number | undefined;
  for (; i < end && depth > 0; i++) {
    const ch = text[i];
    if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") {
      depth--;
      if (depth === 0 && open !== undefined) addDefault(open, i);
    } else if (ch === "," && depth === 1 && open !== undefined) {
      addDefault(open, i);
      open = undefined;
    } else if (ch === "=" && depth === 1 && open === undefined) open = i;
    else if (ch === "'" || ch === '"') {
      const quote = text.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
      for (i += quote.length; i < end && !text.startsWith(quote, i); i++) if (text[i] === "\\") i++;
      i += quote.length - 1;
    } else if (ch === "#") {
      while (i < end && text[i] !== "\n" && text[i] !== "\r") i++;
    }
  }
  return depth === 0 ? spans : [];
}

export const KNOWN_PARSE_GAPS: KnownParseGap[] = [dedentedContinuationLines, formatSpecStartingWithEquals, typeParameterDefaults];

function errorCount(tree: Tree): number {
  return syntaxProblems(tree).length;
}

/**
 * The text as Python's tokenizer reads it: a lone CR is a line ending (Python translates it to LF
 * before tokenizing, inside strings too), which tree-sitter takes for a space. Same length.
 */
export function withPythonNewlines(text: string): string {
  return text.includes("\r") ? text.replace(/\r(?!\n)/g, "\n") : text;
}

/** Parses Python text, working around the known gaps where tree-sitter reports errors. */
export function parsePython(text: string): Tree {
  let current = withPythonNewlines(text);
  let tree = parse(current);
  for (const gap of KNOWN_PARSE_GAPS) {
    if (!tree.rootNode.hasError) break;
    const rewritten = gap.rewrite(current);
    if (rewritten === undefined || rewritten === current || rewritten.length !== current.length) continue;
    const candidate = parse(rewritten);
    if (errorCount(candidate) < errorCount(tree)) {
      tree = candidate;
      current = rewritten;
    }
  }
  return tree;
}
