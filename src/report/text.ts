import { createColors } from "picocolors";
import { codePointLength } from "../engine/lines.js";
import type { Finding, Severity } from "../engine/types.js";
import { cleanRunLine, displayPath, escapeControl, spanOf } from "./paths.js";
import type { Reporter, ReportInput } from "./types.js";

type Colors = ReturnType<typeof createColors>;
const SEVERITY_COLOR: Record<Severity, (c: Colors) => (text: string) => string> = { error: (c) => c.red, warning: (c) => c.yellow, info: (c) => c.blue };

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * ruff's layout: `path:line:col: CODE [*] message`, then the severity and rule name, a `help:` line
 * with what the fix does where there is one, an excerpt on a terminal, and a summary.
 */
export const textReporter: Reporter = (input) => {
  const c = createColors(input.color);
  const out: string[] = [];
  for (const f of input.findings) {
    const span = spanOf(f);
    const marker = f.fix?.applicability === "safe" ? ` ${c.cyan("[*]")}` : "";
    out.push(`${c.bold(escapeControl(displayPath(input.cwd, f.file.path)))}${c.cyan(":")}${span.line}${c.cyan(":")}${span.column}${c.cyan(":")} ${c.bold(c.red(f.code))}${marker} ${escapeControl(f.message)}`);
    out.push(`  ${SEVERITY_COLOR[f.severity](c)(f.severity)}: ${f.name}`);
    if (f.fix) out.push(`  ${c.cyan("help:")} ${escapeControl(f.fix.message)}${f.fix.applicability === "unsafe" ? " (unsafe fix: --unsafe-fixes)" : ""}`);
    if (input.showSource) out.push(...excerpt(f, c));
  }
  if (!input.quiet) out.push(...summary(input));
  return out.length > 0 ? out.join("\n") + "\n" : "";
};

/** Characters of a long line shown before the span, and at most in all. */
const EXCERPT_BEFORE = 60;
const EXCERPT_WIDTH = 160;

function excerpt(f: Finding, c: ReturnType<typeof createColors>): string[] {
  const { lines } = f.file;
  const line0 = lines.lineOf(f.start);
  const lineStart = lines.lineStart(line0);
  const lineEnd = lineStart + lines.lineText(line0).length;
  const spanEnd = Math.min(f.end, lineEnd);
  // A window of the line around the span (a minified line can be hundreds of KB), cut at UTF-16
  // offsets and widened so that no surrogate pair is split.
  let from = Math.max(lineStart, f.start - EXCERPT_BEFORE);
  let to = Math.min(lineEnd, from + EXCERPT_WIDTH);
  if (from > lineStart && isLowSurrogate(lines.text.charCodeAt(from))) from--;
  if (to < lineEnd && isLowSurrogate(lines.text.charCodeAt(to))) to++;
  const shown = (a: number, b: number) => escapeControl(lines.text.slice(a, b).replace(/\t/g, " "));
  const head = from > lineStart ? "..." : "";
  const tail = to < lineEnd ? "..." : "";
  const before = head + shown(from, f.start);
  const spanText = shown(f.start, Math.max(f.start, Math.min(spanEnd, to)));
  const start = codePointLength(before, 0, before.length);
  const width = Math.max(1, codePointLength(spanText, 0, spanText.length));
  const gutter = String(line0 + 1);
  const pad = " ".repeat(gutter.length);
  return [`${pad} ${c.blue("|")}`, `${c.blue(gutter)} ${c.blue("|")} ${head}${shown(from, to)}${tail}`, `${pad} ${c.blue("|")} ${" ".repeat(start)}${c.red("^".repeat(width))}`, ""];
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function summary(input: ReportInput): string[] {
  const lines: string[] = [];
  if (input.fixMode && input.fixed.findings > 0) lines.push(`Fixed ${plural(input.fixed.findings, "finding")} in ${plural(input.fixed.files, "file")}.`);
  const n = input.findings.length;
  if (n === 0) {
    if (!input.fixMode || input.fixed.findings === 0) lines.push(cleanRunLine(input));
    return lines;
  }
  const fixable = input.fixable.safe + (input.unsafeFixes ? input.fixable.unsafe : 0);
  lines.push(`Found ${plural(n, "finding")}${fixable > 0 ? ` (${fixable} fixable with ${input.unsafeFixes ? "--fix --unsafe-fixes" : "--fix"})` : ""}.`);
  if (!input.unsafeFixes && input.fixable.unsafe > 0) lines.push(`(${input.fixable.unsafe} more fixable with --unsafe-fixes)`);
  return lines;
}
