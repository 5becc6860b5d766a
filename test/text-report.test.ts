import { describe, expect, it } from "vitest";
import { LineIndex } from "../src/engine/lines.js";
import { toRecord } from "../src/engine/record.js";
import type { Finding } from "../src/engine/types.js";
import { renderReport } from "../src/report/stream.js";
import { textReporter } from "../src/report/text.js";
import type { ReportInput } from "../src/report/types.js";

const text = 'x = "😀"; gc.collect()\n';
const finding: Finding = {
  code: "MEM101",
  name: "missing-gc-import",
  severity: "error",
  message: "`gc` is used but not imported at module level; `import gc` is missing",
  file: { path: "/work/t/test_a.py", text, lines: new LineIndex(text) },
  start: text.indexOf("gc"),
  end: text.indexOf("gc") + 2,
  fix: { applicability: "safe", message: "Add `import gc`", edits: [{ start: 0, end: 0, content: "import gc\n" }] },
};

function input(overrides: Partial<ReportInput>): ReportInput {
  return { findings: [toRecord(finding)], readText: (p) => (p === finding.file.path ? text : undefined), cwd: "/work/t", files: ["/work/t/test_a.py"], fixed: { findings: 0, files: 0 }, fixable: { safe: 1, unsafe: 0 }, fixMode: false, unsafeFixes: false, color: false, showSource: false, quiet: false, ...overrides };
}

describe("text output", () => {
  it("on a terminal, shows the line with the span underlined, counting characters", () => {
    const out = renderReport(textReporter, input({ showSource: true }));
    expect(out.split("\n").slice(0, 6)).toEqual([
      "test_a.py:1:10: MEM101 [*] `gc` is used but not imported at module level; `import gc` is missing",
      "  error: missing-gc-import",
      "  help: Add `import gc`",
      "  |",
      '1 | x = "😀"; gc.collect()',
      "  |          ^^",
    ]);
  });

  it("summarises fixes and what remains", () => {
    expect(renderReport(textReporter, input({ fixMode: true, fixed: { findings: 3, files: 2 } })).trim().split("\n").slice(-2)).toEqual(["Fixed 3 findings in 2 files.", "Found 1 finding (1 fixable with --fix)."]);
    expect(renderReport(textReporter, input({ findings: [], fixMode: true, fixed: { findings: 1, files: 1 } })).trim()).toBe("Fixed 1 finding in 1 file.");
    expect(renderReport(textReporter, input({ quiet: true })).trim().split("\n")).toHaveLength(3);
  });

  it("shows each finding's severity, and a help line with the fix's title only where a fix exists", () => {
    const warning: Finding = { ...finding, code: "MEM201", name: "mock-without-spec-set", severity: "warning", message: "m", fix: null };
    const unsafe: Finding = { ...finding, severity: "info", fix: { ...(finding.fix as NonNullable<Finding["fix"]>), applicability: "unsafe" } };
    const out = renderReport(textReporter, input({ findings: [warning, unsafe].map(toRecord), quiet: true })).split("\n");
    expect(out).toEqual([
      "test_a.py:1:10: MEM201 m",
      "  warning: mock-without-spec-set",
      "test_a.py:1:10: MEM101 `gc` is used but not imported at module level; `import gc` is missing",
      "  info: missing-gc-import",
      "  help: Add `import gc` (unsafe fix: --unsafe-fixes)",
      "",
    ]);
  });
});
