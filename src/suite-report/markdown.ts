import { formatBytes } from "./estimate.js";
import type { FixtureReport, SuiteReport } from "./types.js";

/** The report as GitHub-flavoured Markdown: a summary, then tables per folder, risk and fixture. */

/** Fixtures listed in the Markdown (the JSON and HTML list them all). */
const MAX_FIXTURE_ROWS = 200;

function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function code(text: string): string {
  const clean = text.replace(/`/g, "'");
  return `\`${cell(clean)}\``;
}

export function bytesText(bytes: number | null, lowerBound = false): string {
  if (bytes === null) return "unknown";
  return `${lowerBound ? "≥ " : "≈ "}${formatBytes(bytes)}`;
}

function table(headers: string[], rows: string[][], align: ("l" | "r")[]): string {
  const lines = [`| ${headers.join(" | ")} |`, `| ${align.map((a) => (a === "r" ? "---:" : "---")).join(" | ")} |`];
  for (const r of rows) lines.push(`| ${r.join(" | ")} |`);
  return lines.join("\n") + "\n";
}

const n = (v: number) => v.toLocaleString("en-US");
const plural = (v: number, one: string, many = `${one}s`) => `${n(v)} ${v === 1 ? one : many}`;

export function summaryMarkdown(report: SuiteReport): string {
  const s = report.summary;
  let out = "## Summary\n\n";
  out += `${plural(s.testFiles, "test file")} (${plural(s.files, "Python file")} with the conftest.py files), ${plural(s.tests, "test")}, ${plural(s.testClasses, "test class", "test classes")}, ${plural(s.fixtures, "fixture")}, ${plural(s.findings, "finding")}. `;
  out += `Memory built over one run by fixtures and by tests' own large data: **${bytesText(s.estimatedBytes, s.estimatedBytesLowerBound)}** (an estimate from the code, not a measurement).\n\n`;
  for (const c of report.configurations) {
    out += `**${cell(c.path)}**: workers ${c.workers === null ? "none" : code(c.workers)}${c.maxprocesses !== null ? `, --maxprocesses ${c.maxprocesses}` : ""}, --dist ${code(c.dist)}.\n\n`;
    for (const line of c.implications) out += `- ${cell(line)}\n`;
    out += "\n";
  }
  if (report.configurations.length === 0) out += "No pytest configuration file applies: pytest runs without xdist options.\n\n";
  out += "### Top risks\n\n";
  if (report.risks.length === 0) out += "No fixture builds data the estimator can size.\n\n";
  else {
    out += table(
      ["#", "What", "Where", "Scope", "Built once", "Times built", "Total", "Addressed by", "What to do"],
      report.risks.slice(0, 10).map((r, i) => [
        String(i + 1),
        `${r.kind} ${code(r.name)}`,
        `${cell(r.path)}:${r.line}`,
        r.kind === "fixture" ? (r.scope ?? "?") : "",
        bytesText(r.bytes, r.lowerBound),
        n(r.timesBuilt),
        bytesText(r.totalBytes, r.lowerBound),
        r.addressedBy ? `[${r.addressedBy.code}](${r.addressedBy.url})` : "—",
        cell(r.advice),
      ]),
      ["r", "l", "l", "l", "r", "r", "r", "l", "l"],
    );
    out += "\n";
  }
  return out;
}

function fixtureRow(f: FixtureReport): string[] {
  return [
    code(f.name),
    `${cell(f.path)}:${f.line}`,
    f.scope ?? "?",
    f.autouse ? "yes" : "",
    f.params === null ? "?" : f.params === 0 ? "" : String(f.params),
    `${n(f.users.directTests)} / ${n(f.users.directFixtures)}`,
    n(f.users.transitiveTests),
    bytesText(f.built.bytes, f.built.lowerBound),
    n(f.timesBuilt),
    bytesText(f.totalBytes, f.built.lowerBound),
    f.cleanup ? "yes" : "no",
    f.findings.map((x) => `[${x.code}](${x.url})`).join(" "),
  ];
}

export function markdownReport(report: SuiteReport): string {
  let out = `# Suite memory report\n\nPaths: ${report.paths.map(code).join(", ")} · ${report.tool.name} ${report.tool.version}\n\n`;
  out += summaryMarkdown(report);
  out += "## Folders\n\n";
  out += table(
    ["Folder", "Test files", "Tests", "Test classes", "Mock-using classes", "With xdist_group", "With gc.collect() teardown", "Fixtures", "Estimated memory"],
    report.folders.map((f) => [cell(f.path), n(f.testFiles), n(f.tests), n(f.testClasses), n(f.mockUsingClasses), n(f.xdistGroupClasses), n(f.gcTeardownClasses), n(f.fixtures), bytesText(f.estimatedBytes, f.estimatedBytesLowerBound)]),
    ["l", "r", "r", "r", "r", "r", "r", "r", "r"],
  );
  out += "\n## Fixtures\n\n";
  const shown = report.fixtures.slice(0, MAX_FIXTURE_ROWS);
  out += table(
    ["Fixture", "Where", "Scope", "Autouse", "Params", "Direct users (tests / fixtures)", "Tests in reach", "Built once", "Times built", "Total", "Cleanup", "Findings"],
    shown.map(fixtureRow),
    ["l", "l", "l", "l", "r", "r", "r", "r", "r", "r", "l", "l"],
  );
  if (report.fixtures.length > shown.length) out += `\n${n(report.fixtures.length - shown.length)} more fixtures with smaller estimates are in the JSON and HTML reports.\n`;
  const sized = report.fixtures.filter((f) => f.built.how.length > 0).slice(0, 50);
  if (sized.length > 0) {
    out += "\n### How the largest estimates were made\n\n";
    for (const f of sized) out += `- ${code(f.name)} (${cell(f.path)}:${f.line}): ${f.built.how.map(cell).join("; ")}; built ${cell(f.timesBuiltHow)}\n`;
  }
  if (report.findingCounts.length > 0) {
    out += "\n## Findings\n\n";
    out += table(["Rule", "Name", "Count"], report.findingCounts.map((c) => [`[${c.code}](${c.url})`, c.name, n(c.count)]), ["l", "l", "r"]);
  }
  out += `\n## About the estimates\n\n${report.estimateNote}\n`;
  return out;
}
