import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ruleMarkdown, rulesIndexMarkdown } from "../src/docs.js";
import { RULES } from "../src/rules/index.js";
import { FIXTURES, ROOT } from "./helpers.js";

describe("rule registry, docs and fixtures stay in step", () => {
  it("codes and names are unique and well formed", () => {
    const codes = RULES.map((r) => r.meta.code);
    const names = RULES.map((r) => r.meta.name);
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(names).size).toBe(names.length);
    for (const r of RULES) {
      expect(r.meta.code).toMatch(/^MEM[1-9]\d\d$/);
      expect(r.meta.name).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
    }
  });

  for (const rule of RULES) {
    const { code } = rule.meta;
    it(`${code}: docs/rules/${code}.md is generated from the metadata (npm run docs)`, () => {
      const file = path.join(ROOT, "docs", "rules", `${code}.md`);
      expect(fs.existsSync(file)).toBe(true);
      expect(fs.readFileSync(file, "utf8")).toBe(ruleMarkdown(rule));
    });

    it(`${code}: has every documentation section`, () => {
      const d = rule.meta.docs;
      for (const section of [d.whatItDoes, d.whyIsThisBad, d.example, d.useInstead]) expect(section.trim()).not.toBe("");
      if (rule.meta.fix !== "none") expect(d.fixSafety?.trim() ?? "").not.toBe("");
      for (const messageId of Object.keys(rule.meta.messages)) expect(rule.meta.messages[messageId]).toBeTruthy();
    });

    it(`${code}: has fixtures that flag and fixtures that stay clean${rule.meta.fix !== "none" ? ", and expected fixed output" : ""}`, () => {
      const dir = path.join(FIXTURES, "rules", code);
      expect(fs.existsSync(dir), `fixtures/rules/${code}/ is missing`).toBe(true);
      const expectations = fs.readdirSync(dir).filter((n) => n.endsWith(".expected")).map((n) => fs.readFileSync(path.join(dir, n), "utf8"));
      expect(expectations.some((t) => t.includes(` ${code}`)), "no flagged case").toBe(true);
      expect(expectations.some((t) => t.trim() === ""), "no clean case").toBe(true);
      if (rule.meta.fix !== "none") expect(fs.readdirSync(dir).some((n) => n.endsWith(".fixed"))).toBe(true);
    });
  }

  it("docs/rules/README.md lists every rule", () => {
    expect(fs.readFileSync(path.join(ROOT, "docs", "rules", "README.md"), "utf8")).toBe(rulesIndexMarkdown());
  });
});
