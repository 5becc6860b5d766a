import { createColors } from "picocolors";
import { codePointLength, LineIndex } from "../engine/lines.js";
import type { FindingRecord } from "../engine/record.js";
import { displayPath } from "./paths.js";
import type { ReportHeader, ReporterFactory } from "./types.js";

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** ruff's layout: `path:line:col: CODE [*] message`, an excerpt on a terminal, then a summary. */
export const textReporter: ReporterFactory = (header) => {
  const c = createColors(header.color);
  return {
    start: () => "",
    file: (filePath, findings) => {
      if (findings.length === 0) return "";
      const out: string[] = [];
      // The file's text is read back only to print excerpts of its findings, and dropped after.
      const lines = header.showSource ? sourceLines(header, filePath) : undefined;
      for (const f of findings) {
        const marker = f.fix?.applicability === "safe" ? ` ${c.cyan("[*]")}` : "";
        out.push(`${c.bold(displayPath(header.cwd, filePath))}${c.cyan(":")}${f.line}${c.cyan(":")}${f.column}${c.cyan(":")} ${c.bold(c.red(f.code))}${marker} ${f.message}`);
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

function excerpt(f: FindingRecord, lines: LineIndex, c: ReturnType<typeof createColors>): string[] {
  const line0 = f.line - 1;
  if (line0 >= lines.lineCount) return [];
  const lineText = lines.lineText(line0);
  const text = lineText.replace(/\t/g, " ");
  const start = f.column - 1;
  const lineLength = codePointLength(lineText, 0, lineText.length);
  const endOnLine = f.endLine > f.line ? lineLength : f.endLine === f.line ? Math.min(f.endColumn - 1, lineLength) : start;
  const width = Math.max(1, endOnLine - start);
  const gutter = String(f.line);
  const pad = " ".repeat(gutter.length);
  return [`${pad} ${c.blue("|")}`, `${c.blue(gutter)} ${c.blue("|")} ${text}`, `${pad} ${c.blue("|")} ${" ".repeat(start)}${c.red("^".repeat(width))}`, ""];
}

function summary(header: ReportHeader): string[] {
  const lines: string[] = [];
  if (header.fixMode && header.fixed.findings > 0) lines.push(`Fixed ${plural(header.fixed.findings, "finding")} in ${plural(header.fixed.files, "file")}.`);
  const n = header.findingCount;
  if (n === 0) {
    if (!header.fixMode || header.fixed.findings === 0) lines.push("All checks passed!");
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
