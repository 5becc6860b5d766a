/**
 * Reading pytest's configuration as pytest does (ini dialect of its `iniconfig` parser, TOML tables,
 * which file applies), `addopts` split as `shlex.split` splits it, pytest-xdist's options read as
 * argparse reads them, malformed files, and the end-to-end scenario of issue 5 (MEM501/MEM502).
 *
 * The expected values below were checked against pytest 9 itself (`iniconfig`, `shlex.split`,
 * `_pytest.config.findpaths.locate_config`) on the same inputs.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { IniParseError, parseIni } from "../src/config/ini.js";
import { optionLines, optionWords, parsePytestConfig, PytestConfigError, PytestConfigFinder, shlexSplit } from "../src/config/pytest-config.js";
import { effectiveDist, parseAddoptsWords, parseXdistOptions, startsWorkers } from "../src/config/addopts.js";
import { OverlayProject } from "../src/server/overlay-project.js";
import { cli, makeTree, parseFindings } from "./helpers.js";

function section(text: string, name = "pytest") {
  const found = parseIni(text).find((s) => s.name === name);
  if (!found) throw new Error(`no [${name}]`);
  return found;
}

function iniError(text: string): IniParseError {
  try {
    parseIni(text);
  } catch (e) {
    if (e instanceof IniParseError) return e;
    throw e;
  }
  throw new Error("parsed without error");
}

describe("ini files as pytest's iniconfig reads them", () => {
  it("joins continuation lines with newlines, skipping blank and comment lines", () => {
    const s = section("[pytest]\naddopts =\n    -n 4\n\n    ; workers\n    # more\n    --dist loadgroup\ntestpaths = tests\n");
    expect(s.values.get("addopts")).toEqual({ value: "-n 4\n--dist loadgroup", line: 2 });
    expect(s.values.get("testpaths")).toEqual({ value: "tests", line: 8 });
  });

  it("reads markers as a multi-line value, one marker a line", () => {
    const s = section("[pytest]\nmarkers =\n    slow: slow tests\n    memory_intensive(limit): big\n\n    performance\n");
    expect(optionLines({ value: s.values.get("markers")?.value ?? "", line: 2 })).toEqual(["slow: slow tests", "memory_intensive(limit): big", "performance"]);
  });

  it("keeps inline comments in the value, as pytest does", () => {
    expect(section("[pytest]\naddopts = -n 4  # was 64\n").values.get("addopts")?.value).toBe("-n 4  # was 64");
    expect(section("[pytest]\nk=a;b#c\n").values.get("k")?.value).toBe("a;b#c");
  });

  it("drops comments after a section header, and accepts `key: value`", () => {
    const s = section("[pytest] ; the pytest section\nkey: value = 3\nurl = http://example.org\n");
    expect(s.values.get("key")?.value).toBe("value = 3");
    expect(s.values.get("url")?.value).toBe("http://example.org");
  });

  it("keeps the section name as written: `[ pytest ]` is not `[pytest]`", () => {
    expect(parseIni("[ pytest ]\naddopts = -n 4\n").map((s) => s.name)).toEqual([" pytest "]);
  });

  it("reads CRLF files and tab-indented continuations", () => {
    const s = section("[pytest]\r\naddopts =\r\n\t-n 2\r\nmarkers = a\r\n");
    expect(s.values.get("addopts")).toEqual({ value: "-n 2", line: 2 });
    expect(s.values.get("markers")).toEqual({ value: "a", line: 4 });
  });

  it("a `[` line that does not close is a continuation line, as in iniconfig", () => {
    expect(section("[pytest]\nkey =\n  [not a section\n").values.get("key")?.value).toBe("[not a section");
  });

  it.each([
    ["[pytest]\n  cont\n", 2, /continuation/],
    ["a = 1\n[pytest]\n", 1, /no section header/],
    ["[pytest]\na = 1\na = 2\n", 3, /duplicate name 'a'/],
    ["[pytest]\n[pytest]\n", 2, /duplicate section/],
    ["[]\n", 1, /empty section name/],
    ["[pytest]\nnoequals\n", 2, /unexpected line/],
  ])("refuses what pytest refuses: %j", (text, line, message) => {
    const e = iniError(text);
    expect(e.line).toBe(line);
    expect(e.message).toMatch(message);
  });
});

describe("TOML configuration", () => {
  it("[tool.pytest.ini_options]: strings and lists as written, scalars as Python prints them, key lines", () => {
    const text = '[project]\nname = "x"\n\n[tool.pytest.ini_options]\nminversion = 7.0\nxfail_strict = true\naddopts = "-n 4"\nmarkers = [\n  "slow: slow",\n]\n';
    const c = parsePytestConfig("/p/pyproject.toml", text);
    expect(c?.nativeToml).toBe(false);
    expect(c?.headerLine).toBe(4);
    expect(c?.options.get("xfail_strict")).toEqual({ value: "True", line: 6 });
    expect(c?.options.get("addopts")).toEqual({ value: "-n 4", line: 7 });
    expect(c?.options.get("markers")).toEqual({ value: ["slow: slow"], line: 8 });
  });

  it("[tool.pytest] is native TOML (pytest 9): lists as they are", () => {
    const c = parsePytestConfig("/p/pyproject.toml", '[tool.pytest]\naddopts = ["-n", "auto"]\n');
    expect(c?.nativeToml).toBe(true);
    expect(optionWords(c?.options.get("addopts"))).toEqual(["-n", "auto"]);
  });

  it("pyproject.toml without pytest options is not a pytest configuration; pytest.toml always is", () => {
    expect(parsePytestConfig("/p/pyproject.toml", '[project]\nname = "x"\n')).toBeNull();
    expect(parsePytestConfig("/p/pyproject.toml", "[tool.pytest]\n")).toBeNull();
    expect(parsePytestConfig("/p/pyproject.toml", "[tool.pytest.ini_options]\n")?.options.size).toBe(0);
    expect(parsePytestConfig("/p/pytest.toml", "")?.kind).toBe("pytest.toml");
    expect(parsePytestConfig("/p/pytest.ini", "")?.kind).toBe("pytest.ini");
  });

  it("[tool.pytest.ini_options] beside other [tool.pytest] keys or tables: read as pytest 8 reads it, with a warning", () => {
    const text = '[tool.pytest.ini_options]\npython_classes = "*Tests"\n\n[tool.pytest.timeout]\nseconds = 3\n';
    const config = parsePytestConfig("/p/pyproject.toml", text);
    expect(config?.nativeToml).toBe(false);
    expect(config?.options.get("python_classes")?.value).toBe("*Tests");
    expect(config?.warning).toEqual({ line: 1, detail: "[tool.pytest.ini_options] beside [tool.pytest.timeout]: read as pytest 8 reads it (the ini_options); pytest 9 refuses this file" });
    const scalar = parsePytestConfig("/p/pyproject.toml", '[tool.pytest]\naddopts = ["-q"]\n\n[tool.pytest.ini_options]\naddopts = "-x"\n');
    expect(scalar?.options.get("addopts")?.value).toBe("-x");
    expect(scalar?.warning?.detail).toMatch(/^\[tool\.pytest\.ini_options\] beside tool\.pytest\.addopts:/);
    // pytest 9 reads [tool.pytest] alone, and an empty ini_options beside it, without complaint.
    expect(parsePytestConfig("/p/pyproject.toml", '[tool.pytest]\naddopts = ["-q"]\n[tool.pytest.ini_options]\n')?.warning).toBeUndefined();
  });

  it("invalid TOML is a configuration error with its line", () => {
    let error: unknown;
    try {
      parsePytestConfig("/p/pyproject.toml", '[tool.pytest.ini_options]\naddopts = "-n 4\n');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PytestConfigError);
    expect((error as PytestConfigError).line).toBe(2);
    expect((error as PytestConfigError).message).toMatch(/^\/p\/pyproject\.toml:2: invalid TOML/);
  });
});

describe("which configuration applies", () => {
  it("takes the first folder at or above holding one, and in a folder pytest's order of files", () => {
    const root = makeTree({
      "tox.ini": "[pytest]\naddopts = -q\n",
      "pyproject.toml": '[project]\nname = "x"\n',
      "setup.cfg": "[flake8]\nmax-line-length = 100\n",
      "a/pytest.ini": "",
      "a/pyproject.toml": "[tool.pytest.ini_options]\naddopts = '-x'\n",
      "a/b/test_x.py": "",
      "c/setup.cfg": "[tool:pytest]\naddopts = -v\n",
      "c/tox.ini": "[tox]\nenvlist = py\n",
    });
    const finder = new PytestConfigFinder();
    expect(finder.forDir(root)?.path).toBe(path.join(root, "tox.ini"));
    expect(finder.forDir(path.join(root, "a", "b"))?.path).toBe(path.join(root, "a", "pytest.ini"));
    expect(finder.forDir(path.join(root, "c"))?.path).toBe(path.join(root, "c", "setup.cfg"));
  });

  it("throws the same error for every lookup of a malformed file", () => {
    const root = makeTree({ "pytest.ini": "[pytest]\n  oops\n", "x/y/.keep": "" });
    const finder = new PytestConfigFinder();
    expect(() => finder.forDir(root)).toThrow(/pytest\.ini:2: unexpected value continuation/);
    expect(() => finder.forDir(path.join(root, "x", "y"))).toThrow(PytestConfigError);
  });

  it("in the editor, a configuration open and never saved applies; a folder without one on disk or open has none", () => {
    const root = makeTree({ "pyproject.toml": '[project]\nname = "x"\n', "a/test_x.py": "", "b/test_y.py": "" });
    const unsaved = path.join(root, "a", "pytest.ini");
    const project = new OverlayProject((file) => (file === unsaved ? "[pytest]\naddopts = -n 2\n" : undefined));
    expect(fs.existsSync(unsaved)).toBe(false);
    expect(project.pytestConfigFor(path.join(root, "a", "test_x.py"))?.path).toBe(unsaved);
    expect(project.pytestConfigFor(path.join(root, "b", "test_y.py"))).toBeUndefined();
  });
});

describe("addopts words, as shlex.split makes them", () => {
  it.each([
    ["-n 4 # -n 64", ["-n", "4", "#", "-n", "64"]],
    ['-m "not slow and not tooslow"', ["-m", "not slow and not tooslow"]],
    ["a\"b c\"d 'e f'", ["ab cd", "e f"]],
    ['"a\\"b" "a\\nb" a\\ b', ['a"b', "a\\nb", "a b"]],
    ["x '' \"\"", ["x", "", ""]],
    ["$HOME/x a>b c|d; e & f *.py", ["$HOME/x", "a>b", "c|d;", "e", "&", "f", "*.py"]],
    ["  -n\n4\t--dist\r\nload  ", ["-n", "4", "--dist", "load"]],
  ])("%j", (text, words) => {
    expect(shlexSplit(text)).toEqual(words);
  });
});

describe("pytest-xdist options in addopts", () => {
  const n = (words: string) => parseXdistOptions(shlexSplit(words)).numprocesses;
  it.each([
    ["-n 4", 4],
    ["-n4", 4],
    ["-n=4", 4],
    ["--numprocesses 4", 4],
    ["--numprocesses=4", 4],
    ["-n auto", "auto"],
    ["-nlogical", "logical"],
    ["-n 32 -n 2", 2],
    ["-vn 3", 3],
    ["-rA -n 5", 5],
    ["-n five", "invalid"],
    ["-q", undefined],
    ["-k -n", undefined],
    ["-- -n 4", undefined],
  ])("%j → %j", (words, expected) => {
    expect(n(words)).toEqual(expected);
  });

  it("reads --maxprocesses, --dist, -d, --tx and -p no:xdist", () => {
    const o = parseXdistOptions(shlexSplit("-n auto --maxprocesses=6 --dist loadgroup --tx 2*popen --tx=popen"));
    expect(o).toMatchObject({ numprocesses: "auto", maxprocesses: 6, dist: "loadgroup", distload: false, tx: ["2*popen", "popen"] });
    expect(effectiveDist(parseXdistOptions(["-n", "2", "--dist", "loadgroup", "-d"]))).toBe("load");
    expect(effectiveDist(parseXdistOptions(["-n", "2"]))).toBe("load");
    expect(effectiveDist(parseXdistOptions(["-n", "2", "--dist=no"]))).toBe("load");
    expect(startsWorkers(parseXdistOptions(["-n", "0", "--tx", "popen"]))).toBe(false);
    expect(startsWorkers(parseXdistOptions(["--tx", "3*popen"]))).toBe(false);
    expect(startsWorkers(parseXdistOptions(["--tx", "3*popen", "--dist", "load"]))).toBe(true);
    expect(startsWorkers(parseXdistOptions(["-n", "auto", "-p", "no:xdist"]))).toBe(false);
    expect(startsWorkers(parseXdistOptions(["-n", "auto", "--pdb"]))).toBe(false);
  });

  it("reads the deselection in the same pass, grouped short options included", () => {
    const { xdist, deselection } = parseAddoptsWords(shlexSplit('-vn4 -qm "not performance" --ignore=tests/legacy --ignore-glob "*_perf.py" --deselect tests/a.py::test_b -m slow'));
    expect(xdist.numprocesses).toBe(4);
    expect(deselection).toEqual({ markExpression: "slow", ignore: ["tests/legacy"], ignoreGlob: ["*_perf.py"], deselect: ["tests/a.py::test_b"] });
    expect(parseAddoptsWords(shlexSplit('-vm "not performance"')).deselection.markExpression).toBe("not performance");
    expect(parseAddoptsWords(shlexSplit("-m=fast -- -m slow")).deselection.markExpression).toBe("fast");
  });
});

describe("issue 14: a pyproject.toml pytest 8 reads and pytest 9 refuses", () => {
  it("uses its ini_options (python_classes) with one warning line, and does not exit 2", () => {
    const dir = makeTree({
      "pyproject.toml": '[project]\nname = "x"\n\n[tool.pytest.ini_options]\npython_classes = ["*Tests"]\n\n[tool.pytest.benchmark]\nmin_rounds = 5\n',
      "tests/test_a.py": "from unittest.mock import MagicMock\n\n\nclass AuthTests:\n    def test_a(self):\n        m = MagicMock()\n",
      "tests/test_b.py": "from unittest.mock import MagicMock\n\n\nclass OtherTests:\n    def test_b(self):\n        m = MagicMock()\n",
    });
    const r = cli(["--format", "json", "--select", "MEM102"], { cwd: dir });
    expect(r.stderr).toBe("warning: pyproject.toml:4: [tool.pytest.ini_options] beside [tool.pytest.benchmark]: read as pytest 8 reads it (the ini_options); pytest 9 refuses this file\n");
    expect(r.code).toBe(1);
    expect(parseFindings(r.stdout).map((f) => `${f.path}:${f.line} ${f.code}`)).toEqual(["tests/test_a.py:4 MEM102", "tests/test_b.py:4 MEM102"]);
  });
});

describe("malformed pytest configuration through the CLI", () => {
  const suite = (config: Record<string, string>) =>
    makeTree({
      ...config,
      "tests/test_a.py": "import pytest\n\n\n@pytest.mark.xdist_group(name='a')\nclass TestA:\n    def test_a(self):\n        pass\n",
      "tests/test_b.py": "def test_b():\n    pass\n",
      "other/conftest.py": "from helpers import *\n",
    });

  it.each([
    ["pytest.ini", "[pytest]\naddopts = -n auto\n  ; fine\nmarkers\n", "pytest.ini:4: unexpected line"],
    ["tox.ini", "[tox]\nenvlist = py\n[pytest]\naddopts = -q\naddopts = -n 4\n", "tox.ini:5: duplicate name 'addopts' in [pytest]"],
    ["setup.cfg", "  indented first\n[tool:pytest]\n", "setup.cfg:1: unexpected value continuation"],
    ["pyproject.toml", "[tool.pytest.ini_options\naddopts = '-n 4'\n", "pyproject.toml:1: invalid TOML"],
  ])("%s: one clear line, exit 2, the other files still checked", (name, text, message) => {
    const dir = suite({ [name]: text });
    const r = cli(["--format", "json", "--select", "MEM401,MEM501,MEM502"], { cwd: dir });
    expect(r.code).toBe(2);
    const errors = r.stderr.trim().split("\n");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`error: ${message}`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(parseFindings(r.stdout).map((f) => `${f.path}:${f.line} ${f.code}`)).toEqual(["other/conftest.py:1 MEM401"]);
  });
});

describe("issue 5, acceptance 2: -n auto with xdist_group marks and --dist load", () => {
  it("gets MEM501 and MEM502 at the addopts line, and is clean after `-n 4 --dist loadgroup`", () => {
    const dir = makeTree({
      "pytest.ini": "[pytest]\ntestpaths = tests\naddopts = -n auto --dist load\n",
      "tests/conftest.py": "import pytest\n",
      "tests/test_orders.py": 'import pytest\n\n\n@pytest.mark.xdist_group(name="orders_tests")\nclass TestOrders:\n    def test_create(self):\n        pass\n',
      "tests/test_users.py": 'import pytest\n\n\n@pytest.mark.xdist_group(name="users_tests")\nclass TestUsers:\n    def test_create(self):\n        pass\n',
    });
    const before = cli(["--format", "json"], { cwd: dir });
    expect(before.stderr).toBe("");
    expect(before.code).toBe(1);
    const findings = parseFindings(before.stdout).filter((f) => f.code.startsWith("MEM5"));
    expect(findings.map((f) => `${f.path}:${f.line}:${f.column} ${f.code}`)).toEqual(["pytest.ini:3:1 MEM501", "pytest.ini:3:1 MEM502"]);
    expect(findings.map((f) => f.endColumn)).toEqual([30, 30]);
    expect(findings[1]?.message).toContain("--dist load");

    fs.writeFileSync(path.join(dir, "pytest.ini"), "[pytest]\ntestpaths = tests\naddopts = -n 4 --dist loadgroup\n");
    const after = cli(["--format", "json", "--select", "MEM5"], { cwd: dir });
    expect(after.stderr).toBe("");
    expect(parseFindings(after.stdout)).toEqual([]);
    expect(after.code).toBe(0);
  });

  it("a partial run (pre-commit passes one changed file) still finds the configuration above it", () => {
    const dir = makeTree({
      "setup.cfg": "[tool:pytest]\naddopts =\n    -n auto\n",
      "tests/test_orders.py": 'import pytest\n\n\n@pytest.mark.xdist_group(name="orders")\nclass TestOrders:\n    def test_create(self):\n        pass\n',
    });
    const r = cli(["--format", "json", "--select", "MEM5", "tests/test_orders.py"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(parseFindings(r.stdout).map((f) => `${f.path}:${f.line} ${f.code}`)).toEqual(["setup.cfg:2 MEM501", "setup.cfg:2 MEM502"]);
  });
});

describe("a pytest configuration file named on the command line (pre-commit passes changed files)", () => {
  it("is checked by MEM5xx, never read as Python; conftest.py files below it are read for hooks", () => {
    const dir = makeTree({
      "pytest.ini": "[pytest]\naddopts = -n auto\n",
      "tox.ini": "[tox]\nenvlist = py\n",
      "tests/test_a.py": "def test_a():\n    pass\n",
    });
    const flagged = cli(["--format", "json", "pytest.ini", "tox.ini"], { cwd: dir });
    expect(flagged.stderr).toBe("");
    expect(parseFindings(flagged.stdout).map((f) => `${f.path}:${f.line} ${f.code}`)).toEqual(["pytest.ini:2 MEM501"]);

    fs.mkdirSync(path.join(dir, "tests", "unit"), { recursive: true });
    fs.writeFileSync(path.join(dir, "tests", "unit", "conftest.py"), "def pytest_xdist_auto_num_workers(config):\n    return 4\n");
    const clean = cli(["--format", "json", "pytest.ini"], { cwd: dir });
    expect(clean.stderr).toBe("");
    expect(parseFindings(clean.stdout)).toEqual([]);
    expect(clean.code).toBe(0);
  });

  it("a file pytest does not read its options from (shadowed by pytest.ini) gets nothing", () => {
    const dir = makeTree({ "pytest.ini": "[pytest]\n", "tox.ini": "[pytest]\naddopts = -n 64\n" });
    const r = cli(["--format", "json", "tox.ini"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(parseFindings(r.stdout)).toEqual([]);
  });
});
