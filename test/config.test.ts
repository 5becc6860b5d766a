import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { configSchema } from "../src/config/options.js";
import { compilePathGlob, compilePathRules } from "../src/config/per-file-ignores.js";
import { ConfigError } from "../src/config/errors.js";
import { check, cli, findingLines, makeTree, parseFindings } from "./helpers.js";

const CLEAN = "def test_plain():\n    assert True\n";
const EMPTY_BASELINE = '{"version": 1, "findings": {}}\n';

/** A mock-using test class missing its xdist_group mark (MEM102) whose teardown uses gc unimported (MEM101). */
const FLAGGED = `from unittest.mock import MagicMock


class TestClient:
    def teardown_method(self):
        gc.collect()

    def test_get(self):
        assert MagicMock()
`;

interface KeyCase {
  valid: string;
  /** TOML values that must be rejected, with a fragment of what the message says was expected. */
  invalid: [string, string][];
}

/** Every key of the configuration, with a valid value and invalid ones. */
const KEYS: Record<string, KeyCase> = {
  select: { valid: '["MEM1", "MEM201"]', invalid: [['"MEM1"', "expected a list of rule codes"], ["[1]", "expected a string"], ['["MEM999"]', "unknown rule code or prefix 'MEM999' (expected a code such as MEM201"], ['["E501"]', "unknown rule code or prefix 'E501'"]] },
  ignore: { valid: '["MEM103"]', invalid: [['["MEM9"]', "unknown rule code or prefix 'MEM9'"], ["true", "expected a list of rule codes"]] },
  "extend-select": { valid: '["ALL"]', invalid: [['["X1"]', "unknown rule code or prefix 'X1'"], ["{}", "expected a list of rule codes"]] },
  exclude: { valid: '["legacy", "tests/old/**", "test_{a,b}_[!x]*.py"]', invalid: [['"legacy"', "expected a list, got \"legacy\""], ['["tests/["]', "invalid glob \"tests/[\": '[' is never closed"], ['["!legacy"]', "negation ('!') is only supported in per-file-ignores"]] },
  "per-file-ignores": {
    valid: '{ "tests/legacy/**" = ["MEM102"], "!tests/unit/*" = ["MEM1"] }',
    invalid: [
      ['{ "tests/*" = "MEM102" }', 'expected a list of rule codes, such as ["MEM201"], got "MEM102"'],
      ['["tests/*"]', "expected a table of glob = [codes]"],
      ['{ "tests/*" = ["MEM777"] }', "unknown rule code or prefix 'MEM777'"],
      ['{ "tests/{a,b" = ["MEM102"] }', "invalid glob \"tests/{a,b\": '{' is never closed"],
      ['{ "a/**b" = ["MEM102"] }', "'**' must be a whole path segment"],
    ],
  },
  baseline: { valid: '"memlint-baseline.json"', invalid: [["3", "expected a string, got 3"], ['""', 'expected a file name, got ""'], ['"missing.json"', "missing.json: baseline file not found"]] },
  "cache-dir": { valid: '"build/memlint-cache"', invalid: [["3", "expected a string, got 3"], ['" "', 'expected a folder path, got " "']] },
  "xdist-group-name": { valid: '"{stem}_group"', invalid: [["1", "expected a string, got 1"], ['""', "it is empty"]] },
  "class-hygiene-scope": { valid: '"all"', invalid: [['"some"', 'expected one of "mock-using", "all", got "some"']] },
  "accept-spec": { valid: "true", invalid: [['"yes"', 'expected true or false, got "yes"']] },
  "max-mock-chain-depth": { valid: "3", invalid: [["-1", "expected an integer >= 0, got -1"], ["1.5", "expected an integer, got 1.5"]] },
  "max-test-data": { valid: "500", invalid: [['"big"', 'expected an integer, got "big"']] },
  "max-array-elements": { valid: "1000", invalid: [["-5", "expected an integer >= 0"]] },
  "memory-marker": { valid: '"big_memory"', invalid: [['"big memory"', 'expected a Python identifier, got "big memory"'], ["[]", "expected a string, got a list"]] },
  "heavy-constructors": { valid: '["make_model"]', invalid: [['"make_model"', "expected a list"], ["[1]", "item 1: expected a string, got 1"]] },
  "closeable-constructors": { valid: '["open_db"]', invalid: [["{}", "expected a list, got a table"]] },
  "heavy-modules": { valid: '["torch"]', invalid: [['"torch"', 'expected a list, got "torch"']] },
  "max-fixture-chain": { valid: "4", invalid: [["false", "expected an integer, got false"]] },
  "max-workers": { valid: "4", invalid: [["0", "expected an integer > 0, got 0"], ['"auto"', 'expected an integer, got "auto"']] },
  "max-file-size-mb": { valid: "64", invalid: [["0", "expected an integer > 0, got 0"], ['"64"', 'expected an integer, got "64"']] },
};

/** Keys named by SPEC.md's Configuration section (any other key in the schema must come with cases too). */
const SPEC_KEYS = ["select", "ignore", "extend-select", "exclude", "per-file-ignores", "baseline", "cache-dir", "xdist-group-name", "class-hygiene-scope", "accept-spec", "max-mock-chain-depth", "max-test-data", "max-array-elements", "memory-marker", "heavy-constructors", "closeable-constructors", "heavy-modules", "max-fixture-chain", "max-workers"];

function project(configName: "pyproject.toml" | ".pytest-memlint.toml", key: string, value: string): string {
  const body = `${key} = ${value}\n`;
  return makeTree({
    [configName]: configName === "pyproject.toml" ? `[project]\nname = "x"\n\n[tool.pytest-memlint]\n${body}` : body,
    "tests/test_plain.py": CLEAN,
    "memlint-baseline.json": EMPTY_BASELINE,
  });
}

describe("configuration keys", () => {
  it("covers every key of the schema and of SPEC.md", () => {
    expect(Object.keys(KEYS).sort()).toEqual(Object.keys(configSchema.shape).sort());
    for (const key of SPEC_KEYS) expect(Object.keys(KEYS)).toContain(key);
  });

  for (const [key, c] of Object.entries(KEYS)) {
    it(`${key}: a valid value is accepted`, () => {
      const dir = project("pyproject.toml", key, c.valid);
      const r = cli(["tests"], { cwd: dir });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
    });

    for (const [value, expected] of c.invalid) {
      it(`${key} = ${value}: one line naming the file, the key and what was expected (exit 2)`, () => {
        const dir = project("pyproject.toml", key, value);
        const r = cli(["tests"], { cwd: dir });
        expect(r.code).toBe(2);
        expect(r.stdout).toBe("");
        const lines = r.stderr.trimEnd().split("\n");
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/^error: /);
        expect(lines[0]).toContain(path.join(dir, "pyproject.toml"));
        expect(lines[0]).toContain(key === "xdist-group-name" ? key : `key '${key}'`);
        expect(lines[0]).toContain(expected);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      });
    }
  }

  it("an unknown key names the file and lists the keys expected", () => {
    const dir = project(".pytest-memlint.toml", "selec", '["MEM1"]');
    const r = cli(["tests"], { cwd: dir });
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(path.join(dir, ".pytest-memlint.toml"));
    expect(lines[0]).toContain("unknown key 'selec' (expected one of: select, ignore, extend-select, exclude, per-file-ignores, baseline");
  });

  it(".pytest-memlint.toml takes the same keys at top level", () => {
    const ok = cli(["tests"], { cwd: project(".pytest-memlint.toml", "max-workers", "4") });
    expect([ok.code, ok.stderr]).toEqual([0, ""]);
    const dir = project(".pytest-memlint.toml", "max-workers", '"4"');
    const bad = cli(["tests"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${path.join(dir, ".pytest-memlint.toml")}: key 'max-workers': expected an integer, got "4"`);
  });

  it("invalid TOML names the file", () => {
    const dir = makeTree({ ".pytest-memlint.toml": "select = [\n", "tests/test_plain.py": CLEAN });
    const r = cli(["tests"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(".pytest-memlint.toml: invalid TOML");
  });

  it("--config names a file; --no-config ignores a broken one", () => {
    const dir = makeTree({ "pyproject.toml": '[tool.pytest-memlint]\nselect = ["MEM999"]\n', "conf/memlint.toml": 'select = ["MEM102"]\n', "tests/test_client.py": FLAGGED });
    expect(cli(["tests"], { cwd: dir }).code).toBe(2);
    const named = cli(["--config", "conf/memlint.toml", "--format", "json", "tests"], { cwd: dir });
    expect(named.stderr).toBe("");
    expect(findingLines(parseFindings(named.stdout))).toEqual(["tests/test_client.py:4:1 MEM102"]);
    const none = cli(["--no-config", "--select", "MEM101", "--format", "json", "tests"], { cwd: dir });
    expect(findingLines(parseFindings(none.stdout))).toEqual(["tests/test_client.py:6:9 MEM101"]);
    const missing = cli(["--config", "nope.toml", "tests"], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nope.toml");
  });
});

/** A project: config at the root, tests in folders, each test file with MEM101 and MEM102. */
function layout(config: string, extra: Record<string, string> = {}): string {
  return makeTree({
    "pyproject.toml": `[tool.pytest-memlint]\nselect = ["MEM101", "MEM102"]\n${config}`,
    "tests/test_api.py": FLAGGED,
    "tests/legacy/test_old.py": FLAGGED,
    "tests/legacy/deep/test_older.py": FLAGGED,
    "tests/unit/test_unit.py": FLAGGED,
    ...extra,
  });
}

async function filesWithFindings(cwd: string, extra: Record<string, unknown> = {}): Promise<string[]> {
  const r = await check({ cwd, paths: [], ...extra });
  expect(r.stderr).toBe("");
  return [...new Set(parseFindings(r.stdout).map((f) => f.path))];
}

describe("exclude", () => {
  it("a name without '/' excludes a folder or file of that name anywhere", async () => {
    expect(await filesWithFindings(layout('exclude = ["legacy"]\n'))).toEqual(["tests/test_api.py", "tests/unit/test_unit.py"]);
    expect(await filesWithFindings(layout('exclude = ["test_u*.py"]\n'))).toEqual(["tests/legacy/deep/test_older.py", "tests/legacy/test_old.py", "tests/test_api.py"]);
  });

  it("a pattern with '/' is relative to the configuration file's folder, wherever the run starts", async () => {
    const dir = layout('exclude = ["tests/legacy"]\n');
    expect(await filesWithFindings(dir)).toEqual(["tests/test_api.py", "tests/unit/test_unit.py"]);
    // Run from a subfolder: the configuration is found walking up, its globs stay anchored to it.
    expect(await filesWithFindings(path.join(dir, "tests"))).toEqual(["test_api.py", "unit/test_unit.py"]);
    // The same glob anchored elsewhere matches nothing.
    expect(await filesWithFindings(layout('exclude = ["legacy/deep"]\n'))).toHaveLength(4);
  });

  it("'**' spans folders, '*' does not", async () => {
    expect(await filesWithFindings(layout('exclude = ["tests/**/test_old*.py"]\n'))).toEqual(["tests/test_api.py", "tests/unit/test_unit.py"]);
    expect(await filesWithFindings(layout('exclude = ["tests/*/test_old*.py"]\n'))).toEqual(["tests/legacy/deep/test_older.py", "tests/test_api.py", "tests/unit/test_unit.py"]);
  });

  it("--config FILE anchors globs at that file's folder", async () => {
    const dir = layout("", { "conf/memlint.toml": 'exclude = ["../tests/unit"]\n' });
    expect(await filesWithFindings(dir, { config: path.join(dir, "conf/memlint.toml"), select: ["MEM102"] })).toEqual(["tests/legacy/deep/test_older.py", "tests/legacy/test_old.py", "tests/test_api.py"]);
  });

  it("a file named on the command line is always checked", async () => {
    const dir = layout('exclude = ["legacy"]\n');
    expect(await filesWithFindings(dir, { paths: ["tests/legacy/test_old.py"] })).toEqual(["tests/legacy/test_old.py"]);
  });

  it("a bad glob is one clear line, exit 2 (built CLI)", () => {
    const dir = layout('exclude = ["tests/[legacy"]\n');
    const r = cli(["."], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: ${path.join(dir, "pyproject.toml")} [tool.pytest-memlint]: key 'exclude': invalid glob "tests/[legacy": '[' is never closed (expected a glob such as "tests/legacy", "tests/**/test_*_slow.py" or "test_old_*.py")\n`);
  });
});

describe("per-file-ignores", () => {
  const codesByFile = async (cwd: string, extra: Record<string, unknown> = {}) => {
    const r = await check({ cwd, ...extra });
    expect(r.stderr).toBe("");
    return findingLines(parseFindings(r.stdout));
  };

  it("drops the ignored codes in matching files only", async () => {
    const dir = layout('[tool.pytest-memlint.per-file-ignores]\n"tests/legacy/*.py" = ["MEM102"]\n');
    expect(await codesByFile(dir)).toEqual([
      "tests/legacy/deep/test_older.py:4:1 MEM102",
      "tests/legacy/deep/test_older.py:6:9 MEM101",
      "tests/legacy/test_old.py:6:9 MEM101",
      "tests/test_api.py:4:1 MEM102",
      "tests/test_api.py:6:9 MEM101",
      "tests/unit/test_unit.py:4:1 MEM102",
      "tests/unit/test_unit.py:6:9 MEM101",
    ]);
  });

  it("a pattern matching a folder covers the files below it (`tests/legacy/*`, as in ruff)", async () => {
    const dir = layout('[tool.pytest-memlint.per-file-ignores]\n"tests/legacy/*" = ["MEM102"]\n');
    expect(await codesByFile(dir)).toEqual([
      "tests/legacy/deep/test_older.py:6:9 MEM101",
      "tests/legacy/test_old.py:6:9 MEM101",
      "tests/test_api.py:4:1 MEM102",
      "tests/test_api.py:6:9 MEM101",
      "tests/unit/test_unit.py:4:1 MEM102",
      "tests/unit/test_unit.py:6:9 MEM101",
    ]);
  });

  it("a folder pattern covers everything in it; prefixes and several codes work", async () => {
    const dir = layout('[tool.pytest-memlint.per-file-ignores]\n"tests/legacy" = ["MEM1"]\n"test_api.py" = ["MEM101", "MEM102"]\n');
    expect(await codesByFile(dir)).toEqual(["tests/unit/test_unit.py:4:1 MEM102", "tests/unit/test_unit.py:6:9 MEM101"]);
  });

  it("a leading '!' ignores the codes in files that do NOT match", async () => {
    const dir = layout('[tool.pytest-memlint.per-file-ignores]\n"!tests/unit/**" = ["MEM102"]\n');
    expect(await codesByFile(dir, { select: ["MEM102"] })).toEqual(["tests/unit/test_unit.py:4:1 MEM102"]);
  });

  it("globs are relative to the configuration file, not the working directory", async () => {
    const dir = layout('[tool.pytest-memlint.per-file-ignores]\n"tests/unit/*.py" = ["MEM1"]\n');
    expect(await codesByFile(path.join(dir, "tests", "unit"))).toEqual([]);
    expect(await codesByFile(path.join(dir, "tests", "legacy"), { select: ["MEM102"] })).toEqual(["deep/test_older.py:4:1 MEM102", "test_old.py:4:1 MEM102"]);
  });

  it("ignored findings are not fixed by --fix", async () => {
    const dir = layout('[tool.pytest-memlint.per-file-ignores]\n"tests/legacy/**" = ["MEM101"]\n');
    await check({ cwd: dir, fix: true });
    expect(fs.readFileSync(path.join(dir, "tests/legacy/test_old.py"), "utf8")).not.toContain("import gc");
    expect(fs.readFileSync(path.join(dir, "tests/test_api.py"), "utf8")).toContain("import gc");
  });

  it("matches configuration files by their path (for MEM5xx findings)", () => {
    const dir = makeTree({ "pyproject.toml": "" });
    const rules = compilePathRules({ "per-file-ignores": { "pytest.ini": ["MEM1"], "sub/tox.ini": ["MEM101"] } }, path.join(dir, "pyproject.toml"));
    expect([...rules.ignoredCodes(path.join(dir, "pytest.ini"))].sort()).toEqual(["MEM101", "MEM102", "MEM103"]);
    expect([...rules.ignoredCodes(path.join(dir, "sub", "tox.ini"))]).toEqual(["MEM101"]);
    expect([...rules.ignoredCodes(path.join(dir, "tox.ini"))]).toEqual([]);
  });
});

describe("the glob dialect", () => {
  const where = "cfg: key 'exclude'";
  const re = (p: string) => compilePathGlob(p, where, true).re;

  it("character classes, negated classes, braces and escapes", () => {
    expect(re("test_[ab].py").test("test_a.py")).toBe(true);
    expect(re("test_[!ab].py").test("test_a.py")).toBe(false);
    expect(re("test_[!ab].py").test("test_c.py")).toBe(true);
    expect(re("test_[^ab].py").test("test_c.py")).toBe(true);
    expect(re("test_{x,y}.py").test("test_y.py")).toBe(true);
    expect(re("test_(1).py").test("test_(1).py")).toBe(true);
    expect(re("test_(1).py").test("test_1.py")).toBe(false);
    expect(re("a]b").test("a]b")).toBe(true);
    expect(re("a\\*b").test("a*b")).toBe(true);
    expect(re("a\\*b").test("axb")).toBe(false);
    expect(re("a/*/c").test("a/b/c")).toBe(true);
    expect(re("a/*/c").test("a/b/x/c")).toBe(false);
    expect(re("a/[!x]/c").test("a///c")).toBe(false);
    expect(re("a/**/c").test("a/c")).toBe(true);
    expect(re("a/**/c").test("a/b/x/c")).toBe(true);
    expect(re("./a/b/").test("a/b")).toBe(true);
  });

  it("rejects malformed patterns with the reason", () => {
    for (const [p, why] of [["", "empty"], ["a[", "'[' is never closed"], ["{a", "'{' is never closed"], ["a}", "'}' has no '{'"], ["a**", "'**' must be a whole path segment"], ["[z-a]", "malformed"], ["a\\", "lone"]]) {
      expect(() => compilePathGlob(p ?? "", where, true), p).toThrow(ConfigError);
      expect(() => compilePathGlob(p ?? "", where, true), p).toThrow(why);
    }
  });
});
