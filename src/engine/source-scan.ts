/**
 * Reading Python source text without the parser: spaces, comments, identifiers and brackets, for the
 * analyses that find the few places worth asking the tree about from the text (the mocks, MEM203's
 * chains). Offsets are UTF-16 indices into the text, as the tree's `startIndex` is.
 */
export function isIdentifierChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code > 127;
}

/** `[A-Za-z0-9_]` by code (`\w` without the `u` flag); false before or past the text's ends (NaN). */
export function isAsciiWordCode(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95;
}

/**
 * The offsets where `name` is written as a whole word: the matches of `(?<!\w)NAME(?!\w)`, or with
 * `notAfterDot` of `(?<![\w.])NAME(?!\w)` (not an attribute).
 */
export function wordOccurrences(text: string, name: string, notAfterDot: boolean): number[] {
  const found: number[] = [];
  for (let k = text.indexOf(name); k !== -1; k = text.indexOf(name, k + 1)) {
    const before = text.charCodeAt(k - 1);
    if (isAsciiWordCode(before) || (notAfterDot && before === 46) || isAsciiWordCode(text.charCodeAt(k + name.length))) continue;
    found.push(k);
  }
  return found;
}

/** Skips spaces, newlines, backslash continuations and comments. */
export function skipSpace(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) i++;
    else if (c === 92 && (text[i + 1] === "\n" || text[i + 1] === "\r")) i += 2;
    else if (c === 35) {
      const nl = text.indexOf("\n", i);
      i = nl === -1 ? text.length : nl + 1;
    } else break;
  }
  return i;
}

/** Skips spaces, newlines and backslash continuations backwards: the index just after the previous token. */
export function skipSpaceBack(text: string, i: number): number {
  while (i > 0) {
    const c = text.charCodeAt(i - 1);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || (c === 92 && (text[i] === "\n" || text[i] === "\r"))) i--;
    else break;
  }
  return i;
}

export function identifierEnd(text: string, i: number): number {
  if (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) return i;
  while (i < text.length && isIdentifierChar(text.charCodeAt(i))) i++;
  return i;
}

export function identifierStartBack(text: string, i: number): number {
  let j = i;
  while (j > 0 && isIdentifierChar(text.charCodeAt(j - 1))) j--;
  return j < i && !(text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) ? j : i;
}

/** From an opening bracket, the index after its closing one (strings skipped); -1 when unbalanced. */
export function skipBalanced(text: string, i: number): number {
  let depth = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") {
      depth--;
      if (depth === 0) return i + 1;
    } else if (ch === "'" || ch === '"') {
      const triple = text.startsWith(ch.repeat(3), i);
      const quote = triple ? ch.repeat(3) : ch;
      i += quote.length;
      while (i < text.length && !text.startsWith(quote, i)) {
        if (text[i] === "\\") i++;
        else if (!triple && text[i] === "\n") break;
        i++;
      }
      i += quote.length - 1;
    } else if (ch === "#") {
      const nl = text.indexOf("\n", i);
      i = nl === -1 ? text.length : nl;
    }
    i++;
  }
  return -1;
}

/** A string as a regular expression matching it literally. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
