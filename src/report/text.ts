import { createColors } from "picocolors";
import { codePointLength, LineIndex } from "../engine/lines.js";
import type { FindingRecord } from "../engine/record.js";
import type { Severity } from "../engine/types.js";
import { cleanRunLine, displayPath, escapeControl } from "./paths.js";
import type { ReportHeader, ReporterFactory } from "./types.js";

type Colors = ReturnType<typeof createColors>;
const SEVERITY_COLOR: Record<Severity, (c: Colors) => (text: string) => string> = { error: (c) => c.red, warning: (c) => c.yellow, info: (c) => c.blue };

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * ruff's layout: `path:line:col: CODE [*] message`, then the severity and rule name, a `help:` line
 * with what the fix does where there is one, an excerpt on a terminal, and a summary.
 */
export const textReporter: ReporterFactory = (header) => {
  const c = createColors(header.color);
  return {
    start: () => "",
    file: (filePath, findings) => {
      if (findings.length === 0) return "";
      const out: string[] = [];
      // The file's text is read back only to print excerpts of its findings, and dropped after.
      const lines = header.showSource ? sourceLines(header, filePath) : undefined;
      const shownPath = escapeControl(displayPath(header.cwd, filePath));
      for (const f of findings) {
        const marker = f.fix?.applicability === "safe" ? ` ${c.cyan("[*]")}` : "";
        out.push(`${c.bold(shownPath)}${c.cyan(":")}${f.line}${c.cyan(":")}${f.column}${c.cyan(":")} ${c.bold(c.red(f.code))}${marker} ${escapeControl(f.message)}`);
        out.push(`  ${SEVERITY_COLOR[f.severity](c)(f.severity)}: ${f.name}`);
        if (f.fix) out.push(`  ${c.cyan("help:")} ${escapeControl(f.fix.message)}${f.fix.applicability === "unsafe" ? " (unsafe fix: --unsafe-fixes)" : ""}`);
        if (lines) out.push(...excerpt(f, lines, c));
      }
      return out.join("\n") + "\n";
    },
    end: () => {
      if (header.quiet) return "";
      const lines = summary(header);
      return lines.length > 0 ? lines.join("\n") + "\n" : "";
    },
  };
};

function sourceLines(header: ReportHeader, filePath: string): LineIndex | undefined {
  const text = header.readText?.(filePath);
  return text === undefined ? undefined : new LineIndex(text);
}

/** Characters of a long line shown before the span, and at most in all. */
const EXCERPT_BEFORE = 60;
const EXCERPT_WIDTH = 160;

function excerpt(f: FindingRecord, lines: LineIndex, c: ReturnType<typeof createColors>): string[] {
  const line0 = f.line - 1;
  if (line0 >= lines.lineCount) return [];
  const lineStart = lines.lineStart(line0);
  const lineEnd = lineStart + lines.lineText(line0).length;
  // The record's offset into the same text; the end walks only the span (a long line has many findings).
  const start = Math.max(lineStart, Math.min(f.start, lineEnd));
  const spanEnd = f.endLine > f.line ? lineEnd : advanceCodePoints(lines.text, start, f.endColumn - f.column, lineEnd);
  // A window of the line around the span (a minified line can be hundreds of KB), cut at UTF-16
  // offsets and widened so that no surrogate pair is split.
  let from = Math.max(lineStart, start - EXCERPT_BEFORE);
  let to = Math.min(lineEnd, from + EXCERPT_WIDTH);
  if (from > lineStart && isLowSurrogate(lines.text.charCodeAt(from))) from--;
  if (to < lineEnd && isLowSurrogate(lines.text.charCodeAt(to))) to++;
  const shown = (a: number, b: number) => escapeControl(lines.text.slice(a, b).replace(/\t/g, " "));
  const head = from > lineStart ? "..." : "";
  const tail = to < lineEnd ? "..." : "";
  const before = head + shown(from, start);
  const spanText = shown(start, Math.max(start, Math.min(spanEnd, to)));
  const column = codePointLength(before, 0, before.length);
  const width = Math.max(1, codePointLength(spanText, 0, spanText.length));
  const gutter = String(f.line);
  const pad = " ".repeat(gutter.length);
  return [`${pad} ${c.blue("|")}`, `${c.blue(gutter)} ${c.blue("|")} ${head}${shown(from, to)}${tail}`, `${pad} ${c.blue("|")} ${" ".repeat(column)}${c.red("^".repeat(width))}`, ""];
}

/** The offset `count` code points after `from`, at most `limit`. */
function advanceCodePoints(text: string, from: number, count: number, limit: number): number {
  let offset = from;
  for (let n = 0; n < count && offset < limit; n++) {
    const code = text.charCodeAt(offset);
    offset += code >= 0xd800 && code <= 0xdbff ? 2 : 1;
  }
  return Math.min(offset, limit);
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function summary(header: ReportHeader): string[] {
  const lines: string[] = [];
  if (header.fixMode && header.fixed.findings > 0) lines.push(`Fixed ${plural(header.fixed.findings, "finding")} in ${plural(header.fixed.files, "file")}.`);
  const n = header.findingCount;
  if (n === 0) {
    if (!header.fixMode || header.fixed.findings === 0) lines.push(cleanRunLine(header));
  } else {
    const fixable = header.fixable.safe + (header.unsafeFixes ? header.fixable.unsafe : 0);
    lines.push(`Found ${plural(n, "finding")}${fixable > 0 ? ` (${fixable} fixable with ${header.unsafeFixes ? "--fix --unsafe-fixes" : "--fix"})` : ""}.`);
    if (!header.unsafeFixes && header.fixable.unsafe > 0) lines.push(`(${header.fixable.unsafe} more fixable with --unsafe-fixes)`);
  }
  if (header.timing) lines.push(`Checked ${plural(header.timing.files, "file")} in ${formatDuration(header.timing.ms)}.`);
  return lines;
}

/** `0.42s`, `12.3s`, `2m05s`. */
export function formatDuration(ms: number): string {
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(2)}s`;
  if (s < 60) return `${s.toFixed(1)}s`;
  const whole = Math.round(s);
  return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, "0")}s`;
}
