import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compilePathRules } from "../src/config/per-file-ignores.js";
import { cli, makeTree, parseFindings } from "./helpers.js";

const FLAGGED = `import os


class TestClient:
    def test_get(self, mocker):
        mocker.patch.object(os, "getcwd", autospec=True)
`;

describe("the configuration table, in any TOML spelling", () => {
  const spellings = {
    "quoted key": "[tool.'pytest-memlint']\nselect = ['MEM103']\n",
    "inline table": "[tool]\npytest-memlint = { select = ['MEM103'] }\n",
    "dotted keys": "tool.pytest-memlint.select = ['MEM103']\n",
    "double-quoted key": '[tool."pytest-memlint"]\nselect = ["MEM103"]\n',
  };
  for (const [name, toml] of Object.entries(spellings)) {
    it(`is found in pyproject.toml: ${name}`, () => {
      const dir = makeTree({ "pyproject.toml": `${toml}\n[project]\nname = "x"\n`, "tests/test_client.py": FLAGGED });
      const r = cli(["--format", "json", "."], { cwd: path.join(dir, "tests") });
      expect(r.stderr).toBe("");
      expect(parseFindings(r.stdout).map((f) => f.code)).toEqual(["MEM103"]);
    });
  }

  it("an error in such a table still names the file and the key", () => {
    const dir = makeTree({ "pyproject.toml": "[tool]\npytest-memlint = { select = 'MEM103' }\n", "tests/test_client.py": FLAGGED });
    const r = cli(["tests"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: ${path.join(dir, "pyproject.toml")} [tool.pytest-memlint]: key 'select': expected a list of rule codes or prefixes, such as ["MEM2", "MEM301"], got "MEM103"\n`);
  });
});

describe(".gitignore files above the project", () => {
  it("do not apply when there is no git repository", () => {
    const home = makeTree({ ".gitignore": "*\n", "project/tests/test_client.py": FLAGGED });
    const r = cli(["--no-config", "--select", "MEM102", "--format", "json", "."], { cwd: path.join(home, "project") });
    expect(r.code).toBe(1);
    expect(parseFindings(r.stdout).map((f) => f.path)).toEqual(["tests/test_client.py"]);
  });

  it("apply up to the top of a git repository", () => {
    const repo = makeTree({ ".gitignore": "legacy/\n", "project/tests/legacy/test_old.py": FLAGGED, "project/tests/test_client.py": FLAGGED });
    execFileSync("git", ["init", "-q", repo]);
    const r = cli(["--no-config", "--select", "MEM102", "--format", "json", "."], { cwd: path.join(repo, "project") });
    expect(parseFindings(r.stdout).map((f) => f.path)).toEqual(["tests/test_client.py"]);
  });

  it("inside the project (the configuration file's folder) still apply without git", () => {
    const dir = makeTree({ ".pytest-memlint.toml": "select = ['MEM102']\n", ".gitignore": "legacy/\n", "tests/legacy/test_old.py": FLAGGED, "tests/test_client.py": FLAGGED });
    const r = cli(["--format", "json", "."], { cwd: path.join(dir, "tests") });
    expect(parseFindings(r.stdout).map((f) => f.path)).toEqual(["test_client.py"]);
  });
});

describe("exclude / per-file-ignores globs", () => {
  it("match in time linear in the path: no catastrophic backtracking", () => {
    const dir = makeTree({ "pyproject.toml": "" });
    const rules = compilePathRules({ exclude: ["*a*a*a*a*a*a*a*a*b"], "per-file-ignores": { "**/*a*a*a*a*a*a*a*a*b/**": ["MEM1"] } }, path.join(dir, "pyproject.toml"));
    const long = path.join(dir, "a".repeat(200), "a".repeat(3000));
    // Only a hang guard: the backtracking translation took minutes on this path.
    expect(rules.isExcluded(long)).toBe(false);
    expect(rules.ignoredCodes(long).size).toBe(0);
    expect(rules.isExcluded(path.join(dir, "aaaaaaaab"))).toBe(true);
    expect(rules.ignoredCodes(path.join(dir, "x", "aaaaaaaab", "test_x.py")).has("MEM101")).toBe(true);
  }, 30_000);

  it("keep the documented dialect", () => {
    const dir = makeTree({ "pyproject.toml": "" });
    const cfg = path.join(dir, "pyproject.toml");
    const at = (p: string) => path.join(dir, ...p.split("/"));
    const ex = (pattern: string) => (p: string) => compilePathRules({ exclude: [pattern] }, cfg).isExcluded(p);
    expect(ex("tests/**/test_*_slow.py")(at("tests/a/b/test_x_slow.py"))).toBe(true);
    expect(ex("tests/**/test_*_slow.py")(at("tests/test_x_slow.py"))).toBe(true);
    expect(ex("tests/*.py")(at("tests/a/test_x.py"))).toBe(false);
    expect(ex("test_[!a]?.py")(at("x/test_b1.py"))).toBe(true);
    expect(ex("test_[!a]?.py")(at("x/test_a1.py"))).toBe(false);
    expect(ex("test_{one,two}.py")(at("x/test_two.py"))).toBe(true);
    expect(ex("test_{one,two}.py")(at("x/test_three.py"))).toBe(false);
    expect(ex("tests/**")(at("tests/a/b.py"))).toBe(true);
    expect(ex("a\\*b.py")(at("a*b.py"))).toBe(true);
    expect(ex("a\\*b.py")(at("axb.py"))).toBe(false);
    expect(ex("[a-c]x.py")(at("bx.py"))).toBe(true);
    expect(ex("[a-c]x.py")(at("dx.py"))).toBe(false);
    expect(fs.existsSync(cfg)).toBe(true);
  });
});
