/** Format choices on the command line: validation, the ruff spelling, colours from the environment, `rules --format json`. */
import { describe, expect, it } from "vitest";
import { RULES } from "../src/rules/index.js";
import { cli, makeTree } from "./helpers.js";

const MOCK = "from unittest.mock import MagicMock\n\n\nclass TestThing:\n    def test_it(self):\n        assert MagicMock()\n";
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[\d+m/;

describe("--format", () => {
  it("a value that is not a format is one error line listing the valid ones (exit 2)", () => {
    const r = cli(["check", "--format", "xml", "."], { cwd: makeTree({ "test_a.py": MOCK }) });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: .*format.*"xml"/);
    for (const f of ["text", "json", "sarif", "github", "junit", "gitlab"]) expect(r.stderr).toContain(`"${f}"`);
  });

  it("--output-format is the same option, as ruff spells it", () => {
    const cwd = makeTree({ "test_a.py": MOCK });
    const a = cli(["check", "--format", "json"], { cwd });
    const b = cli(["check", "--output-format", "json"], { cwd });
    expect(a.code).toBe(1);
    expect(b.code).toBe(1);
    expect(b.stdout).toBe(a.stdout);
    expect(JSON.parse(b.stdout)).not.toEqual([]);
  });
});

describe("colours from the environment (--color auto)", () => {
  const cwd = makeTree({ "test_a.py": MOCK });
  const text = (env: NodeJS.ProcessEnv) => cli(["check"], { cwd, env: { NO_COLOR: "", FORCE_COLOR: undefined, ...env } }).stdout;

  it("a pipe gets plain text; FORCE_COLOR colours it; NO_COLOR and FORCE_COLOR=0 keep it plain", () => {
    expect(text({})).not.toMatch(ANSI);
    expect(text({ FORCE_COLOR: "1" })).toMatch(ANSI);
    expect(text({ FORCE_COLOR: "" })).toMatch(ANSI);
    expect(text({ FORCE_COLOR: "0" })).not.toMatch(ANSI);
    expect(text({ FORCE_COLOR: "1", NO_COLOR: "1" })).not.toMatch(ANSI);
    // The words are the same either way.
    expect(text({ FORCE_COLOR: "1" }).replace(new RegExp(ANSI.source, "g"), "")).toBe(text({}));
  });
});

describe("rules --format json", () => {
  it("lists every rule with its metadata and documentation link", () => {
    const r = cli(["rules", "--format", "json"]);
    expect(r.code).toBe(0);
    const rules = JSON.parse(r.stdout) as { code: string; name: string; severity: string; fix: string; enabledByDefault: boolean; summary: string; url: string }[];
    expect(rules.map((x) => x.code)).toEqual(RULES.map((x) => x.meta.code));
    for (const rule of RULES) {
      const x = rules.find((y) => y.code === rule.meta.code);
      expect(x).toMatchObject({ name: rule.meta.name, severity: rule.meta.severity, fix: rule.meta.fix, enabledByDefault: rule.meta.enabledByDefault, summary: rule.meta.summary });
      expect(x?.url).toMatch(new RegExp(`/docs/rules/${rule.meta.code}\\.md$`));
    }
  });

  it("one rule by code or name; an unknown one is an error", () => {
    const first = RULES[0]?.meta;
    if (!first) throw new Error("no rules");
    const byCode = JSON.parse(cli(["rules", first.code.toLowerCase(), "--output-format", "json"]).stdout) as { code: string }[];
    expect(byCode.map((x) => x.code)).toEqual([first.code]);
    const byName = JSON.parse(cli(["rules", first.name, "--format", "json"]).stdout) as { code: string }[];
    expect(byName.map((x) => x.code)).toEqual([first.code]);
    const unknown = cli(["rules", "MEM999", "--format", "json"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("error: unknown rule 'MEM999' (see 'pytest-memlint rules')\n");
  });
});
