import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { codeMapMarkdown, ruleMarkdown, ruleSourcePath, rulesIndexMarkdown, SYNTAX_ERROR_SOURCE } from "../src/docs.js";
import type { Rule } from "../src/engine/rule.js";
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

    it(`${code}: its module is ${ruleSourcePath(rule)}, named after its meta.name (the code map links it)`, async () => {
      expect(fs.existsSync(path.join(ROOT, ruleSourcePath(rule))), `${ruleSourcePath(rule)} is missing`).toBe(true);
      const module = (await import(`../${ruleSourcePath(rule).replace(/\.ts$/, ".js")}`)) as { default: Rule };
      expect(module.default).toBe(rule);
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

  it("docs/rules/CODES.md maps every code to its source, fixtures and page, and every link resolves", () => {
    const file = path.join(ROOT, "docs", "rules", "CODES.md");
    expect(fs.readFileSync(file, "utf8")).toBe(codeMapMarkdown());
    expect(fs.existsSync(path.join(ROOT, SYNTAX_ERROR_SOURCE))).toBe(true);
    const links = [...codeMapMarkdown().matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1] ?? "");
    expect(links.length).toBe(3 * RULES.length + 2);
    for (const link of links) expect(fs.existsSync(path.resolve(path.dirname(file), link)), link).toBe(true);
  });
});
