import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FindingRecord } from "../src/engine/record.js";
import { FindingStore } from "../src/report/finding-store.js";
import { jsonReporter } from "../src/report/json.js";
import { compareFindings } from "../src/report/paths.js";
import { renderReport } from "../src/report/stream.js";
import type { ReportInput } from "../src/report/types.js";

const cwd = "/work/suite";
const paths = ["/work/suite/tests/test_b.py", "/work/suite/tests/test_a.py", "/work/suite/conftest.py", "/work/suite/pytest.ini", "/work/suite/tests/sub/test_ü.py"];

const finding = fc.record({
  path: fc.constantFrom(...paths),
  code: fc.constantFrom("MEM101", "MEM201", "MEM203", "MEM501"),
  name: fc.constant("some-rule"),
  severity: fc.constantFrom("error" as const, "warning" as const, "info" as const),
  message: fc.string({ unit: "grapheme", maxLength: 40 }),
  start: fc.nat(50),
  line: fc.nat(9),
  column: fc.nat(9),
  endLine: fc.nat(9),
  endColumn: fc.nat(9),
  lineText: fc.string({ maxLength: 20 }),
  fix: fc.option(
    fc.record({
      applicability: fc.constantFrom("safe" as const, "unsafe" as const),
      message: fc.string({ maxLength: 10 }),
      edits: fc.array(fc.record({ line: fc.nat(9), column: fc.nat(9), endLine: fc.nat(9), endColumn: fc.nat(9), content: fc.string({ maxLength: 10 }) }), { maxLength: 2 }),
    }),
  ),
});

function report(findings: ReportInput["findings"], fixable: ReportInput["fixable"]): string {
  return renderReport(jsonReporter, { findings, cwd, files: [paths[0] as string], fixed: { findings: 0, files: 0 }, fixable, fixMode: false, unsafeFixes: false, color: false, showSource: false, quiet: false });
}

describe("the run's finding store", () => {
  it("reads back every finding, in report order, whatever order the files' results were added in", () => {
    fc.assert(
      fc.property(fc.array(fc.array(finding, { maxLength: 6 }), { maxLength: 8 }), (batches) => {
        // Every few files past the limit of plain text, so both kinds of chunk are read back.
        const store = new FindingStore(600);
        for (const batch of batches) store.add(batch);
        const all: FindingRecord[] = batches.flat();
        const sorted = [...all].sort(compareFindings(cwd));
        expect([...store.records(cwd)]).toEqual(sorted);
        expect(store.count).toBe(all.length);
        const safe = all.filter((f) => f.fix?.applicability === "safe" && f.fix.edits.length > 0).length;
        const unsafe = all.filter((f) => f.fix?.applicability === "unsafe").length;
        expect(store.fixable).toEqual({ safe, unsafe });
        // The report made from the store is the one made from the sorted list.
        expect(report(store, store.fixable)).toBe(report(sorted, { safe, unsafe }));
      }),
    );
  });
});
