import type { FindingRecord } from "../engine/record.js";
import { ruleDocsUrl } from "../meta.js";
import { isApplicable } from "../fix/apply.js";
import { displayPath } from "./paths.js";

/** Files listed under "Files with the most findings". */
const TOP_FILES = 10;

export interface JobSummaryInput {
  findings: Iterable<FindingRecord>;
  cwd: string;
  /** Files checked. */
  checked: number;
  /** Error lines printed on standard error. */
  errors: number;
  /** The command that runs the same check locally. */
  command: string;
}

/** Text inside a Markdown table cell: a pipe would end the cell, a backtick the code span. */
function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/`/g, "'").replace(/[\r\n]+/g, " ");
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * The GitHub Actions job summary (appended to `$GITHUB_STEP_SUMMARY`): totals, counts by rule, the
 * files with the most findings and how to run the same check locally. Annotations are capped per
 * step; this page is not.
 */
export function jobSummary(input: JobSummaryInput): string {
  const out = ["## pytest-memlint", ""];
  // One pass: the findings can be a run's store, read back file by file.
  let n = 0;
  let safe = 0;
  const byRule = new Map<string, { name: string; count: number; fixable: number }>();
  const byFile = new Map<string, number>();
  for (const f of input.findings) {
    n++;
    const fixable = isApplicable(f.fix, false);
    if (fixable) safe++;
    const row = byRule.get(f.code) ?? { name: f.name, count: 0, fixable: 0 };
    row.count++;
    if (fixable) row.fixable++;
    byRule.set(f.code, row);
    const shown = displayPath(input.cwd, f.path);
    byFile.set(shown, (byFile.get(shown) ?? 0) + 1);
  }
  if (n === 0) out.push(`No findings in ${plural(input.checked, "file")} checked.`);
  else out.push(`**${plural(n, "finding")}** in ${plural(byFile.size, "file")} (${plural(input.checked, "file")} checked)${safe > 0 ? `, ${safe} fixable with \`--fix\`` : ""}.`);
  if (input.errors > 0) out.push("", `${plural(input.errors, "error")} reported: see the step's log.`);
  if (n > 0) {
    out.push("", "### Findings by rule", "", "| Rule | Name | Findings | Fixable with `--fix` |", "| --- | --- | ---: | ---: |");
    for (const [code, row] of [...byRule].sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1))) out.push(`| [${code}](${ruleDocsUrl(code)}) | ${cell(row.name)} | ${row.count} | ${row.fixable} |`);
    const files = [...byFile].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    out.push("", "### Files with the most findings", "", "| File | Findings |", "| --- | ---: |");
    for (const [file, count] of files.slice(0, TOP_FILES)) out.push(`| \`${cell(file)}\` | ${count} |`);
    if (files.length > TOP_FILES) out.push("", `and ${plural(files.length - TOP_FILES, "more file")}.`);
  }
  out.push("", "### Reproduce locally", "", "```sh", input.command, "```", "");
  return out.join("\n") + "\n";
}
