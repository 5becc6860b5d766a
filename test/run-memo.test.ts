import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decodeMemo, encodeMemo, memoKey } from "../src/cache/run-memo.js";
import { cli, makeTree } from "./helpers.js";

const MEMOS = path.join(".pytest-memlint_cache", "runs-v1");

const MOCKY = `from unittest import mock


class TestThing:
    def test_a(self):
        m = mock.Mock()
        m.a.b.c.d.return_value = 1
        assert m
`;

function suite(): string {
  return makeTree({
    ".pytest-memlint.toml": "",
    "tests/unit/test_a.py": MOCKY,
    "tests/unit/test_b.py": MOCKY.replace("test_a", "test_b"),
  });
}

function memoFiles(root: string): string[] {
  const dir = path.join(root, MEMOS);
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith(".memo")).map((n) => path.join(dir, n)) : [];
}

/**
 * Replaces the output every memo of `root` holds with a marker: a run that prints the marker was
 * answered from a memo, one that prints the real output was not.
 */
function tamper(root: string): void {
  const files = memoFiles(root);
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    const bytes = fs.readFileSync(file);
    const key = (JSON.parse(bytes.subarray(0, bytes.indexOf(10)).toString("utf8")) as { key: string }).key;
    const memo = decodeMemo(bytes, key);
    if (!memo) throw new Error(`not a memo: ${file}`);
    fs.writeFileSync(file, encodeMemo(key, { ...memo, output: [[1, Buffer.from("FROM THE MEMO\n")]] }));
  }
}

const ARGS = ["tests/unit/test_a.py"];

/** Runs the file twice (the first run writes the memo), checks the memo is used, then tampers with it. */
function memoized(root: string, args = ARGS, env: NodeJS.ProcessEnv = {}): string {
  const first = cli(args, { cwd: root, env });
  expect(cli(args, { cwd: root, env })).toEqual(first);
  tamper(root);
  expect(cli(args, { cwd: root, env }).stdout).toBe("FROM THE MEMO\n");
  return first.stdout;
}

/** After `change`, the run is the real one: what --no-cache prints. */
function expectRealRun(root: string, args = ARGS, env: NodeJS.ProcessEnv = {}): void {
  const now = cli(args, { cwd: root, env });
  expect(now.stdout).not.toContain("FROM THE MEMO");
  expect(now).toEqual(cli([...args, "--no-cache"], { cwd: root, env }));
}

// Each case runs the CLI several times as a subprocess: slow on a loaded machine.
describe("run memo", { timeout: 300_000 }, () => {
  it("answers a repeated run from its memo with the output of a real run, byte for byte, and its exit code", () => {
    const root = suite();
    const cold = cli(ARGS, { cwd: root });
    expect(cold.code).toBe(1);
    expect(memoFiles(root)).toHaveLength(1);
    for (let i = 0; i < 2; i++) expect(cli(ARGS, { cwd: root })).toEqual(cold);
    expect(cli([...ARGS, "--no-cache"], { cwd: root })).toEqual(cold);
    // A clean file: exit code 0, and the memo of another command line.
    fs.writeFileSync(path.join(root, "tests/unit/test_clean.py"), "def test_ok():\n    assert True\n");
    const clean = cli(["tests/unit/test_clean.py", "--format", "json"], { cwd: root });
    expect(clean.code).toBe(0);
    expect(cli(["tests/unit/test_clean.py", "--format", "json"], { cwd: root })).toEqual(clean);
    expect(memoFiles(root)).toHaveLength(2);
    tamper(root);
    expect(cli(ARGS, { cwd: root }).stdout).toBe("FROM THE MEMO\n");
  });

  it("is not used after the file is edited", () => {
    const root = suite();
    memoized(root);
    fs.appendFileSync(path.join(root, "tests/unit/test_a.py"), "\n\ndef test_more():\n    m = mock.MagicMock()\n    m.a.b.c.d.e = 2\n");
    expectRealRun(root);
  });

  it("is not used after a conftest.py above the file is edited, or when a new one appears above it", () => {
    const root = suite();
    fs.writeFileSync(path.join(root, "tests/conftest.py"), "import pytest\n");
    memoized(root);
    fs.writeFileSync(path.join(root, "tests/conftest.py"), "import pytest\n\n\n@pytest.fixture(scope='session')\ndef big():\n    return bytearray(10**9)\n");
    expectRealRun(root);
    memoized(root);
    fs.writeFileSync(path.join(root, "tests/unit/conftest.py"), "import gc\n");
    expectRealRun(root);
    memoized(root);
    fs.writeFileSync(path.join(root, "conftest.py"), "import pytest\n");
    expectRealRun(root);
  });

  it("is not used after the configuration is edited, or when a pytest configuration appears above the file", () => {
    const root = suite();
    memoized(root);
    fs.writeFileSync(path.join(root, ".pytest-memlint.toml"), 'ignore = ["MEM1"]\n');
    expectRealRun(root);
    memoized(root);
    fs.writeFileSync(path.join(root, "tests/pytest.ini"), "[pytest]\naddopts = -n 4\n");
    expectRealRun(root);
    memoized(root);
    fs.writeFileSync(path.join(root, "tests/unit/pyproject.toml"), '[tool.pytest-memlint]\nselect = ["MEM2"]\n');
    expectRealRun(root);
  });

  it("is not used when an environment variable the run read changes", () => {
    const root = suite();
    memoized(root, ARGS, { NO_COLOR: "1" });
    expectRealRun(root, ARGS, { NO_COLOR: "", FORCE_COLOR: "1" });
  });

  it("is not used after the file's cache entry changes (the run rewrites it)", () => {
    const root = suite();
    memoized(root);
    const v1 = path.join(root, ".pytest-memlint_cache", "v1");
    for (const bucket of fs.readdirSync(v1)) for (const name of fs.readdirSync(path.join(v1, bucket))) if (name.endsWith(".json")) fs.writeFileSync(path.join(v1, bucket, name), "{");
    expectRealRun(root);
    fs.rmSync(path.join(root, ".pytest-memlint_cache", ".gitignore"));
    memoized(root);
    fs.rmSync(path.join(root, ".pytest-memlint_cache", ".gitignore"));
    expect(cli(ARGS, { cwd: root }).stdout).not.toContain("FROM THE MEMO");
    expect(fs.existsSync(path.join(root, ".pytest-memlint_cache", ".gitignore"))).toBe(true);
  });

  it("belongs to one build, command line and folder", () => {
    const a = memoKey(ARGS, "/x", "build-1");
    expect(a).toBeDefined();
    for (const other of [memoKey(ARGS, "/x", "build-2"), memoKey([...ARGS, "-q"], "/x", "build-1"), memoKey(ARGS, "/y", "build-1")]) {
      expect(other?.text).not.toBe(a?.text);
      expect(decodeMemo(encodeMemo(a?.text ?? "", { env: [], queries: [], output: [], code: 0 }), other?.text ?? "")).toBeUndefined();
    }
    // Unbundled (no build id), other commands, standard input, --no-cache: never memoized.
    expect(memoKey(ARGS, "/x", undefined)).toBeUndefined();
    for (const args of [["rules"], ["server"], ["--stdin-filename", "t.py"], [...ARGS, "--no-cache"], ["--version"], ["-"]]) expect(memoKey(args, "/x", "b")).toBeUndefined();
  });

  it("is not written for runs that write files, read standard input, or exit with an error", () => {
    const root = suite();
    const unfixed = "class TestX:\n    def teardown_method(self):\n        gc.collect()\n";
    fs.writeFileSync(path.join(root, "tests/unit/test_fix.py"), unfixed);
    expect(cli(["tests/unit/test_fix.py", "--fix"], { cwd: root }).code).not.toBe(2);
    expect(fs.readFileSync(path.join(root, "tests/unit/test_fix.py"), "utf8")).not.toBe(unfixed);
    cli([...ARGS, "--output-file", "report.txt"], { cwd: root });
    cli(ARGS, { cwd: root, env: { GITHUB_STEP_SUMMARY: path.join(root, "summary.md") } });
    cli(["--stdin-filename", "tests/unit/test_s.py"], { cwd: root, input: MOCKY });
    cli(["tests/unit/missing.py"], { cwd: root });
    expect(memoFiles(root)).toEqual([]);
    // The summary is appended on every run.
    const once = fs.readFileSync(path.join(root, "summary.md"), "utf8");
    cli(ARGS, { cwd: root, env: { GITHUB_STEP_SUMMARY: path.join(root, "summary.md") } });
    expect(fs.readFileSync(path.join(root, "summary.md"), "utf8")).toBe(once + once);
  });
});
