import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, cli, makeTree } from "./helpers.js";

const CACHE = ".pytest-memlint_cache";

/** Every entry file of a cache folder, by source file name (`test_a.py` → its entry's path). */
function entries(root: string, cache = path.join(root, CACHE)): Map<string, string> {
  const found = new Map<string, string>();
  const layout = path.join(cache, "v1");
  if (!fs.existsSync(layout)) return found;
  for (const bucket of fs.readdirSync(layout)) {
    for (const name of fs.readdirSync(path.join(layout, bucket))) {
      if (name.endsWith(".json")) found.set(path.join(path.basename(fs.readFileSync(path.join(layout, bucket, "dir"), "utf8")), name.slice(0, -5)), path.join(layout, bucket, name));
    }
  }
  return found;
}

function entryOf(root: string, rel: string): string {
  const e = entries(root).get(path.join(path.basename(path.dirname(path.join(root, rel))), path.basename(rel)));
  if (!e) throw new Error(`no cache entry for ${rel}`);
  return e;
}

/** A test module with findings of several rules, some with safe fixes (MEM101 adds `import gc`). */
const MOCKY = `from unittest import mock


class TestThing:
    def test_a(self):
        m = mock.Mock()
        m.a.b.c.d.return_value = 1
        assert m

    def teardown_method(self):
        gc.collect()
`;

function suite(): string {
  return makeTree({
    ".pytest-memlint.toml": "",
    "pytest.ini": "[pytest]\nmarkers =\n    slow: slow tests\n",
    "tests/test_a.py": MOCKY,
    "tests/test_b.py": MOCKY.replace("test_a", "test_b"),
    "tests/unit/conftest.py": "import pytest\n",
    "tests/unit/test_c.py": "import matplotlib.pyplot as plt\n\n\ndef test_plot():\n    fig = plt.figure()\n    assert fig\n",
    "other/test_d.py": "import matplotlib.pyplot as plt\n\n\ndef test_plot():\n    fig = plt.figure()\n    assert fig\n",
  });
}

// Each case runs the CLI several times as a subprocess: slow on a loaded machine.
describe("result cache", { timeout: 300_000 }, () => {
  it("answers a second run from the cache with byte-identical output, in a git-ignored folder at the project root", () => {
    const root = suite();
    const cold = cli(["check", "."], { cwd: root });
    expect(cold.code).toBe(1);
    expect(fs.readFileSync(path.join(root, CACHE, ".gitignore"), "utf8")).toMatch(/^\*$/m);
    expect([...entries(root).keys()].sort()).toEqual(["other/test_d.py", "tests/test_a.py", "tests/test_b.py", "unit/conftest.py", "unit/test_c.py"]);
    const warm = cli(["check", "."], { cwd: root });
    expect(warm).toEqual(cold);
    for (const format of ["json", "sarif", "junit"]) {
      expect(cli(["check", ".", "--format", format], { cwd: root }).stdout).toBe(cli(["check", ".", "--format", format, "--no-cache"], { cwd: root }).stdout);
    }
    // The entries are what the warm run reports: an entry edited in place (same key) shows.
    const entry = entryOf(root, "tests/test_a.py");
    fs.writeFileSync(entry, fs.readFileSync(entry, "utf8").replace(/"message":"[^"]*"/, '"message":"FROM THE CACHE"'));
    expect(cli(["check", "."], { cwd: root }).stdout).toContain("FROM THE CACHE");
    expect(cli(["check", ".", "--no-cache"], { cwd: root }).stdout).not.toContain("FROM THE CACHE");
  });

  it("ignores and rewrites a truncated, corrupt or foreign entry", () => {
    const root = suite();
    const cold = cli(["check", "."], { cwd: root });
    const entry = entryOf(root, "tests/test_a.py");
    const good = fs.readFileSync(entry, "utf8");
    const tampered = good.replace(/"message":"[^"]*"/, '"message":"FROM THE CACHE"');
    const cases: [string, string][] = [
      ["truncated", tampered.slice(0, Math.floor(tampered.length / 2))],
      ["empty", ""],
      ["not an entry", '{"hello": 1}'],
      ["another version", tampered.replace(/"tool":"[^"]*"/, '"tool":"0.0.0-other"')],
      ["another format", tampered.replace(/"format":\d+/, '"format":999')],
      ["a finding of the wrong shape", tampered.replace(/"start":\d+/, '"start":"x"')],
    ];
    for (const [what, text] of cases) {
      fs.writeFileSync(entry, text);
      const r = cli(["check", "."], { cwd: root });
      expect(r, what).toEqual(cold);
      expect(fs.readFileSync(entry, "utf8"), what).toBe(good);
    }
  });

  it("re-checks exactly the edited file; suite rules are recomputed from the others' cached facts", () => {
    const root = suite();
    cli(["check", "."], { cwd: root });
    const stamp = (rel: string) => fs.readFileSync(entryOf(root, rel), "utf8") + String(fs.statSync(entryOf(root, rel)).mtimeMs);
    const before = { b: stamp("tests/test_b.py"), c: stamp("tests/unit/test_c.py"), d: stamp("other/test_d.py") };
    const fileA = path.join(root, "tests/test_a.py");
    fs.writeFileSync(fileA, `import pytest\n\n\n@pytest.mark.memory_intensive\ndef test_big():\n    pass\n`);
    const warm = cli(["check", ".", "--format", "json"], { cwd: root });
    expect(warm.stdout).toBe(cli(["check", ".", "--format", "json", "--no-cache"], { cwd: root }).stdout);
    const codes = (JSON.parse(warm.stdout) as { code: string; path: string }[]).map((f) => `${f.path} ${f.code}`);
    // The edit added a use of an unregistered memory mark: MEM503 on pytest.ini, from the suite's facts.
    expect(codes).toContain("pytest.ini MEM503");
    expect(codes.filter((c) => c.startsWith("tests/test_a.py"))).toEqual([]);
    expect({ b: stamp("tests/test_b.py"), c: stamp("tests/unit/test_c.py"), d: stamp("other/test_d.py") }).toEqual(before);
  });

  it("a conftest.py edit invalidates the files below it, not the others", () => {
    const root = suite();
    const cold = cli(["check", ".", "--format", "json"], { cwd: root });
    expect(cold.stdout).toContain("MEM403");
    const stampD = fs.statSync(entryOf(root, "other/test_d.py")).mtimeMs;
    fs.writeFileSync(path.join(root, "tests/unit/conftest.py"), 'import matplotlib.pyplot as plt\nimport pytest\n\n\n@pytest.fixture(autouse=True)\ndef _close():\n    yield\n    plt.close("all")\n');
    const warm = cli(["check", ".", "--format", "json"], { cwd: root });
    const files = (JSON.parse(warm.stdout) as { code: string; path: string }[]).filter((f) => f.code === "MEM403").map((f) => f.path);
    // test_c.py is below the conftest that now closes every figure; test_d.py is not.
    expect(files).toEqual(["other/test_d.py"]);
    expect(warm.stdout).toBe(cli(["check", ".", "--format", "json", "--no-cache"], { cwd: root }).stdout);
    expect(fs.statSync(entryOf(root, "other/test_d.py")).mtimeMs).toBe(stampD);
  });

  it("a configuration edit invalidates every file", () => {
    const root = suite();
    const cold = cli(["check", ".", "--format", "json"], { cwd: root });
    expect(cold.stdout).toContain("MEM203");
    fs.writeFileSync(path.join(root, ".pytest-memlint.toml"), "max-mock-chain-depth = 9\n");
    const warm = cli(["check", ".", "--format", "json"], { cwd: root });
    expect(warm.stdout).not.toContain("MEM203");
    expect(warm.stdout).toBe(cli(["check", ".", "--format", "json", "--no-cache"], { cwd: root }).stdout);
    // A pytest configuration edit reaches every file under it too (python_files decides what is a test).
    fs.writeFileSync(path.join(root, "pytest.ini"), "[pytest]\npython_files = check_*.py\n");
    expect(cli(["check", "."], { cwd: root }).stdout).toBe(cli(["check", ".", "--no-cache"], { cwd: root }).stdout);
  });

  it("--fix and --diff work from a warm cache", () => {
    const root = suite();
    cli(["check", "."], { cwd: root });
    const diff = cli(["check", ".", "--diff"], { cwd: root });
    expect(diff.stdout).toContain("+import gc");
    const fixed = cli(["check", ".", "--fix"], { cwd: root });
    expect(fixed.stdout).toMatch(/Fixed \d+/);
    expect(fs.readFileSync(path.join(root, "tests/test_a.py"), "utf8")).toContain("import gc");
    // After the fix the cache matches a cold run again, and a second --fix changes nothing.
    expect(cli(["check", "."], { cwd: root }).stdout).toBe(cli(["check", ".", "--no-cache"], { cwd: root }).stdout);
    expect(cli(["check", ".", "--diff"], { cwd: root }).stdout).toBe("");
  });

  it("--no-cache, PYTEST_MEMLINT_CACHE_DIR and cache-dir choose the folder", () => {
    const root = suite();
    cli(["check", ".", "--no-cache"], { cwd: root });
    expect(fs.existsSync(path.join(root, CACHE))).toBe(false);
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "memlint-cache-"));
    cli(["check", "."], { cwd: root, env: { PYTEST_MEMLINT_CACHE_DIR: elsewhere } });
    expect(fs.existsSync(path.join(root, CACHE))).toBe(false);
    expect(entries(root, elsewhere).size).toBe(5);
    fs.writeFileSync(path.join(root, ".pytest-memlint.toml"), 'cache-dir = "build/lint-cache"\n');
    cli(["check", "."], { cwd: path.join(root, "tests") });
    expect(entries(root, path.join(root, "build/lint-cache")).size).toBe(4);
    fs.writeFileSync(path.join(root, ".pytest-memlint.toml"), "cache-dir = 3\n");
    const bad = cli(["check", "."], { cwd: root });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("cache-dir");
  });

  it("prunes the entries of files that are gone", () => {
    const root = suite();
    cli(["check", "."], { cwd: root });
    fs.rmSync(path.join(root, "tests/test_b.py"));
    fs.rmSync(path.join(root, "other"), { recursive: true });
    cli(["check", "."], { cwd: root });
    expect([...entries(root).keys()].sort()).toEqual(["tests/test_a.py", "unit/conftest.py", "unit/test_c.py"]);
  });

  it("a read-only cache folder: the run still works, with one warning", () => {
    const root = suite();
    const cold = cli(["check", ".", "--no-cache"], { cwd: root });
    const cache = path.join(root, CACHE);
    fs.mkdirSync(cache);
    fs.chmodSync(cache, 0o555);
    // Root writes anywhere: run as an unprivileged user then (the tree must be readable by it).
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    for (const dir of [root, path.join(root, "tests"), path.join(root, "tests/unit"), path.join(root, "other")]) fs.chmodSync(dir, 0o755);
    for (const jobs of ["1", "2"]) {
      const r = spawnCli(["check", ".", "--jobs", jobs], root, asUser);
      expect(r.stdout).toBe(cold.stdout);
      expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^warning: cache folder .* cannot be written \(E\w+\); results are not cached in this run$/)]);
    }
    expect(fs.readdirSync(cache)).toEqual([]);
  });

  it("a warm run of a large suite parses nothing and starts no worker; only the edited file is parsed", () => {
    // 120 files: by default a run of them is checked on one worker thread per CPU.
    const files: Record<string, string> = { ".pytest-memlint.toml": "", "tests/conftest.py": "import pytest\n" };
    for (let i = 0; i < 120; i++) files[`tests/test_${i}.py`] = i % 10 === 0 ? `import pytest\n\n\n@pytest.mark.slow\ndef test_${i}():\n    pass\n` : MOCKY.replace("test_a", `test_${i}`);
    const root = makeTree(files);
    const cold = cli(["check", ".", "--format", "json"], { cwd: root });
    expect(cold.code).toBe(1);
    // A parser that cannot load: a run that parses any file (on any thread) fails with exit 2.
    const noParser = { PYTEST_MEMLINT_PARSER: "none" };
    expect(cli(["check", ".", "--format", "json"], { cwd: root, env: noParser })).toEqual(cold);
    fs.appendFileSync(path.join(root, "tests/test_7.py"), "\n\ndef test_more():\n    m = mock.Mock()\n    m.x.y.z.w.return_value = 2\n    assert m\n");
    const edited = cli(["check", ".", "--format", "json"], { cwd: root, env: noParser });
    expect(edited.code).toBe(2);
    expect(edited.stderr).toMatch(/^error: PYTEST_MEMLINT_PARSER must be 'native' or 'wasm', not 'none'$/m);
    const warm = cli(["check", ".", "--format", "json"], { cwd: root });
    expect(warm.stdout).toBe(cli(["check", ".", "--format", "json", "--no-cache"], { cwd: root }).stdout);
    expect(warm.stdout).not.toBe(cold.stdout);
  });

  it("two runs at once on the same tree both print the right output and leave only whole entries", async () => {
    const files: Record<string, string> = { ".pytest-memlint.toml": "" };
    for (let i = 0; i < 60; i++) files[`tests/test_${i}.py`] = MOCKY.replace("test_a", `test_${i}`);
    const root = makeTree(files);
    const expected = cli(["check", ".", "--no-cache"], { cwd: root }).stdout;
    const [a, b] = await Promise.all([runAsync(["check", "."], root), runAsync(["check", ".", "--jobs", "2"], root)]);
    expect(a).toBe(expected);
    expect(b).toBe(expected);
    const all = entries(root);
    expect(all.size).toBe(60);
    for (const entry of all.values()) expect(() => JSON.parse(fs.readFileSync(entry, "utf8")) as unknown).not.toThrow();
    expect(fs.readdirSync(path.join(root, CACHE), { recursive: true }).filter((n) => String(n).endsWith(".tmp"))).toEqual([]);
    expect(cli(["check", "."], { cwd: root }).stdout).toBe(expected);
  });
});

function spawnCli(args: string[], cwd: string, ids: { uid?: number; gid?: number }): { stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: "1" }, encoding: "utf8", ...ids });
  return { stdout: r.stdout, stderr: r.stderr };
}

function runAsync(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: "1" } });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", () => resolve(out));
  });
}
