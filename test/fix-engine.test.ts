import { describe, expect, it } from "vitest";
import { applyEdits, planPass, runFixLoop } from "../src/fix/apply.js";
import { LineIndex } from "../src/engine/lines.js";
import { countSyntaxErrors } from "../src/engine/parser.js";
import type { Edit, Finding, Fix } from "../src/engine/types.js";

function finding(code: string, text: string, fix: Fix | null, start = 0): Finding {
  return { code, name: code, severity: "warning", message: code, file: { path: "t.py", text, lines: new LineIndex(text) }, start, end: start, fix };
}

function safe(...edits: Edit[]): Fix {
  return { applicability: "safe", message: "fix", edits };
}

describe("fix passes", () => {
  it("applies non-overlapping fixes together; an overlapping one waits; identical edits are made once", () => {
    const text = "abcdef";
    const a = finding("A", text, safe({ start: 0, end: 0, content: "import x\n" }, { start: 2, end: 3, content: "C" }));
    const b = finding("B", text, safe({ start: 0, end: 0, content: "import x\n" }, { start: 4, end: 4, content: "!" }));
    const c = finding("C", text, safe({ start: 2, end: 4, content: "zz" }));
    const d = finding("D", text, safe({ start: 0, end: 0, content: "import y\n" }));
    const plan = planPass([a, b, c, d], false);
    expect(plan.applied.map((f) => f.code)).toEqual(["A", "B"]);
    expect(applyEdits(text, plan.edits)).toBe("import x\nabCd!ef");
  });

  it("unsafe fixes only with unsafe allowed", () => {
    const text = "x";
    const u = finding("U", text, { applicability: "unsafe", message: "u", edits: [{ start: 0, end: 0, content: "y" }] });
    expect(planPass([u], false).applied).toHaveLength(0);
    expect(planPass([u], true).applied).toHaveLength(1);
  });

  it("refuses a fix that would break parsing, names its rule, and still applies the others", () => {
    const original = "def test_a():\n    pass\n";
    const loop = runFixLoop(original, false, {
      lint: (text) => {
        const findings: Finding[] = [];
        if (!text.includes("# ok")) findings.push(finding("GOOD", text, safe({ start: text.length, end: text.length, content: "# ok\n" })));
        if (!text.startsWith("(")) findings.push(finding("BREAKS", text, safe({ start: 0, end: 0, content: "(" })));
        return { findings, syntaxErrors: countSyntaxErrors(text) };
      },
      canWrite: () => true,
    });
    expect(loop.text).toBe(original + "# ok\n");
    expect(countSyntaxErrors(loop.text)).toBe(0);
    expect(loop.fixedByCode.get("GOOD")).toBe(1);
    expect(loop.fixedByCode.has("BREAKS")).toBe(false);
    expect(loop.problems.join("\n")).toMatch(/the fix of BREAKS .* would break parsing; not applied/);
  });

  it("stops on a cycle instead of looping, and never runs more than 10 passes", () => {
    let lints = 0;
    const loop = runFixLoop("a", false, {
      lint: (text) => {
        lints++;
        const next = text === "a" ? "b" : "a";
        return { findings: [finding("FLIP", text, safe({ start: 0, end: 1, content: next }))], syntaxErrors: 0 };
      },
      canWrite: () => true,
    });
    expect(loop.problems.some((p) => p.includes("cycle"))).toBe(true);
    expect(lints).toBeLessThanOrEqual(12);

    let grows = 0;
    const growing = runFixLoop("", false, {
      lint: (text) => ({ findings: [finding("GROW", text, safe({ start: text.length, end: text.length, content: "x" }))], syntaxErrors: 0 }),
      canWrite: () => true,
    });
    grows = growing.text.length;
    expect(grows).toBe(10);
  });

  it("a fix whose text the file's encoding cannot hold is refused", () => {
    const loop = runFixLoop("x = 1\n", false, {
      lint: (text) => ({ findings: text.includes("é") ? [] : [finding("ENC", text, safe({ start: 0, end: 0, content: "# é\n" }))], syntaxErrors: 0 }),
      canWrite: (text) => !text.includes("é"),
    });
    expect(loop.text).toBe("x = 1\n");
    expect(loop.problems.join()).toMatch(/cannot be written in the file's encoding/);
  });
});
