import { createColors } from "picocolors";
import type { FindingRecord } from "../engine/record.js";
import { isApplicable } from "../fix/apply.js";
import { cleanRunLine, displayPath, escapeControl } from "./paths.js";
import { collecting } from "./stream.js";
import type { OutputFormat, ReportHeader, ReporterFactory } from "./types.js";

/** One line of `--statistics`: a rule and how many findings it has. */
export interface Statistic {
  code: string;
  name: string;
  count: number;
  /** Whether `--fix` (with `--unsafe-fixes` when given) can fix at least one of them. */
  fixable: boolean;
}

/** Counts per rule, most findings first (then by code), as ruff's `--statistics`. */
export function ruleStatistics(findings: readonly FindingRecord[], unsafeFixes: boolean): Statistic[] {
  const byCode = new Map<string, Statistic>();
  for (const f of findings) {
    let s = byCode.get(f.code);
    if (!s) byCode.set(f.code, (s = { code: f.code, name: f.name, count: 0, fixable: false }));
    s.count++;
    if (isApplicable(f.fix, unsafeFixes)) s.fixable = true;
  }
  return [...byCode.values()].sort((a, b) => b.count - a.count || compare(a.code, b.code));
}

export interface FileStatistic {
  path: string;
  count: number;
  /** Counts per code in this file, most first. */
  codes: { code: string; count: number }[];
}

/** Files by number of findings, most first (then by path). */
export function fileStatistics(findings: readonly FindingRecord[], cwd: string): FileStatistic[] {
  const byPath = new Map<string, Map<string, number>>();
  for (const f of findings) {
    const p = displayPath(cwd, f.path);
    let codes = byPath.get(p);
    if (!codes) byPath.set(p, (codes = new Map<string, number>()));
    codes.set(f.code, (codes.get(f.code) ?? 0) + 1);
  }
  return [...byPath]
    .map(([p, codes]) => ({
      path: p,
      count: [...codes.values()].reduce((a, b) => a + b, 0),
      codes: [...codes].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count || compare(a.code, b.code)),
    }))
    .sort((a, b) => b.count - a.count || compare(a.path, b.path));
}

/** How many files the text statistics list. */
export const TOP_FILES = 10;

/**
 * ruff's layout, `count<TAB>code<TAB>[*] name` with the count right-aligned (`[*]`/`[ ]` only when
 * some rule is fixable), then the files with the most findings and the usual summary.
 */
export const statisticsTextReporter: ReporterFactory = (header) => collecting((findings) => statisticsText(header, findings));

function statisticsText(input: ReportHeader, findings: readonly FindingRecord[]): string {
  const c = createColors(input.color);
  const stats = ruleStatistics(findings, input.unsafeFixes);
  const out: string[] = [];
  if (stats.length > 0) {
    const countWidth = Math.max(...stats.map((s) => String(s.count).length));
    const codeWidth = Math.max(...stats.map((s) => s.code.length));
    const anyFixable = stats.some((s) => s.fixable);
    for (const s of stats) {
      const marker = anyFixable ? (s.fixable ? `[${c.cyan("*")}] ` : "[ ] ") : "";
      out.push(`${c.bold(String(s.count).padStart(countWidth))}\t${c.bold(c.red(s.code.padEnd(codeWidth)))}\t${marker}${s.name}`);
    }
    const files = fileStatistics(findings, input.cwd);
    const shown = files.slice(0, TOP_FILES);
    const fileWidth = Math.max(...shown.map((f) => String(f.count).length));
    out.push("", files.length > TOP_FILES ? `Files with the most findings (top ${TOP_FILES} of ${files.length}):` : "Files with the most findings:");
    for (const f of shown) {
      out.push(`${String(f.count).padStart(fileWidth)}\t${c.bold(escapeControl(f.path))}\t${f.codes.map((x) => `${x.code} x${x.count}`).join(", ")}`);
    }
  }
  if (!input.quiet) {
    if (out.length > 0) out.push("");
    out.push(summaryLine(input));
  }
  return out.length > 0 ? out.join("\n") + "\n" : "";
}


/** A JSON array of `{code, name, count, fixable}`, most findings first. */
export const statisticsJsonReporter: ReporterFactory = (header) => collecting((findings) => JSON.stringify(ruleStatistics(findings, header.unsafeFixes), null, 2) + "\n");

/** The statistics reporter of a format; undefined where `--statistics` has no form. */
export function statisticsReporter(format: OutputFormat): ReporterFactory | undefined {
  if (format === "text") return statisticsTextReporter;
  if (format === "json") return statisticsJsonReporter;
  return undefined;
}

function summaryLine(input: ReportHeader): string {
  const n = input.findingCount;
  if (n === 0) return cleanRunLine(input);
  const fixable = input.fixable.safe + (input.unsafeFixes ? input.fixable.unsafe : 0);
  const word = n === 1 ? "finding" : "findings";
  return `Found ${n} ${word}${fixable > 0 ? ` (${fixable} fixable with ${input.unsafeFixes ? "--fix --unsafe-fixes" : "--fix"})` : ""}.`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
