import { createColors } from "picocolors";
import { codePointLength } from "../engine/lines.js";
import type { Finding } from "../engine/types.js";
import { displayPath, spanOf } from "./paths.js";
import type { Reporter, ReportInput } from "./types.js";

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** ruff's layout: `path:line:col: CODE [*] message`, an excerpt on a terminal, then a summary. */
export const textReporter: Reporter = (input) => {
  const c = createColors(input.color);
  const out: string[] = [];
  for (const f of input.findings) {
    const span = spanOf(f);
    const marker = f.fix?.applicability === "safe" ? ` ${c.cyan("[*]")}` : "";
    out.push(`${c.bold(displayPath(input.cwd, f.file.path))}${c.cyan(":")}${span.line}${c.cyan(":")}${span.column}${c.cyan(":")} ${c.bold(c.red(f.code))}${marker} ${f.message}`);
    if (input.showSource) out.push(...excerpt(f, c));
  }
  if (!input.quiet) out.push(...summary(input));
  return out.length > 0 ? out.join("\n") + "\n" : "";
};

function excerpt(f: Finding, c: ReturnType<typeof createColors>): string[] {
  const { lines } = f.file;
  const line0 = lines.lineOf(f.start);
  const text = lines.lineText(line0).replace(/\t/g, " ");
  const start = codePointLength(lines.text, lines.lineStart(line0), f.start);
  const endOnLine = Math.min(f.end, lines.lineStart(line0) + lines.lineText(line0).length);
  const width = Math.max(1, codePointLength(lines.text, f.start, Math.max(f.start, endOnLine)));
  const gutter = String(line0 + 1);
  const pad = " ".repeat(gutter.length);
  return [`${pad} ${c.blue("|")}`, `${c.blue(gutter)} ${c.blue("|")} ${text}`, `${pad} ${c.blue("|")} ${" ".repeat(start)}${c.red("^".repeat(width))}`, ""];
}

function summary(input: ReportInput): string[] {
  const lines: string[] = [];
  if (input.fixMode && input.fixed.findings > 0) lines.push(`Fixed ${plural(input.fixed.findings, "finding")} in ${plural(input.fixed.files, "file")}.`);
  const n = input.findings.length;
  if (n === 0) {
    if (!input.fixMode || input.fixed.findings === 0) lines.push("All checks passed!");
    return lines;
  }
  const fixable = input.fixable.safe + (input.unsafeFixes ? input.fixable.unsafe : 0);
  lines.push(`Found ${plural(n, "finding")}${fixable > 0 ? ` (${fixable} fixable with ${input.unsafeFixes ? "--fix --unsafe-fixes" : "--fix"})` : ""}.`);
  if (!input.unsafeFixes && input.fixable.unsafe > 0) lines.push(`(${input.fixable.unsafe} more fixable with --unsafe-fixes)`);
  return lines;
}
