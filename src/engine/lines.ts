/** Line starts of a text, to turn UTF-16 offsets into 1-based lines and character (code point) columns. */
export class LineIndex {
  /** Offsets where lines start: counted, then filled (an array grown by push leaves a copy of itself behind at each growth; a typed array also stays compact for a file of any length). */
  private readonly starts: Uint32Array;

  constructor(readonly text: string) {
    let count = 1;
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) count++;
    let starts = new Uint32Array(count);
    let n = 1;
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts[n++] = i + 1;
    // A lone CR ends a line too, as Python reads it (rare: merged in only when present).
    if (text.includes("\r")) {
      const lone: number[] = [];
      for (let i = text.indexOf("\r"); i !== -1; i = text.indexOf("\r", i + 1)) if (text[i + 1] !== "\n") lone.push(i + 1);
      if (lone.length > 0) starts = Uint32Array.from([...starts, ...lone]).sort();
    }
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** 0-based line of an offset. */
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  lineStart(line0: number): number {
    return this.starts[line0] ?? this.text.length;
  }

  /** The text of a 0-based line without its line ending. */
  lineText(line0: number): string {
    const start = this.lineStart(line0);
    let end = line0 + 1 < this.starts.length ? (this.starts[line0 + 1] ?? 0) - 1 : this.text.length;
    if (end > start && this.text[end - 1] === "\r") end--;
    return this.text.slice(start, end);
  }

  /** 1-based line and 1-based column counted in characters (code points), as ruff and SARIF report them. */
  position(offset: number): { line: number; column: number } {
    const line0 = this.lineOf(offset);
    const start = this.lineStart(line0);
    return { line: line0 + 1, column: codePointLength(this.text, start, offset) + 1 };
  }

  /** The UTF-16 offset of a 1-based line and character column. */
  offsetOf(line: number, column: number): number {
    let offset = this.lineStart(line - 1);
    for (let c = 1; c < column && offset < this.text.length; c++) {
      const code = this.text.charCodeAt(offset);
      offset += code >= 0xd800 && code <= 0xdbff ? 2 : 1;
    }
    return offset;
  }
}

export function codePointLength(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < end) i++;
    n++;
  }
  return n;
}

let lastText: string | undefined;
let lastEol: "\n" | "\r\n" | "\r" = "\n";

/** The line ending used most in a text; LF when it has none. Remembers the last text (fixes ask per finding). */
export function dominantEol(text: string): "\n" | "\r\n" | "\r" {
  if (text === lastText) return lastEol;
  lastEol = countEols(text);
  lastText = text;
  return lastEol;
}

function countEols(text: string): "\n" | "\r\n" | "\r" {
  // Most files hold no CR at all, and a search for one is much faster than the count.
  if (!text.includes("\r")) return "\n";
  let crlf = 0;
  let lf = 0;
  let cr = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) {
        crlf++;
        i++;
      } else cr++;
    } else if (c === 10) lf++;
  }
  if (crlf > lf && crlf >= cr) return "\r\n";
  if (cr > lf && cr > crlf) return "\r";
  return "\n";
}
