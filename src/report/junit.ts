import type { FindingRecord } from "../engine/record.js";
import { TOOL_NAME } from "../meta.js";
import { displayPath } from "./paths.js";
import { collecting } from "./stream.js";
import type { ReportHeader, ReporterFactory } from "./types.js";

/**
 * Characters XML 1.0 cannot hold at all (controls other than tab/LF/CR, lone surrogates, U+FFFE/U+FFFF)
 * become U+FFFD; `u` so that a valid surrogate pair is one character.
 */
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Cs}/gu;

/** Text content; CR as a reference, since a parser turns a literal CR into LF. */
function xmlText(s: string): string {
  return s.replace(NOT_XML, "\uFFFD").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r/g, "&#13;");
}

/** An attribute value: also quotes, and the whitespace that attribute normalisation would turn into spaces. */
function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, "&quot;").replace(/'/g, "&apos;").replace(/\t/g, "&#9;").replace(/\n/g, "&#10;");
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`)
    .join("");
}

/** What one file's suite holds: its findings, or why it could not be checked. */
interface FileSuite {
  rel: string;
  findings: FindingRecord[];
  problems: string[];
}

/** One test suite: a test case per finding (a failure each), or one passing case, or an error case per problem. */
function suiteXml(s: FileSuite): string[] {
  const tests = s.findings.length + s.problems.length || 1;
  const head = `  <testsuite${attrs({ name: s.rel, tests, failures: s.findings.length, errors: s.problems.length, skipped: 0, file: s.rel })}>`;
  const out = [head];
  for (const f of s.findings) {
    const body = `${s.rel}:${f.line}:${f.column}: ${f.code} ${f.message}`;
    out.push(`    <testcase${attrs({ classname: s.rel, name: `${f.code} ${f.name} at ${f.line}:${f.column}`, file: s.rel, line: f.line })}>`);
    out.push(`      <failure${attrs({ message: `${f.code} ${f.name}: ${f.message}`, type: f.code })}>${xmlText(body)}</failure>`);
    out.push("    </testcase>");
  }
  for (const p of s.problems) {
    out.push(`    <testcase${attrs({ classname: s.rel, name: TOOL_NAME, file: s.rel })}>`);
    out.push(`      <error${attrs({ message: p, type: "error" })}>${xmlText(p)}</error>`);
    out.push("    </testcase>");
  }
  if (s.findings.length === 0 && s.problems.length === 0) out.push(`    <testcase${attrs({ classname: s.rel, name: TOOL_NAME, file: s.rel })}/>`);
  out.push("  </testsuite>");
  return out;
}

/**
 * JUnit XML as CI screens read it: one test suite per file (every file checked, and every other file
 * a finding points into, such as a pytest configuration), one test case per finding with its failure,
 * so `failures` never exceeds `tests`; a clean file is one passing case; a file that could not be
 * read is an error case. The totals come first, so the suites are written at the end.
 */
export const junitReporter: ReporterFactory = (header) => collecting((findings) => junitXml(header, findings));

function junitXml(input: ReportHeader, findings: readonly FindingRecord[]): string {
  const byFile = new Map<string, FileSuite>();
  const suiteOf = (rel: string): FileSuite => {
    let s = byFile.get(rel);
    if (!s) byFile.set(rel, (s = { rel, findings: [], problems: [] }));
    return s;
  };
  for (const file of input.files) suiteOf(displayPath(input.cwd, file));
  for (const f of findings) suiteOf(displayPath(input.cwd, f.path)).findings.push(f);
  for (const p of input.problems ?? []) if (p.path !== undefined) suiteOf(displayPath(input.cwd, p.path)).problems.push(p.message);
  const suites = [...byFile.keys()].sort().map((rel) => byFile.get(rel) as FileSuite);
  const totals = { name: TOOL_NAME, tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const s of suites) {
    totals.tests += s.findings.length + s.problems.length || 1;
    totals.failures += s.findings.length;
    totals.errors += s.problems.length;
  }
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites${attrs(totals)}>`];
  for (const s of suites) out.push(...suiteXml(s));
  out.push("</testsuites>");
  return out.join("\n") + "\n";
}
