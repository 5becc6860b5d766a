/**
 * The tokenizer scan as it was before its rewrite for speed (commit 322b829), kept only as the
 * reference of the differential test in python-tokens.test.ts: the new scanner must return the
 * same result for every input.
 */
import type { BracketNewline, LogicalLine, OpenBracket, PythonSyntaxError, TokenScan } from "../src/engine/python-tokens.js";

const CLOSERS: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
/** String prefixes Python accepts (any case, any order), t-strings of 3.14 included so no valid file is called broken. */
const STRING_PREFIXES = new Set(["r", "u", "b", "f", "t", "br", "rb", "fr", "rf", "tr", "rt"]);
const IDENTIFIER_CHAR = /[\p{ID_Continue}\u00b7\u2118\u212e\u309b\u309c]/u;
/** A Python number literal: hexadecimal, octal or binary, or decimal with fraction, exponent and `j`/`L` suffix. */
const NUMBER = /0[xXoObB][\da-fA-F_]*[lL]?|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?[jJlL]?/y;

/** Characters with no meaning inside a string literal (not a quote, backslash, line break or brace). */
const PLAIN_STRING_RUN = /[^'"\\\r\n{]+/y;

function isAsciiWordCode(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95;
}

/** Offset of the line break ending the line that holds `from` (or the text's end). */
function lineEnd(text: string, from: number): number {
  // A loop, not indexOf("\r"): in a file without a CR that would search to the end for every comment.
  let k = from;
  for (let code = text.charCodeAt(k); k < text.length && code !== 10 && code !== 13; code = text.charCodeAt(++k));
  return k;
}

function isNewline(c: string | undefined): boolean {
  return c === "\n" || c === "\r";
}

class Scanner {
  private i = 0;
  private line = 1;
  readonly brackets: OpenBracket[] = [];
  readonly lines: LogicalLine[] = [];
  readonly bracketNewlines: BracketNewline[] = [];
  readonly formatSpecEquals: number[] = [];
  private comment: number | undefined;
  private readonly indents = [0];
  private readonly altIndents = [0];
  private current: LogicalLine | undefined;
  private lastTokenEnd = 0;
  private lastTokenIsColon = false;

  constructor(private readonly text: string) {}

  scan(): PythonSyntaxError | undefined {
    const text = this.text;
    if (text.startsWith("\ufeff")) this.i = 1;
    let atLineStart = true;
    while (this.i < text.length) {
      if (atLineStart && this.brackets.length === 0) {
        const error = this.indentation();
        if (error) return error;
        atLineStart = false;
        continue;
      }
      atLineStart = false;
      const c = text[this.i] as string;
      if (c === " " || c === "\t" || c === "\f") {
        this.i++;
      } else if (isNewline(c)) {
        if (this.brackets.length > 0) this.bracketNewlines.push({ offset: this.i, comment: this.comment, indent: this.current?.indent ?? 0 });
        this.comment = undefined;
        this.newline();
        if (this.brackets.length === 0) this.endLogicalLine();
        atLineStart = true;
      } else if (c === "#") {
        this.comment = this.i;
        const end = lineEnd(text, this.i);
        this.i = end;
      } else if (c === "\\") {
        if (this.i + 1 >= text.length) return this.at(this.i + 1, this.i + 1, "unexpected EOF while parsing");
        if (!isNewline(text[this.i + 1])) return this.at(this.i + 1, this.i + 1, "unexpected character after line continuation character");
        this.i++;
        this.newline();
      } else if (c === "'" || c === '"') {
        const error = this.string(this.i, "");
        if (error) return error;
      } else if (c === "(" || c === "[" || c === "{") {
        this.token(this.i, this.i + 1);
        this.brackets.push({ char: c, offset: this.i });
        this.i++;
      } else if (c === ")" || c === "]" || c === "}") {
        const error = this.closeBracket(c);
        if (error) return error;
      } else if ((c >= "0" && c <= "9") || (c === "." && /\d/.test(text[this.i + 1] ?? ""))) {
        // A whole number literal at once, so a fraction or exponent (`0.01`, `1e-05`) is never read as an integer.
        const start = this.i;
        NUMBER.lastIndex = start;
        NUMBER.test(text);
        this.i = Math.max(NUMBER.lastIndex, start + 1);
        const error = this.numberError(start, text.slice(start, this.i));
        if (error) return error;
        this.token(start, this.i);
      } else if (isAsciiWordCode(c.charCodeAt(0)) || (c.charCodeAt(0) > 0x7f && (IDENTIFIER_CHAR.test(c) || c.charCodeAt(0) >= 0xd800))) {
        const start = this.i;
        if (c.charCodeAt(0) <= 0x7f) {
          this.i++;
        } else {
          const cp = text.codePointAt(this.i) as number;
          const ch = String.fromCodePoint(cp);
          if (!IDENTIFIER_CHAR.test(ch)) return this.invalidCharacter(ch, cp);
          this.i += ch.length;
        }
        while (this.i < text.length) {
          const code = text.charCodeAt(this.i);
          if (isAsciiWordCode(code)) {
            this.i++;
            continue;
          }
          if (code <= 0x7f) break;
          const next = String.fromCodePoint(text.codePointAt(this.i) as number);
          if (!IDENTIFIER_CHAR.test(next)) break;
          this.i += next.length;
        }
        const next = text.charCodeAt(this.i);
        // 39 and 34: a quote after the word (a string prefix?).
        const prefix = (next === 39 || next === 34) && this.i - start <= 2 ? text.slice(start, this.i).toLowerCase() : "";
        if (STRING_PREFIXES.has(prefix)) {
          const error = this.string(start, prefix);
          if (error) return error;
        } else {
          this.token(start, this.i);
        }
      } else if (c.charCodeAt(0) > 0x7f) {
        const cp = text.codePointAt(this.i) as number;
        return this.invalidCharacter(String.fromCodePoint(cp), cp);
      } else {
        this.token(this.i, this.i + 1);
        this.i++;
      }
    }
    this.endLogicalLine();
    return undefined;
  }

  private at(start: number, end: number, message: string): PythonSyntaxError {
    return { start, end, message };
  }

  /** Python 2 integers the tokenizer refuses: `0777` (not `0777.5`, `07e1`, `07j`) and `10L`. */
  private numberError(start: number, word: string): PythonSyntaxError | undefined {
    if (/^0[\d_]*[1-9][\d_]*$/.test(word)) {
      return this.at(start, this.i, "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers");
    }
    if (/^\d[\d_]*[lL]$/.test(word)) return this.at(this.i - 1, this.i, "invalid decimal literal");
    return undefined;
  }

  private invalidCharacter(ch: string, cp: number): PythonSyntaxError {
    const hex = cp.toString(16).toUpperCase().padStart(4, "0");
    const printable = !/[\p{C}\p{Z}]/u.test(ch);
    return this.at(this.i, this.i + ch.length, printable ? `invalid character '${ch}' (U+${hex})` : `invalid non-printable character U+${hex}`);
  }

  private newline(): void {
    if (this.text[this.i] === "\r" && this.text[this.i + 1] === "\n") this.i++;
    this.i++;
    this.line++;
  }

  /** Records a token of the current logical line. */
  private token(start: number, end: number): void {
    if (!this.current) this.current = { start, end, indent: this.indents[this.indents.length - 1] ?? 0, endsWithColon: false };
    this.current.end = end;
    this.lastTokenEnd = end;
    this.lastTokenIsColon = end - start === 1 && this.text[start] === ":" && this.brackets.length === 0;
  }

  private endLogicalLine(): void {
    if (!this.current) return;
    this.current.endsWithColon = this.lastTokenIsColon;
    this.lines.push(this.current);
    this.current = undefined;
  }

  /** Measures a line's indentation and updates the indent stack, as CPython's tokenizer does. */
  private indentation(): PythonSyntaxError | undefined {
    const text = this.text;
    const lineStart = this.i;
    let col = 0;
    let altcol = 0;
    for (;;) {
      const c = text[this.i];
      if (c === " ") {
        col++;
        altcol++;
      } else if (c === "\t") {
        col = (Math.floor(col / 8) + 1) * 8;
        altcol++;
      } else if (c === "\f") {
        col = altcol = 0;
      } else break;
      this.i++;
    }
    const c = text[this.i];
    // Blank lines and comment-only lines do not count for indentation.
    if (c === undefined || c === "#" || isNewline(c) || (c === "\\" && isNewline(text[this.i + 1]))) return undefined;
    const top = this.indents.length - 1;
    const tabError = () => this.at(lineStart, this.i, "inconsistent use of tabs and spaces in indentation");
    if (col === this.indents[top]) {
      if (altcol !== this.altIndents[top]) return tabError();
    } else if (col > (this.indents[top] ?? 0)) {
      if (altcol <= (this.altIndents[top] ?? 0)) return tabError();
      this.indents.push(col);
      this.altIndents.push(altcol);
    } else {
      while (this.indents.length > 1 && col < (this.indents[this.indents.length - 1] ?? 0)) {
        this.indents.pop();
        this.altIndents.pop();
      }
      if (col !== this.indents[this.indents.length - 1]) return this.at(lineStart, this.i, "unindent does not match any outer indentation level");
      if (altcol !== this.altIndents[this.altIndents.length - 1]) return tabError();
    }
    this.current = { start: this.i, end: this.i, indent: col, endsWithColon: false };
    return undefined;
  }

  private closeBracket(c: string): PythonSyntaxError | undefined {
    const open = this.brackets.pop();
    if (!open) return this.at(this.i, this.i + 1, `unmatched '${c}'`);
    if (open.char !== CLOSERS[c]) {
      const openLine = this.lineOf(open.offset);
      const where = openLine !== this.line ? ` on line ${openLine}` : "";
      return this.at(this.i, this.i + 1, `closing parenthesis '${c}' does not match opening parenthesis '${open.char}'${where}`);
    }
    this.token(this.i, this.i + 1);
    this.i++;
    return undefined;
  }

  private lineOf(offset: number): number {
    let line = 1;
    for (let k = 0; k < offset; k++) {
      const ch = this.text[k];
      if (ch === "\n" || (ch === "\r" && this.text[k + 1] !== "\n")) line++;
    }
    return line;
  }

  /** Reads a string literal starting at `start` (its prefix first); `this.i` is at the quote. */
  private string(start: number, prefix: string): PythonSyntaxError | undefined {
    const text = this.text;
    const quote = text[this.i] as string;
    const triple = text.startsWith(quote.repeat(3), this.i);
    this.i += triple ? 3 : 1;
    // A backslash escapes the next character in raw strings too (it stays in the value, but the quote does not end the string).
    const formatted = prefix.includes("f") || prefix.includes("t");
    for (;;) {
      if (this.i >= text.length) return this.unterminated(start, triple);
      const c = text[this.i] as string;
      if (c === "\\") {
        this.i++;
        if (this.i >= text.length) return this.unterminated(start, triple);
        if (isNewline(text[this.i])) this.newline();
        else this.i++;
      } else if (isNewline(c)) {
        if (!triple) return this.unterminated(start, triple);
        this.newline();
      } else if (c === quote && (!triple || text.startsWith(quote.repeat(3), this.i))) {
        this.i += triple ? 3 : 1;
        this.token(start, this.i);
        return undefined;
      } else if (formatted && c === "{") {
        if (text[this.i + 1] === "{") {
          this.i += 2;
        } else {
          this.i++;
          const error = this.replacementField(start, triple);
          if (error) return error;
        }
      } else {
        this.i++;
        // Skip a run of plain characters at once.
        PLAIN_STRING_RUN.lastIndex = this.i;
        if (PLAIN_STRING_RUN.test(text)) this.i = PLAIN_STRING_RUN.lastIndex;
      }
    }
  }

  private unterminated(start: number, triple: boolean): PythonSyntaxError {
    // Python names the line the tokenizer stopped on: the string's own line, or the last line for a triple-quoted one.
    const detected = triple ? this.lineCount() : this.line;
    return this.at(start, start, `unterminated ${triple ? "triple-quoted " : ""}string literal (detected at line ${detected})`);
  }

  private lineCount(): number {
    let lines = 1;
    const t = this.text;
    for (let k = 0; k < t.length; k++) {
      const ch = t[k];
      if ((ch === "\n" || (ch === "\r" && t[k + 1] !== "\n")) && k + 1 < t.length) lines++;
    }
    return lines;
  }

  /**
   * Skips an f-string's `{...}` (after the `{`): an expression, which may hold strings and brackets
   * (Python 3.12), then an optional `!r` and `:spec` (literal text with nested fields), up to `}`.
   */
  private replacementField(start: number, triple: boolean): PythonSyntaxError | undefined {
    const text = this.text;
    let depth = 0;
    let inSpec = false;
    for (;;) {
      if (this.i >= text.length) return this.unterminated(start, triple);
      const c = text[this.i] as string;
      if (inSpec) {
        if (c === "}") {
          this.i++;
          return undefined;
        }
        if (c === "{") {
          this.i++;
          const error = this.replacementField(start, triple);
          if (error) return error;
          continue;
        }
        if (isNewline(c)) {
          if (!triple) return this.unterminated(start, triple);
          this.newline();
          continue;
        }
        this.i++;
        continue;
      }
      if (c === "'" || c === '"') {
        const saved = this.current;
        const savedEnd = this.lastTokenEnd;
        const error = this.nestedString();
        this.current = saved;
        this.lastTokenEnd = savedEnd;
        if (error) return error;
      } else if (c === "(" || c === "[" || c === "{") {
        depth++;
        this.i++;
      } else if (c === ")" || c === "]" || c === "}") {
        if (depth === 0 && c === "}") {
          this.i++;
          return undefined;
        }
        depth = Math.max(0, depth - 1);
        this.i++;
      } else if (c === ":" && depth === 0) {
        inSpec = true;
        if (text[this.i + 1] === "=") this.formatSpecEquals.push(this.i + 1);
        this.i++;
      } else if (c === "!" && depth === 0 && text[this.i + 1] !== "=") {
        this.i++;
      } else if (isNewline(c)) {
        this.newline();
      } else {
        this.i++;
      }
    }
  }

  /** A string inside an f-string's expression (with its own prefix already consumed or none). */
  private nestedString(): PythonSyntaxError | undefined {
    let k = this.i - 1;
    while (k >= 0 && /[a-zA-Z]/.test(this.text[k] ?? "")) k--;
    const prefix = this.text.slice(k + 1, this.i).toLowerCase();
    return this.string(this.i, STRING_PREFIXES.has(prefix) ? prefix : "");
  }
}

/** Scans Python source as CPython's tokenizer does, stopping at its first error. */
export function referenceScanPythonTokens(text: string): TokenScan {
  const scanner = new Scanner(text);
  const error = scanner.scan();
  return { error, unclosed: error ? [] : [...scanner.brackets], lines: scanner.lines, bracketNewlines: scanner.bracketNewlines, formatSpecEquals: scanner.formatSpecEquals };
}
