/**
 * Rules as listeners (src/engine/rule.ts): the dispatcher creates each enabled rule once per file and
 * calls its listeners from the model's one walk, in document order; each rule's context checks its
 * fixes against its meta and holds only the options it declares; a rule that throws is one internal
 * error for that rule and file, and the other rules run on.
 */
import { describe, expect, it } from "vitest";
import { ruleOptionsFrom } from "../src/config/options.js";
import { analyzeText } from "../src/engine/analyze.js";
import { SuiteFacts } from "../src/engine/facts.js";
import { LineIndex } from "../src/engine/lines.js";
import { lintAnalyzed, runSuiteRules, type LintResult } from "../src/engine/lint.js";
import type { OptionDeclaration } from "../src/engine/options.js";
import { Project } from "../src/engine/project.js";
import { createRule, SuiteContext, type Rule, type RuleMeta } from "../src/engine/rule.js";
import type { FixKind } from "../src/engine/types.js";
import { maxMockChainDepth } from "../src/rules/deep-mock-chain.js";

const SOURCE = `import os
from typing import Any


class TestA:
    def test_one(self):
        def helper():
            pass


def test_two():
    import json


class TestB:
    class Inner:
        pass
`;

const OPTIONS = ruleOptionsFrom({});

function meta<const D extends readonly OptionDeclaration[] = []>(code: string, fix: FixKind = "none", options?: D): RuleMeta<"found"> & { options: D } {
  return {
    code,
    name: `rule-${code}`,
    severity: "warning",
    fix,
    enabledByDefault: true,
    summary: "A test rule.",
    messages: { found: "Found `{name}`" },
    docs: { whatItDoes: "", whyIsThisBad: "", example: "", useInstead: "" },
    options: options ?? ([] as unknown as D),
  };
}

function lint(rules: readonly Rule[], enabled: readonly string[] = rules.map((r) => r.meta.code), text = SOURCE): LintResult {
  const analyzed = analyzeText("/project/tests/test_sample.py", { text, encoding: "utf8", bom: false }, text, undefined, true);
  return lintAnalyzed(analyzed, { enabled: new Set(enabled), options: OPTIONS }, new Project(), new SuiteFacts(), rules);
}

const SAFE_FIX = { applicability: "safe" as const, message: "Rename", edits: [{ start: 0, end: 0, content: "" }] };

describe("createRule and the listener dispatch", () => {
  it("calls module, then each import, class and function in document order (nested ones included), then module:exit", () => {
    const seen: string[] = [];
    const rule = createRule({
      meta: meta("MEMT01"),
      create() {
        return {
          module: () => seen.push("module"),
          import_statement: ({ node, moduleLevel }) => seen.push(`import ${node.text} ${moduleLevel ? "module-level" : "nested"}`),
          import_from_statement: ({ node }) => seen.push(`from ${node.childForFieldName("module_name")?.text}`),
          class_definition: (cls) => seen.push(`class ${cls.name}`),
          function_definition: (fn) => seen.push(`def ${fn.name}`),
          "module:exit": () => seen.push("module:exit"),
        };
      },
    });
    const result = lint([rule]);
    expect(result.crashes).toEqual([]);
    expect(seen).toEqual([
      "module",
      "import import os module-level",
      "from typing",
      "class TestA",
      "def test_one",
      "def helper",
      "def test_two",
      "import import json nested",
      "class TestB",
      "class Inner",
      "module:exit",
    ]);
  });

  it("creates each enabled rule once per file, and never a disabled one", () => {
    const created: string[] = [];
    const counting = (code: string) =>
      createRule({
        meta: meta(code),
        create(ctx) {
          created.push(code);
          return { class_definition: (cls) => ctx.report({ node: cls.nameNode, messageId: "found", data: { name: cls.name } }) };
        },
      });
    const rules = [counting("MEMT01"), counting("MEMT02")];
    const first = lint(rules, ["MEMT02"]);
    lint(rules, ["MEMT02"]);
    expect(created).toEqual(["MEMT02", "MEMT02"]);
    expect(first.findings.map((f) => `${f.code} ${f.message}`)).toEqual(["MEMT02 Found `TestA`", "MEMT02 Found `TestB`", "MEMT02 Found `Inner`"]);
  });

  it("a fix from a rule whose meta.fix does not allow it is an internal error for that rule only; what it reported before is kept", () => {
    const reportsFix = (code: string, fix: FixKind, applicability: "safe" | "unsafe") =>
      createRule({
        meta: meta(code, fix),
        create(ctx) {
          return {
            class_definition(cls) {
              ctx.report({ node: cls.nameNode, messageId: "found", data: { name: cls.name } });
              ctx.report({ node: cls.nameNode, messageId: "found", data: { name: cls.name }, fix: { ...SAFE_FIX, applicability } });
            },
          };
        },
      });
    const result = lint([reportsFix("MEMT01", "none", "safe"), reportsFix("MEMT02", "safe", "unsafe"), reportsFix("MEMT03", "safe-or-unsafe", "unsafe"), reportsFix("MEMT04", "unsafe", "unsafe")]);
    expect(result.crashes.map((c) => c.message)).toEqual([
      'internal error in MEMT01: a fix marked safe from a rule whose meta.fix is "none"',
      'internal error in MEMT02: a fix marked unsafe from a rule whose meta.fix is "safe"',
    ]);
    expect(result.crashes.map((c) => c.path)).toEqual(["/project/tests/test_sample.py", "/project/tests/test_sample.py"]);
    const byCode = (code: string) => result.findings.filter((f) => f.code === code).map((f) => f.fix?.applicability ?? "none");
    // The crashing rules keep the finding they reported before the bad fix, and are not called for the next classes.
    expect(byCode("MEMT01")).toEqual(["none"]);
    expect(byCode("MEMT02")).toEqual(["none"]);
    expect(byCode("MEMT03")).toEqual(["none", "unsafe", "none", "unsafe", "none", "unsafe"]);
    expect(byCode("MEMT04")).toEqual(["none", "unsafe", "none", "unsafe", "none", "unsafe"]);
  });

  it("a listener that throws stops its own rule for the file; the other rules still run", () => {
    let throwingCalls = 0;
    const throwing = createRule({
      meta: meta("MEMT01"),
      create(ctx) {
        return {
          function_definition(fn) {
            throwingCalls++;
            ctx.report({ node: fn.nameNode, messageId: "found", data: { name: fn.name } });
            throw new Error(`cannot read ${fn.name}`);
          },
        };
      },
    });
    const failingCreate = createRule({
      meta: meta("MEMT02"),
      create() {
        throw new Error("no listeners");
      },
    });
    const counting = createRule({
      meta: meta("MEMT03"),
      create(ctx) {
        return {
          function_definition: (fn) => ctx.report({ node: fn.nameNode, messageId: "found", data: { name: fn.name } }),
          "module:exit": () => ctx.report({ range: { start: 0, end: 1 }, messageId: "found", data: { name: "end" } }),
        };
      },
    });
    const result = lint([throwing, failingCreate, counting]);
    expect(throwingCalls).toBe(1);
    expect(result.crashes.map((c) => c.message)).toEqual(["internal error in MEMT02: no listeners", "internal error in MEMT01: cannot read test_one"]);
    expect(result.findings.map((f) => `${f.code} ${f.message}`)).toEqual([
      "MEMT01 Found `test_one`",
      "MEMT03 Found `test_one`",
      "MEMT03 Found `helper`",
      "MEMT03 Found `test_two`",
      "MEMT03 Found `end`",
    ]);
  });

  it("gives each rule the options it declares, typed, and no other", () => {
    let options: unknown;
    const rule = createRule({
      meta: meta("MEMT01", "none", [maxMockChainDepth]),
      create(ctx) {
        const depth: number = ctx.options.maxMockChainDepth;
        // @ts-expect-error: the rule does not declare max-fixture-chain
        const undeclared: unknown = ctx.options.maxFixtureChain;
        options = { ...ctx.options, depth, undeclared };
        return {};
      },
    });
    expect(lint([rule]).crashes).toEqual([]);
    expect(options).toEqual({ maxMockChainDepth: 2, depth: 2, undeclared: undefined });
  });

  it("runs suite rules once, at suite:exit; one that throws does not stop the others", () => {
    const suiteRule = (code: string, fail: boolean) =>
      createRule({
        meta: meta(code),
        create: () => ({}),
        createSuite(ctx) {
          return {
            "suite:exit"() {
              if (fail) throw new Error("bad configuration");
              ctx.report({ file: { path: "/project/pytest.ini", text: "[pytest]\n", lines: new LineIndex("[pytest]\n") }, range: { start: 0, end: 8 }, messageId: "found", data: { name: "pytest.ini" } });
            },
          };
        },
      });
    const suite = new SuiteContext(new Project(), OPTIONS, new SuiteFacts(), []);
    const crashes = runSuiteRules(suite, new Set(["MEMT01", "MEMT02", "MEMT03"]), [suiteRule("MEMT01", true), suiteRule("MEMT02", false), suiteRule("MEMT04", false)]);
    expect(crashes.map((c) => c.message)).toEqual(["internal error in MEMT01: bad configuration"]);
    expect(suite.findings.map((f) => `${f.code} ${f.message}`)).toEqual(["MEMT02 Found `pytest.ini`"]);
  });
});
