/**
 * The part of Python's tokenizer that decides syntax errors before the parser does: strings,
 * brackets, line continuations, indentation and stray characters. It reads the text the way
 * CPython's tokenizer does (without executing anything) so MEM000 can name the line and cause
 * Python would: `'(' was never closed` at the opening bracket, `unterminated string literal` at
 * the string's start, `unindent does not match any outer indentation level`, and so on.
 */

import { isAsciiWordCode } from "./source-scan.js";

/** An error at an offset of the text, with Python's message. */
export interface PythonSyntaxError {
  start: number;
  end: number;
  message: string;
}

export interface OpenBracket {
  char: string;
  offset: number;
}

/** A logical line: from its first token to its NEWLINE, with its indentation column. */
export interface LogicalLine {
  /** Offset of the first token. */
  start: number;
  /** Offset just after the last token. */
  end: number;
  /** Indentation column (tabs to multiples of 8), as the tokenizer measures it. */
  indent: number;
  /** The last token is a `:` outside brackets: the header of a compound statement. */
  endsWithColon: boolean;
}

/** A line break inside brackets (outside strings): the next line continues the logical line. */
export interface BracketNewline {
  /** Offset of the line break. */
  offset: number;
  /** Offset of a comment before it on the same line, if any. */
  comment: number | undefined;
  /** Indentation column of the logical line it belongs to. */
  indent: number;
}

export interface TokenScan {
  /** The first error the tokenizer itself raises (Python reports it even when the parser failed earlier). */
  error: PythonSyntaxError | undefined;
  /** Brackets still open at the end of the text (outermost first), when no tokenizer error stopped the scan. */
  unclosed: OpenBracket[];
  /** Logical lines before the scan stopped. */
  lines: LogicalLine[];
  /** Line breaks inside brackets, before the scan stopped (empty unless asked for). */
  bracketNewlines: BracketNewline[];
  /** Offsets of `=` starting an f-string's format spec (`f"{x:=^30}"`). */
  formatSpecEquals: number[];
}

/** String prefixes Python accepts (any case, any order), t-strings of 3.14 included so no valid file is called broken. */
const STRING_PREFIXES = new Set(["r", "u", "b", "f", "t", "br", "rb", "fr", "rf", "tr", "rt"]);
const IDENTIFIER_CHAR = /[\p{ID_Continue}\u00b7\u2118\u212e\u309b\u309c]/u;
/** A Python number literal: hexadecimal, octal or binary, or decimal with fraction, exponent and `j`/`L` suffix. */
const NUMBER = /0[xXoObB][\da-fA-F_]*[lL]?|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?[jJlL]?/y;

const LF = 10;
const CR = 13;
const BACKSLASH = 92;
const OPEN_BRACE = 123;

/** What a character starts in the main loop (the scan reads char codes: no one-character strings). */
const enum Kind {
  /** An operator or delimiter: a one-character token (an unknown ASCII character too; the parser rejects it). */
  Operator,
  Space,
  Newline,
  Comment,
  Backslash,
  Quote,
  Open,
  Close,
  Digit,
  Dot,
  Word,
  /** Beyond ASCII: an identifier character or Python's `invalid character`. */
  NonAscii,
}

/** The kind of an ASCII character. */
function asciiKind(code: number): Kind {
  const c = String.fromCharCode(code);
  if (c === " " || c === "\t" || c === "\f") return Kind.Space;
  if (c === "\n" || c === "\r") return Kind.Newline;
  if (c === "#") return Kind.Comment;
  if (c === "\\") return Kind.Backslash;
  if (c === "'" || c === '"') return Kind.Quote;
  if (c === "(" || c === "[" || c === "{") return Kind.Open;
  if (c === ")" || c === "]" || c === "}") return Kind.Close;
  if (c >= "0" && c <= "9") return Kind.Digit;
  if (c === ".") return Kind.Dot;
  return isAsciiWordCode(code) ? Kind.Word : Kind.Operator;
}

/** Each UTF-16 code's kind: a table of all of them, so the hot loops index it without a range check. */
const KINDS = new Uint8Array(0x10000).fill(Kind.NonAscii);
for (let code = 0; code < 128; code++) KINDS[code] = asciiKind(code);

/** 1 for each ASCII identifier character (letters, digits, `_`), indexed by UTF-16 code. */
const ASCII_WORD = new Uint8Array(0x10000);
for (let code = 0; code < 128; code++) if (isAsciiWordCode(code)) ASCII_WORD[code] = 1;

/** 1 for each UTF-16 code with no meaning inside a string literal (not a quote, backslash, line break or brace). */
const STRING_PLAIN = new Uint8Array(0x10000).fill(1);
for (const c of "'\"\\\r\n{") STRING_PLAIN[c.charCodeAt(0)] = 0;

/** The opening bracket each closing one matches. */
function opener(close: number): string {
  return close === 41 ? "(" : close === 93 ? "[" : "{";
}

function isAsciiDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isNewlineCode(code: number): boolean {
  return code === LF || code === CR;
}

/** Offset of the line break ending the line that holds `from` (or the text's end). */
function lineEnd(text: string, from: number): number {
  // A loop, not indexOf("\r"): in a file without a CR that would search to the end for every comment.
  let k = from;
  for (let code = text.charCodeAt(k); k < text.length && code !== LF && code !== CR; code = text.charCodeAt(++k));
  return k;
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
  private lastTokenIsColon = false;

  constructor(
    private readonly text: string,
    private readonly keepBracketNewlines: boolean,
  ) {}

  scan(): PythonSyntaxError | undefined {
    const text = this.text;
    const length = text.length;
    if (text.charCodeAt(0) === 0xfeff) this.i = 1;
    let atLineStart = true;
    while (this.i < length) {
      if (atLineStart && this.brackets.length === 0) {
        const error = this.indentation();
        if (error) return error;
        atLineStart = false;
        continue;
      }
      atLineStart = false;
      const i = this.i;
      const code = text.charCodeAt(i);
      switch (KINDS[code] as Kind) {
        case Kind.NonAscii: {
          const error = this.nonAsciiWord(i);
          if (error) return error;
          break;
        }
        case Kind.Space: {
          let k = i + 1;
          while (k < length && KINDS[text.charCodeAt(k)] === Kind.Space) k++;
          this.i = k;
          break;
        }
        case Kind.Word: {
          let k = i + 1;
          while (k < length && ASCII_WORD[text.charCodeAt(k)] === 1) k++;
          this.i = k;
          const error = text.charCodeAt(k) > 0x7f ? this.restOfWord(i) : this.endOfWord(i);
          if (error) return error;
          break;
        }
        case Kind.Operator:
          this.token(i, i + 1, code === 58 && this.brackets.length === 0);
          this.i = i + 1;
          break;
        case Kind.Newline:
          if (this.keepBracketNewlines && this.brackets.length > 0) this.bracketNewlines.push({ offset: i, comment: this.comment, indent: this.current?.indent ?? 0 });
          this.comment = undefined;
          this.newline();
          if (this.brackets.length === 0) this.endLogicalLine();
          atLineStart = true;
          break;
        case Kind.Comment:
          this.comment = i;
          this.i = lineEnd(text, i);
          break;
        case Kind.Backslash:
          if (i + 1 >= length) return this.at(i + 1, i + 1, "unexpected EOF while parsing");
          if (!isNewlineCode(text.charCodeAt(i + 1))) return this.at(i + 1, i + 1, "unexpected character after line continuation character");
          this.i = i + 1;
          this.newline();
          break;
        case Kind.Quote: {
          const error = this.string(i, false);
          if (error) return error;
          break;
        }
        case Kind.Open:
          this.token(i, i + 1, false);
          this.brackets.push({ char: text[i] as string, offset: i });
          this.i = i + 1;
          break;
        case Kind.Close: {
          const error = this.closeBracket(code);
          if (error) return error;
          break;
        }
        case Kind.Dot:
        case Kind.Digit: {
          // A dot starts a number only before a digit (`.5`).
          if (code === 46 && !isAsciiDigit(text.charCodeAt(i + 1))) {
            this.token(i, i + 1, false);
            this.i = i + 1;
            break;
          }
          const error = this.number(i);
          if (error) return error;
          break;
        }
      }
    }
    this.endLogicalLine();
    return undefined;
  }

  private at(start: number, end: number, message: string): PythonSyntaxError {
    return { start, end, message };
  }

  /** A whole number literal at once, so a fraction or exponent (`0.01`, `1e-05`) is never read as an integer. */
  private number(start: number): PythonSyntaxError | undefined {
    NUMBER.lastIndex = start;
    NUMBER.test(this.text);
    this.i = Math.max(NUMBER.lastIndex, start + 1);
    const error = this.numberError(start);
    if (error) return error;
    this.token(start, this.i, false);
    return undefined;
  }

  /** Python 2 integers the tokenizer refuses: `0777` (not `0777.5`, `07e1`, `07j`) and `10L`. */
  private numberError(start: number): PythonSyntaxError | undefined {
    const text = this.text;
    const end = this.i;
    const last = text.charCodeAt(end - 1);
    // Only a literal of two or more characters starting with 0, or ending in l/L, can be one of them.
    if (!(text.charCodeAt(start) === 48 && end - start > 1) && last !== 108 && last !== 76) return undefined;
    const word = text.slice(start, end);
    if (/^0[\d_]*[1-9][\d_]*$/.test(word)) {
      return this.at(start, end, "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers");
    }
    if (/^\d[\d_]*[lL]$/.test(word)) return this.at(end - 1, end, "invalid decimal literal");
    return undefined;
  }

  /** A word starting with a character beyond ASCII at `start` (an identifier, or Python's `invalid character`). */
  private nonAsciiWord(start: number): PythonSyntaxError | undefined {
    const cp = this.text.codePointAt(start) as number;
    const ch = String.fromCodePoint(cp);
    if (!IDENTIFIER_CHAR.test(ch)) return this.invalidCharacter(ch, cp);
    return this.restOfWord(start);
  }

  /** Reads the rest of a word (identifier characters beyond ASCII included) from `this.i`, then ends it. */
  private restOfWord(start: number): PythonSyntaxError | undefined {
    const text = this.text;
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
    return this.endOfWord(start);
  }

  /** A word from `start` to `this.i`: a name, or the prefix of a string literal right after it. */
  private endOfWord(start: number): PythonSyntaxError | undefined {
    const text = this.text;
    const end = this.i;
    const next = text.charCodeAt(end);
    // 39 and 34: a quote after the word (a string prefix?).
    if ((next === 39 || next === 34) && end - start <= 2) {
      const prefix = text.slice(start, end).toLowerCase();
      if (STRING_PREFIXES.has(prefix)) return this.string(start, prefix.includes("f") || prefix.includes("t"));
    }
    this.token(start, end, false);
    return undefined;
  }

  private invalidCharacter(ch: string, cp: number): PythonSyntaxError {
    const hex = cp.toString(16).toUpperCase().padStart(4, "0");
    const printable = !/[\p{C}\p{Z}]/u.test(ch);
    return this.at(this.i, this.i + ch.length, printable ? `invalid character '${ch}' (U+${hex})` : `invalid non-printable character U+${hex}`);
  }

  /** Steps over the line break at `this.i` (CRLF is one). */
  private newline(): void {
    if (this.text.charCodeAt(this.i) === CR && this.text.charCodeAt(this.i + 1) === LF) this.i++;
    this.i++;
    this.line++;
  }

  /** Records a token of the current logical line (`colon`: it is a `:` outside brackets). */
  private token(start: number, end: number, colon: boolean): void {
    if (!this.current) this.current = { start, end, indent: this.indents[this.indents.length - 1] ?? 0, endsWithColon: false };
    this.current.end = end;
    this.lastTokenIsColon = colon;
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
      const code = text.charCodeAt(this.i);
      if (code === 32) {
        col++;
        altcol++;
      } else if (code === 9) {
        col = (Math.floor(col / 8) + 1) * 8;
        altcol++;
      } else if (code === 12) {
        col = altcol = 0;
      } else break;
      this.i++;
    }
    const code = text.charCodeAt(this.i);
    // Blank lines and comment-only lines do not count for indentation (NaN: the end of the text).
    if (Number.isNaN(code) || code === 35 || isNewlineCode(code) || (code === BACKSLASH && isNewlineCode(text.charCodeAt(this.i + 1)))) return undefined;
    const top = this.indents.length - 1;
    if (col === this.indents[top]) {
      if (altcol !== this.altIndents[top]) return this.tabError(lineStart);
    } else if (col > (this.indents[top] ?? 0)) {
      if (altcol <= (this.altIndents[top] ?? 0)) return this.tabError(lineStart);
      this.indents.push(col);
      this.altIndents.push(altcol);
    } else {
      while (this.indents.length > 1 && col < (this.indents[this.indents.length - 1] ?? 0)) {
        this.indents.pop();
        this.altIndents.pop();
      }
      if (col !== this.indents[this.indents.length - 1]) return this.at(lineStart, this.i, "unindent does not match any outer indentation level");
      if (altcol !== this.altIndents[this.altIndents.length - 1]) return this.tabError(lineStart);
    }
    this.current = { start: this.i, end: this.i, indent: col, endsWithColon: false };
    return undefined;
  }

  private tabError(lineStart: number): PythonSyntaxError {
    return this.at(lineStart, this.i, "inconsistent use of tabs and spaces in indentation");
  }

  private closeBracket(code: number): PythonSyntaxError | undefined {
    const c = String.fromCharCode(code);
    const open = this.brackets.pop();
    if (!open) return this.at(this.i, this.i + 1, `unmatched '${c}'`);
    if (open.char !== opener(code)) {
      const openLine = this.lineOf(open.offset);
      const where = openLine !== this.line ? ` on line ${openLine}` : "";
      return this.at(this.i, this.i + 1, `closing parenthesis '${c}' does not match opening parenthesis '${open.char}'${where}`);
    }
    this.token(this.i, this.i + 1, false);
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

  /** The quote at `at` opens a triple-quoted string. */
  private isTriple(at: number, quote: number): boolean {
    return this.text.charCodeAt(at + 1) === quote && this.text.charCodeAt(at + 2) === quote;
  }

  /**
   * Reads a string literal starting at `start` (its prefix first); `this.i` is at the quote.
   * `formatted`: an f- or t-string, whose `{...}` fields hold expressions.
   */
  private string(start: number, formatted: boolean): PythonSyntaxError | undefined {
    const text = this.text;
    const length = text.length;
    const quote = text.charCodeAt(this.i);
    const triple = this.isTriple(this.i, quote);
    this.i += triple ? 3 : 1;
    // A backslash escapes the next character in raw strings too (it stays in the value, but the quote does not end the string).
    for (;;) {
      if (this.i >= length) return this.unterminated(start, triple);
      const code = text.charCodeAt(this.i);
      if (code === BACKSLASH) {
        this.i++;
        if (this.i >= length) return this.unterminated(start, triple);
        if (isNewlineCode(text.charCodeAt(this.i))) this.newline();
        else this.i++;
      } else if (isNewlineCode(code)) {
        if (!triple) return this.unterminated(start, triple);
        this.newline();
      } else if (code === quote && (!triple || this.isTriple(this.i, quote))) {
        this.i += triple ? 3 : 1;
        this.token(start, this.i, false);
        return undefined;
      } else if (formatted && code === OPEN_BRACE) {
        if (text.charCodeAt(this.i + 1) === OPEN_BRACE) {
          this.i += 2;
        } else {
          this.i++;
          const error = this.replacementField(start, triple);
          if (error) return error;
        }
      } else {
        // Skip a run of characters with no meaning in any string at once.
        let k = this.i + 1;
        while (k < length && STRING_PLAIN[text.charCodeAt(k)] === 1) k++;
        this.i = k;
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
      const code = text.charCodeAt(this.i);
      if (inSpec) {
        if (code === 125) {
          this.i++;
          return undefined;
        }
        if (code === OPEN_BRACE) {
          this.i++;
          const error = this.replacementField(start, triple);
          if (error) return error;
          continue;
        }
        if (isNewlineCode(code)) {
          if (!triple) return this.unterminated(start, triple);
          this.newline();
          continue;
        }
        this.i++;
        continue;
      }
      if (code === 39 || code === 34) {
        const saved = this.current;
        const error = this.nestedString();
        this.current = saved;
        if (error) return error;
      } else if (code === 40 || code === 91 || code === OPEN_BRACE) {
        depth++;
        this.i++;
      } else if (code === 41 || code === 93 || code === 125) {
        if (depth === 0 && code === 125) {
          this.i++;
          return undefined;
        }
        depth = Math.max(0, depth - 1);
        this.i++;
      } else if (code === 58 && depth === 0) {
        inSpec = true;
        if (text.charCodeAt(this.i + 1) === 61) this.formatSpecEquals.push(this.i + 1);
        this.i++;
      } else if (isNewlineCode(code)) {
        this.newline();
      } else {
        // `!` (a conversion, or `!=`) and everything else: one character on.
        this.i++;
      }
    }
  }

  /** A string inside an f-string's expression (with its own prefix already consumed or none). */
  private nestedString(): PythonSyntaxError | undefined {
    let k = this.i - 1;
    while (k >= 0 && /[a-zA-Z]/.test(this.text[k] ?? "")) k--;
    const prefix = this.text.slice(k + 1, this.i).toLowerCase();
    return this.string(this.i, STRING_PREFIXES.has(prefix) && (prefix.includes("f") || prefix.includes("t")));
  }
}

/**
 * Scans Python source as CPython's tokenizer does, stopping at its first error. `bracketNewlines`:
 * also list the line breaks inside brackets (only parse-gaps.ts reads them).
 */
export function scanPythonTokens(text: string, { bracketNewlines = true } = {}): TokenScan {
  const scanner = new Scanner(text, bracketNewlines);
  const error = scanner.scan();
  return { error, unclosed: error ? [] : [...scanner.brackets], lines: scanner.lines, bracketNewlines: scanner.bracketNewlines, formatSpecEquals: scanner.formatSpecEquals };
}
