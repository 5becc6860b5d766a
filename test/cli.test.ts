import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, makeTree, parseFindings, type JsonFinding } from "./helpers.js";

// Mock-using (it requests `mocker`) without tripping the MEM2xx mock rules that are on by default.
const MOCK_CLASS = `import os


class TestClient:
    def test_get(self, mocker):
        mocker.patch.object(os, "getcwd", autospec=True)
`;
const CLEAN = `def test_plain():
    assert True
`;

function codes(findings: JsonFinding[]): string[] {
  return findings.map((f) => f.code);
}

describe("check: selection flags", () => {
  let dir: string;
  beforeAll(() => {
    dir = makeTree({ "tests/test_client.py": MOCK_CLASS, "tests/test_gc.py": "def test_x():\n    gc.collect()\n" });
  });

  it("reports the default rules and exits 1", () => {
    const r = cli(["--no-config", "--format", "json", "tests"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(codes(parseFindings(r.stdout))).toEqual(["MEM102", "MEM103", "MEM101"]);
  });

  it("--select replaces the selection (code, prefix, several)", () => {
    expect(codes(parseFindings(cli(["--no-config", "--format", "json", "--select", "MEM102", "tests"], { cwd: dir }).stdout))).toEqual(["MEM102"]);
    expect(codes(parseFindings(cli(["--no-config", "--format", "json", "--select", "MEM10", "tests"], { cwd: dir }).stdout))).toEqual(["MEM102", "MEM103", "MEM101"]);
    expect(codes(parseFindings(cli(["--no-config", "--format", "json", "--select", "MEM101,MEM103", "tests"], { cwd: dir }).stdout))).toEqual(["MEM103", "MEM101"]);
  });

  it("--ignore removes codes and prefixes; --extend-select adds; ALL selects everything", () => {
    expect(codes(parseFindings(cli(["--no-config", "--format", "json", "--ignore", "MEM102,MEM101", "tests"], { cwd: dir }).stdout))).toEqual(["MEM103"]);
    const none = cli(["--no-config", "--format", "json", "--ignore", "MEM1", "tests"], { cwd: dir });
    expect(parseFindings(none.stdout)).toEqual([]);
    expect(none.code).toBe(0);
    const extended = cli(["--no-config", "--format", "json", "--select", "MEM101", "--extend-select", "MEM102", "tests"], { cwd: dir });
    expect(codes(parseFindings(extended.stdout))).toEqual(["MEM102", "MEM101"]);
    const all = cli(["--no-config", "--format", "json", "--select", "ALL", "tests"], { cwd: dir });
    expect(codes(parseFindings(all.stdout))).toEqual(expect.arrayContaining(["MEM101", "MEM102", "MEM103"]));
  });

  it("an unknown code is a usage error naming it (exit 2)", () => {
    const r = cli(["--no-config", "--select", "MEM999", "tests"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("MEM999");
    expect(r.stdout).toBe("");
  });

  it("--exit-zero exits 0 with findings", () => {
    const r = cli(["--no-config", "--exit-zero", "tests"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("MEM102");
  });

  it("an unknown flag is a usage error (exit 2, one line)", () => {
    const r = cli(["--no-config", "--frobnicate", "tests"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("check: the plain form (paths, switches without a value and --format NAME, read without yargs)", () => {
  // MEM101's safe fix adds `import gc`.
  const GC_WITHOUT_IMPORT = "class TestA:\n    def test_x(self):\n        assert True\n\n    def teardown_method(self):\n        gc.collect()\n";
  // `--color auto` is the default: with it the command line goes through yargs, without it not.
  const throughYargs = (args: string[]) => [...args, "--color", "auto"];
  const tree = () => makeTree({ "tests/test_client.py": MOCK_CLASS, "tests/test_gc.py": GC_WITHOUT_IMPORT, "tests/notes.py": CLEAN });

  it("gives what yargs' parse of the same words gives", () => {
    const cases = [
      ["tests/test_gc.py"],
      ["check", "tests"],
      ["--no-cache", "-q", "tests", "tests/notes.py"],
      ["--statistics", "--exit-zero", "tests"],
      ["--no-config", "--force-exclude", "--no-cache", "tests"],
      ["--fix", "--diff", "tests"],
      ["--diff", "--unsafe-fixes", "tests"],
      // After a switch `check` is a path; `rules` first is the command, `help` anywhere is yargs' help.
      ["--no-cache", "check", "tests"],
      ["check", "rules"],
      ["tests", "help"],
      ["123"],
      ["--format", "json", "tests", "--exit-zero"],
      ["check", "--format=sarif", "tests/test_gc.py"],
      ["--format", "json", "--format", "json", "tests"],
      ["--format", "json:out.json", "tests"],
      ["--format", "tests"],
    ];
    for (const args of cases) {
      const dir = tree();
      expect({ args, ...cli(args, { cwd: dir }) }).toEqual({ args, ...cli(throughYargs(args), { cwd: dir }) });
    }
  });

  it("--fix writes the same files as through yargs", () => {
    const [a, b] = [tree(), tree()];
    const plain = cli(["--fix", "tests"], { cwd: a });
    const parsed = cli(throughYargs(["--fix", "tests"]), { cwd: b });
    expect(plain).toEqual(parsed);
    const fixed = fs.readFileSync(path.join(a, "tests/test_gc.py"), "utf8");
    expect(fixed).not.toBe(GC_WITHOUT_IMPORT);
    expect(fixed).toBe(fs.readFileSync(path.join(b, "tests/test_gc.py"), "utf8"));
  });
});

describe("check: output", () => {
  let dir: string;
  beforeAll(() => {
    dir = makeTree({ "test_client.py": MOCK_CLASS, "test_clean.py": CLEAN });
  });

  it("text: ruff's layout, [*] for safe fixes, and a summary", () => {
    const r = cli(["--no-config"], { cwd: dir });
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split("\n");
    // Each finding: its line, its severity and rule name, and what its fix does.
    expect(lines[0]).toBe("test_client.py:4:1: MEM102 [*] Test class `TestClient` has no `xdist_group` mark; its tests spread over every xdist worker");
    expect(lines[1]).toBe("  warning: missing-xdist-group");
    expect(lines[2]).toMatch(/^ {2}help: Add @pytest\.mark\.xdist_group\(name=/);
    expect(lines[3]).toBe("test_client.py:4:1: MEM103 [*] Test class `TestClient` has no `teardown_method` that calls `gc.collect()`");
    expect(lines[4]).toBe("  warning: missing-gc-teardown");
    expect(lines[5]).toBe("  help: Add a `teardown_method` that calls `gc.collect()`");
    expect(lines.at(-1)).toBe("Found 2 findings (2 fixable with --fix).");
  });

  it("--quiet prints the findings without the summary", () => {
    const r = cli(["--no-config", "--quiet"], { cwd: dir });
    expect(r.stdout.trim().split("\n").filter((l) => !l.startsWith("  "))).toHaveLength(2);
    expect(r.stdout).not.toContain("Found");
  });

  it("a clean run says so and exits 0", () => {
    const r = cli(["--no-config", "test_clean.py"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe("All checks passed!");
  });

  it("--color always colours, never does not; the excerpt is for terminals only", () => {
    const coloured = cli(["--no-config", "--color", "always"], { cwd: dir });
    expect(coloured.stdout).toContain("\u001b[");
    expect(coloured.stdout).not.toContain("^^^");
    const plain = cli(["--no-config", "--color", "never"], { cwd: dir });
    expect(plain.stdout).not.toContain("\u001b[");
    expect(plain.stdout).not.toContain("^^^");
  });

  it("json: one array with exactly the fields of the contract", () => {
    const r = cli(["--no-config", "--format", "json"], { cwd: dir });
    const findings = parseFindings(r.stdout);
    expect(findings).toHaveLength(2);
    const f = findings[0] as JsonFinding;
    expect(Object.keys(f).sort()).toEqual(["code", "column", "endColumn", "endLine", "fix", "line", "message", "name", "path", "severity", "url"].sort());
    expect(f).toMatchObject({ code: "MEM102", name: "missing-xdist-group", severity: "warning", path: "test_client.py", line: 4, column: 1, endLine: 4, endColumn: 17 });
    expect(f.url).toMatch(/docs\/rules\/MEM102\.md$/);
    expect(f.fix?.applicability).toBe("safe");
    expect(f.fix?.edits).toContainEqual({ line: 4, column: 1, endLine: 4, endColumn: 1, content: '@pytest.mark.xdist_group(name="client_tests")\n' });
  });

  it("json columns count characters, not UTF-16 units or bytes", () => {
    const d = makeTree({ "test_u.py": `s = "😀😀"; import os\n\nclass TestX:\n    def test_a(self):\n        gc.collect()\n` });
    const f = parseFindings(cli(["--no-config", "--format", "json", "--select", "MEM101"], { cwd: d }).stdout)[0];
    expect(f).toMatchObject({ line: 5, column: 9, endColumn: 11 });
    const g = makeTree({ "test_u.py": `x = "😀"; gc.collect()\n` });
    expect(parseFindings(cli(["--no-config", "--format", "json", "--select", "MEM101"], { cwd: g }).stdout)[0]).toMatchObject({ line: 1, column: 10, endColumn: 12 });
  });

  it("--output-file writes the report there and nothing to stdout", () => {
    const out = path.join(dir, "report.json");
    const r = cli(["--no-config", "--format", "json", "--output-file", out], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(parseFindings(fs.readFileSync(out, "utf8"))).toHaveLength(2);
  });
});

describe("check: discovery", () => {
  it("finds test files and conftest.py by pytest's patterns, sorted, skipping default and ignored folders", () => {
    const body = "def test_x():\n    gc.collect()\n";
    const dir = makeTree({
      "b/test_b.py": body,
      "a/test_a.py": body,
      "a/z_test.py": body,
      "a/conftest.py": "def helper():\n    gc.collect()\n",
      "a/helpers.py": body,
      "a/tests.py": body,
      ".venv/lib/test_venv.py": body,
      "node_modules/x/test_nm.py": body,
      "build/test_build.py": body,
      "__pycache__/test_cache.py": body,
      "ignored/test_ignored.py": body,
      ".gitignore": "ignored/\n",
    });
    const r = cli(["--no-config", "--format", "json", "--select", "MEM101"], { cwd: dir });
    expect(parseFindings(r.stdout).map((f) => f.path)).toEqual(["a/conftest.py", "a/test_a.py", "a/z_test.py", "b/test_b.py"]);
  });

  it("walks hidden folders, lists symlinked files and hidden or odd names, but does not follow symlinked folders", () => {
    const body = "def test_x():\n    gc.collect()\n";
    const dir = makeTree({ ".hidden/test_h.py": body, "real/test_r.py": body, "odd/test_[a] b.py": body, "Build/test_case.py": body, "real/test_upper.PY": body });
    fs.symlinkSync("real", path.join(dir, "linked"));
    fs.symlinkSync(path.join("real", "test_r.py"), path.join(dir, "test_link.py"));
    fs.mkdirSync(path.join(dir, "test_folder.py"));
    const r = cli(["--no-config", "--format", "json", "--select", "MEM101"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(parseFindings(r.stdout).map((f) => f.path)).toEqual([".hidden/test_h.py", "Build/test_case.py", "odd/test_[a] b.py", "real/test_r.py", "test_link.py"]);
  });

  it("python_files from the pytest configuration decide what a test file is", () => {
    const body = "def test_x():\n    gc.collect()\n";
    const dir = makeTree({ "pytest.ini": "[pytest]\npython_files = check_*.py\n", "check_a.py": body, "test_a.py": body });
    expect(parseFindings(cli(["--no-config", "--format", "json", "--select", "MEM101"], { cwd: dir }).stdout).map((f) => f.path)).toEqual(["check_a.py"]);
  });

  it("a file named on the command line is always checked, even when excluded or not a test file", () => {
    const body = "def test_x():\n    gc.collect()\n";
    const dir = makeTree({ "build/helpers.py": body, ".gitignore": "build/\n" });
    const r = cli(["--no-config", "--format", "json", "--select", "MEM101", "build/helpers.py"], { cwd: dir });
    expect(parseFindings(r.stdout).map((f) => f.path)).toEqual(["build/helpers.py"]);
  });

  it("each file is reported once when paths overlap", () => {
    const dir = makeTree({ "t/test_a.py": "def test_x():\n    gc.collect()\n" });
    const r = cli(["--no-config", "--format", "json", "t", "t/test_a.py", "."], { cwd: dir });
    expect(parseFindings(r.stdout)).toHaveLength(1);
  });
});

describe("check: bad input never stops the run", () => {
  it("a path that does not exist: one line, exit 2, the other paths still checked", () => {
    const dir = makeTree({ "test_a.py": "def test_x():\n    gc.collect()\n" });
    const r = cli(["--no-config", "--format", "json", "missing_dir", "test_a.py"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual(["error: missing_dir: no such file or directory"]);
    expect(parseFindings(r.stdout)).toHaveLength(1);
  });

  it("a syntax error gives MEM000 at the first error and the rules still run", () => {
    const dir = makeTree({ "test_bad.py": "def test_a(:\n    pass\n\n\ndef test_b():\n    gc.collect()\n" });
    const r = cli(["--no-config", "--format", "json"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    const findings = parseFindings(r.stdout);
    expect(findings.map((f) => `${f.code}:${f.line}`)).toEqual(["MEM000:1", "MEM101:6"]);
    expect(findings[0]?.name).toBe("syntax-error");
  });

  it("--fix leaves a file with syntax errors alone", () => {
    const source = "from unittest.mock import MagicMock\n\nclass TestA:\n    def test_a(self:\n        MagicMock()\n";
    const dir = makeTree({ "test_bad.py": source });
    cli(["--no-config", "--fix"], { cwd: dir });
    expect(fs.readFileSync(path.join(dir, "test_bad.py"), "utf8")).toBe(source);
  });

  it("non-UTF-8 without a coding declaration, binary, unknown codec: one line each, exit 2, others checked", () => {
    const dir = makeTree({
      "test_latin.py": Buffer.from("# caf\xe9\ndef test_x():\n    pass\n", "latin1"),
      "test_binary.py": Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01]),
      "test_codec.py": "# -*- coding: klingon -*-\ndef test_x():\n    pass\n",
      "test_ok.py": "def test_x():\n    gc.collect()\n",
    });
    const r = cli(["--no-config", "--format", "json"], { cwd: dir });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^error: test_binary\.py: binary file/);
    expect(lines[1]).toMatch(/^error: test_codec\.py: unknown encoding 'klingon'/);
    expect(lines[2]).toMatch(/^error: test_latin\.py: not valid UTF-8 \(byte 0xe9 at offset 5\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(parseFindings(r.stdout).map((f) => f.path)).toEqual(["test_ok.py"]);
  });

  it("a declared latin-1 file is read", () => {
    const dir = makeTree({ "test_latin.py": Buffer.from("# -*- coding: latin-1 -*-\n# caf\xe9\ndef test_x():\n    gc.collect()\n", "latin1") });
    const r = cli(["--no-config", "--format", "json"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(parseFindings(r.stdout)[0]).toMatchObject({ code: "MEM101", line: 4 });
  });

  it("an empty file is fine", () => {
    const dir = makeTree({ "test_empty.py": "" });
    const r = cli(["--no-config"], { cwd: dir });
    expect(r.code).toBe(0);
  });

  it("a symlink loop and a dangling symlink: one line each, exit 2", () => {
    const dir = makeTree({ "test_ok.py": "def test_x():\n    pass\n" });
    fs.symlinkSync("test_loop_b.py", path.join(dir, "test_loop_a.py"));
    fs.symlinkSync("test_loop_a.py", path.join(dir, "test_loop_b.py"));
    fs.symlinkSync("nowhere.py", path.join(dir, "test_dangling.py"));
    fs.mkdirSync(path.join(dir, "sub"));
    fs.symlinkSync("..", path.join(dir, "sub", "up"));
    const r = cli(["--no-config"], { cwd: dir });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n").sort();
    expect(lines).toEqual([
      "error: test_dangling.py: no such file or directory",
      "error: test_loop_a.py: too many levels of symbolic links (a symlink loop)",
      "error: test_loop_b.py: too many levels of symbolic links (a symlink loop)",
    ]);
  });

  it("a huge file (tens of MB) and deeply nested code are linted without a stack overflow", () => {
    const parts = ["from unittest.mock import MagicMock\n\n\n"];
    const classes = 20_000;
    for (let n = 0; n < classes; n++) parts.push(`class TestA${n}:\n    def test_a(self):\n        m = MagicMock()\n\n\n`);
    let size = parts.reduce((a, p) => a + p.length, 0);
    for (let n = 0; size < 20_000_000; n++) {
      const fn = `def test_plain_${n}():\n    assert ${n} + 1 > ${n}\n\n\n`;
      parts.push(fn);
      size += fn.length;
    }
    const depth = 3000;
    const nested = `def test_deep():\n    x = ${"(".repeat(depth)}1${")".repeat(depth)}\n    y = ${"[".repeat(depth)}${"]".repeat(depth)}\n    gc.collect()\n`;
    const dir = makeTree({ "test_huge.py": parts.join(""), "test_nested.py": nested });
    const r = cli(["--no-config", "--format", "json", "--select", "MEM101,MEM102"], { cwd: dir, timeout: 400_000 });
    expect(r.stderr).toBe("");
    const findings = parseFindings(r.stdout);
    expect(findings.filter((f) => f.path === "test_huge.py").length).toBe(classes);
    expect(findings.filter((f) => f.path === "test_nested.py").map((f) => f.code)).toEqual(["MEM101"]);
  }, 420_000);
});

describe("configuration", () => {
  it("is found walking up from the working directory, and flags override it", () => {
    const dir = makeTree({
      "pyproject.toml": '[tool.pytest-memlint]\nselect = ["MEM103"]\n',
      "pkg/tests/test_a.py": MOCK_CLASS,
    });
    const cwd = path.join(dir, "pkg");
    expect(codes(parseFindings(cli(["--format", "json"], { cwd }).stdout))).toEqual(["MEM103"]);
    expect(codes(parseFindings(cli(["--format", "json", "--select", "MEM102"], { cwd }).stdout))).toEqual(["MEM102"]);
    expect(codes(parseFindings(cli(["--format", "json", "--no-config"], { cwd }).stdout))).toEqual(["MEM102", "MEM103"]);
  });

  it(".pytest-memlint.toml uses the same keys at top level; --config names a file", () => {
    const dir = makeTree({ ".pytest-memlint.toml": 'ignore = ["MEM103"]\n', "other.toml": 'select = ["MEM103"]\n', "test_a.py": MOCK_CLASS });
    expect(codes(parseFindings(cli(["--format", "json"], { cwd: dir }).stdout))).toEqual(["MEM102"]);
    expect(codes(parseFindings(cli(["--format", "json", "--config", "other.toml"], { cwd: dir }).stdout))).toEqual(["MEM103"]);
  });

  it("an unknown key, a wrong type, an unknown code: one line naming file and key, exit 2", () => {
    for (const [toml, expected] of [
      ["colour = true\n", /\.pytest-memlint\.toml: unknown key 'colour'/],
      ['max-workers = "eight"\n', /\.pytest-memlint\.toml: key 'max-workers': expected/],
      ['select = ["MEM9"]\n', /\.pytest-memlint\.toml: key 'select': unknown rule code or prefix 'MEM9'/],
      ['class-hygiene-scope = "some"\n', /key 'class-hygiene-scope'/],
      ["select = [\n", /\.pytest-memlint\.toml: invalid TOML/],
    ] as const) {
      const dir = makeTree({ ".pytest-memlint.toml": toml, "test_a.py": MOCK_CLASS });
      const r = cli([], { cwd: dir });
      expect(r.code, toml).toBe(2);
      expect(r.stderr.trim().split("\n"), toml).toHaveLength(1);
      expect(r.stderr, toml).toMatch(expected);
      expect(r.stdout).toBe("");
    }
  });

  it("a group name holding a quote, a backslash, a newline or @, or an empty one, is a configuration error", () => {
    for (const bad of ['a"b', "a'b", "a\\b", "x@y", ""]) {
      const dir = makeTree({ "test_a.py": MOCK_CLASS });
      const r = cli(["--fix", "--xdist-group-name", bad], { cwd: dir });
      expect(r.code, bad).toBe(2);
      expect(r.stderr, bad).toMatch(/^error: --xdist-group-name .* cannot be used/);
      expect(fs.readFileSync(path.join(dir, "test_a.py"), "utf8")).toBe(MOCK_CLASS);
    }
    const dir = makeTree({ ".pytest-memlint.toml": 'xdist-group-name = "x\\ny"\n', "test_a.py": MOCK_CLASS });
    const r = cli(["--fix"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\.pytest-memlint\.toml: xdist-group-name .* it holds a newline/);
  });
});

describe("rules", () => {
  it("lists every rule", () => {
    const r = cli(["rules"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^MEM101 {2}missing-gc-import/m);
    expect(r.stdout).toMatch(/^MEM103 {2}missing-gc-teardown/m);
  });

  it("shows one rule's documentation, by code or name", () => {
    const r = cli(["rules", "MEM102"]);
    expect(r.code).toBe(0);
    for (const section of ["# MEM102 missing-xdist-group", "## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Fix safety", "## Options"]) expect(r.stdout).toContain(section);
    expect(cli(["rules", "missing-gc-import"]).stdout).toContain("# MEM101");
    const bad = cli(["rules", "MEM999"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe("error: unknown rule 'MEM999' (see 'pytest-memlint rules')");
  });
});

describe("--jobs", () => {
  it("worker threads give the same findings, errors and fixes as one thread", () => {
    const files: Record<string, string | Buffer> = { "pytest.ini": "[pytest]\naddopts = -n auto\n" };
    for (let i = 0; i < 40; i++) files[`tests/test_m${String(i).padStart(2, "0")}.py`] = MOCK_CLASS.replace("TestClient", `TestClient${i}`) + "\n\ndef test_gc():\n    gc.collect()\n";
    files["tests/test_zz_binary.py"] = Buffer.from([0, 1, 2]);
    const one = makeTree(files);
    const two = makeTree(files);
    const a = cli(["--no-config", "--format", "json"], { cwd: one });
    const b = cli(["--no-config", "--format", "json", "--jobs", "2"], { cwd: two });
    expect(b.code).toBe(a.code);
    expect(b.stderr).toBe(a.stderr);
    expect(b.stdout).toBe(a.stdout);
    expect(parseFindings(a.stdout).length).toBeGreaterThan(120);
    const fixA = cli(["--no-config", "--fix", "--jobs", "1"], { cwd: one });
    const fixB = cli(["--no-config", "--fix", "-j", "2"], { cwd: two });
    expect(fixB.stdout).toBe(fixA.stdout);
    for (const rel of Object.keys(files)) expect(fs.readFileSync(path.join(two, rel)).equals(fs.readFileSync(path.join(one, rel))), rel).toBe(true);
    expect(cli(["--no-config", "--jobs", "many"], { cwd: one }).code).toBe(2);
  });

  it("by default checks a large run on one worker per CPU, with output byte-identical to --jobs 1 in every format", () => {
    const files: Record<string, string | Buffer> = { "pytest.ini": "[pytest]\naddopts = -n auto\n", "tests/conftest.py": "import pytest\n" };
    for (let i = 0; i < 120; i++) files[`tests/sub${i % 3}/test_m${String(i).padStart(3, "0")}.py`] = MOCK_CLASS.replace("TestClient", `TestClient${i}`) + "\n\ndef test_gc():\n    gc.collect()\n";
    files["tests/test_zz_binary.py"] = Buffer.from([0, 1, 2]);
    const cwd = makeTree(files);
    for (const format of ["json", "text", "sarif"]) {
      const one = cli(["--no-config", "--format", format, "--jobs", "1"], { cwd });
      const all = cli(["--no-config", "--format", format], { cwd });
      expect(all.code, format).toBe(one.code);
      expect(all.stderr, format).toBe(one.stderr);
      expect(all.stdout, format).toBe(one.stdout);
    }
    expect(parseFindings(cli(["--no-config", "--format", "json"], { cwd }).stdout).length).toBeGreaterThan(360);
  }, 300_000);
});
