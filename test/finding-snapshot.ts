/**
 * The `.snap` form of a fixture case's findings (test/rule-fixtures.test.ts): everything the JSON
 * output says about each finding except what follows from its code (name, url), one block a finding:
 *
 *   test_x.py:5:1-5:17 MEM102 warning
 *     message: Test class `TestClient` has no `xdist_group` mark; ...
 *     fix: safe: Add @pytest.mark.xdist_group(name="x_tests")
 *       1:1-1:1 insert "import pytest\n"
 *
 * Positions are `line:column` as in the JSON (1-based, columns in characters), paths relative to the
 * case with `/` separators, edit contents as JSON strings, so the text is the same on every platform.
 */
import type { JsonFinding } from "./helpers.js";

interface JsonEdit {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  content: string;
}

/** A message on one line: a line break in it would read as the next field. */
function oneLine(text: string): string {
  return /[\r\n]/.test(text) ? JSON.stringify(text) : text;
}

function editLine(edit: JsonEdit): string {
  const range = `${edit.line}:${edit.column}-${edit.endLine}:${edit.endColumn}`;
  const empty = edit.line === edit.endLine && edit.column === edit.endColumn;
  if (empty) return `${range} insert ${JSON.stringify(edit.content)}`;
  if (edit.content === "") return `${range} delete`;
  return `${range} replace with ${JSON.stringify(edit.content)}`;
}

function findingBlock(f: JsonFinding): string[] {
  const lines = [`${f.path}:${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.code} ${f.severity}`, `  message: ${oneLine(f.message)}`];
  if (f.fix === null) lines.push("  fix: none");
  else {
    lines.push(`  fix: ${f.fix.applicability}: ${oneLine(f.fix.message)}`);
    for (const edit of f.fix.edits as JsonEdit[]) lines.push(`    ${editLine(edit)}`);
  }
  return lines;
}

/** The snapshot text of one case, linted with `args`. */
export function findingSnapshot(args: readonly string[], findings: readonly JsonFinding[]): string {
  const header = `# pytest-memlint ${args.join(" ")}: ${findings.length === 1 ? "1 finding" : `${findings.length} findings`}. Generated; UPDATE_SNAPSHOTS=1 rewrites it.`;
  return [header, ...findings.flatMap((f) => ["", ...findingBlock(f)]), ""].join("\n");
}
