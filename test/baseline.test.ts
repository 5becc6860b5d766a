import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { check, cli, findingLines, makeTree, parseFindings } from "./helpers.js";

/** Only the MEM1xx rules: others are being added and would change the counts. */
const SELECT = ["MEM1"];

function testClass(name: string): string {
  return `class ${name}:
    def teardown_method(self):
        gc.collect()

    def test_get(self):
        assert MagicMock()
`;
}

/** A legacy suite: every class lacks its xdist_group mark (MEM102); gc is used unimported (MEM101). */
function legacySuite(): string {
  return makeTree({
    "pyproject.toml": '[project]\nname = "legacy"\n',
    "tests/test_api.py": `from unittest.mock import MagicMock\n\n\n${testClass("TestGet")}\n\n${testClass("TestPost")}`,
    "tests/test_db.py": `from unittest.mock import MagicMock\n\n\n${testClass("TestQuery")}`,
  });
}

function edit(dir: string, rel: string, change: (text: string) => string): void {
  const file = path.join(dir, rel);
  fs.writeFileSync(file, change(fs.readFileSync(file, "utf8")));
}

async function run(cwd: string, extra: Record<string, unknown> = {}) {
  const r = await check({ cwd, noConfig: true, select: SELECT, ...extra });
  return { ...r, lines: r.stdout.trim().startsWith("[") ? findingLines(parseFindings(r.stdout)) : [] };
}

describe("--write-baseline / --baseline", () => {
  it("records the findings; a rerun with the baseline reports none", async () => {
    const dir = legacySuite();
    const before = await run(dir);
    expect(before.lines).toHaveLength(5);
    const written = await run(dir, { writeBaseline: "memlint-baseline.json" });
    expect(written.code).toBe(0);
    expect(written.lines).toEqual([]);
    expect(written.stderr).toBe("Wrote 5 findings in 2 files to the baseline memlint-baseline.json.\n");
    const again = await run(dir, { baseline: "memlint-baseline.json" });
    expect([again.code, again.lines, again.stderr]).toEqual([0, [], ""]);
  });

  it("lines inserted above baselined findings change nothing; exactly the one new finding is reported", async () => {
    const dir = legacySuite();
    await run(dir, { writeBaseline: "memlint-baseline.json" });
    // Unrelated edits move every finding down, and re-indent nothing.
    edit(dir, "tests/test_api.py", (t) => t.replace("from unittest.mock import MagicMock\n", 'from unittest.mock import MagicMock\nimport os\n\nHERE = os.path.dirname(__file__)\n\n\ndef helper():\n    """A helper."""\n    return HERE\n'));
    edit(dir, "tests/test_db.py", (t) => `"""Database tests."""\n\n${t}`);
    // One new finding, of a code and in a file that already have baselined ones.
    edit(dir, "tests/test_api.py", (t) => `${t}\n\n${testClass("TestDelete")}`);
    const r = await run(dir, { baseline: "memlint-baseline.json" });
    expect(r.lines).toEqual(["tests/test_api.py:28:1 MEM102"]);
    expect(parseFindings(r.stdout)[0]?.message).toContain("TestDelete");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
  });

  it("identical lines are counted: a third copy of two baselined identical lines is new", async () => {
    const twice = `from unittest.mock import MagicMock\n\n\n${testClass("TestSame")}\n\n${testClass("TestSame")}`;
    const dir = makeTree({ "test_same.py": twice });
    await run(dir, { writeBaseline: "b.json", select: ["MEM102"] });
    const baseline = JSON.parse(fs.readFileSync(path.join(dir, "b.json"), "utf8")) as { findings: Record<string, Record<string, string[]>> };
    const prints = baseline.findings["test_same.py"]?.["MEM102"] ?? [];
    expect(prints).toHaveLength(2);
    expect(prints[0]).toBe(prints[1]);
    edit(dir, "test_same.py", (t) => `${t}\n\n${testClass("TestSame")}`);
    const r = await run(dir, { baseline: "b.json", select: ["MEM102"] });
    expect(r.lines).toEqual(["test_same.py:20:1 MEM102"]);
  });

  it("a fixed baselined finding is reported as stale on stderr; the JSON array stays a findings array", async () => {
    const dir = legacySuite();
    await run(dir, { writeBaseline: "memlint-baseline.json" });
    edit(dir, "tests/test_api.py", (t) => `import pytest\n${t.replace("class TestGet:", '@pytest.mark.xdist_group(name="api")\nclass TestGet:')}`);
    const r = await run(dir, { baseline: "memlint-baseline.json" });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect(r.stderr).toBe(
      "warning: memlint-baseline.json: 1 baseline entry matches no finding any more (fixed since it was written); run with --write-baseline memlint-baseline.json to drop it:\n  tests/test_api.py: MEM102 x1\n",
    );
    // --quiet keeps standard error for errors only.
    expect((await run(dir, { baseline: "memlint-baseline.json", quiet: true })).stderr).toBe("");
    // Writing the baseline again shrinks it.
    const before = JSON.parse(fs.readFileSync(path.join(dir, "memlint-baseline.json"), "utf8")) as { findings: Record<string, Record<string, string[]>> };
    await run(dir, { writeBaseline: "memlint-baseline.json" });
    const after = JSON.parse(fs.readFileSync(path.join(dir, "memlint-baseline.json"), "utf8")) as { findings: Record<string, Record<string, string[]>> };
    expect(before.findings["tests/test_api.py"]?.["MEM102"]).toHaveLength(2);
    expect(after.findings["tests/test_api.py"]?.["MEM102"]).toHaveLength(1);
    expect((await run(dir, { baseline: "memlint-baseline.json" })).stderr).toBe("");
  });

  it("a deleted file's entries are stale; files not checked in a partial run are not", async () => {
    const dir = legacySuite();
    await run(dir, { writeBaseline: "memlint-baseline.json" });
    const partial = await run(dir, { baseline: "memlint-baseline.json", paths: ["tests/test_db.py"] });
    expect([partial.code, partial.lines, partial.stderr]).toEqual([0, [], ""]);
    fs.rmSync(path.join(dir, "tests/test_db.py"));
    const r = await run(dir, { baseline: "memlint-baseline.json" });
    expect(r.stderr).toContain("2 baseline entries match no finding any more");
    expect(r.stderr).toContain("  tests/test_db.py: MEM101 x1\n  tests/test_db.py: MEM102 x1\n");
  });

  it("a partial --write-baseline keeps the entries of files and codes it did not look at", async () => {
    const dir = legacySuite();
    await run(dir, { writeBaseline: "b.json" });
    const full = fs.readFileSync(path.join(dir, "b.json"), "utf8");
    await run(dir, { writeBaseline: "b.json", paths: ["tests/test_db.py"] });
    await run(dir, { writeBaseline: "b.json", select: ["MEM101"] });
    expect(fs.readFileSync(path.join(dir, "b.json"), "utf8")).toBe(full);
  });

  it("entries of codes not selected are neither reported stale nor matched", async () => {
    const dir = legacySuite();
    await run(dir, { writeBaseline: "b.json", select: ["MEM102"] });
    const r = await run(dir, { baseline: "b.json" });
    expect(r.lines).toEqual(["tests/test_api.py:6:9 MEM101", "tests/test_db.py:6:9 MEM101"]);
    expect((await run(dir, { baseline: "b.json", select: ["MEM101"] })).stderr).toBe("");
  });
});

describe("the baseline file", () => {
  it("is stable: sorted, deterministic, relative '/' paths, trailing newline; the same from any folder", async () => {
    const dir = legacySuite();
    fs.mkdirSync(path.join(dir, "ci"));
    await run(dir, { writeBaseline: "ci/baseline.json" });
    const text = fs.readFileSync(path.join(dir, "ci/baseline.json"), "utf8");
    expect(text.endsWith("}\n")).toBe(true);
    const data = JSON.parse(text) as { version: number; findings: Record<string, Record<string, string[]>> };
    expect(data.version).toBe(1);
    expect(Object.keys(data.findings)).toEqual(["../tests/test_api.py", "../tests/test_db.py"]);
    expect(Object.keys(data.findings["../tests/test_api.py"] ?? {})).toEqual(["MEM101", "MEM102"]);
    const prints = data.findings["../tests/test_api.py"]?.["MEM102"] ?? [];
    expect(prints).toHaveLength(2);
    expect([...prints].sort()).toEqual(prints);
    expect(prints.every((p) => /^[0-9a-f]{16}$/.test(p))).toBe(true);
    expect(text).toBe(JSON.stringify(JSON.parse(text), null, 2) + "\n");
    // Written again, from another working directory, with the files in another order: identical bytes.
    await run(path.join(dir, "tests"), { writeBaseline: "../ci/baseline.json", paths: ["test_db.py", "test_api.py"] });
    expect(fs.readFileSync(path.join(dir, "ci/baseline.json"), "utf8")).toBe(text);
    // Unrelated edits (moved lines) leave it unchanged too.
    edit(dir, "tests/test_db.py", (t) => `"""Moved down."""\n\n\n${t}`);
    await run(dir, { writeBaseline: "ci/baseline.json" });
    expect(fs.readFileSync(path.join(dir, "ci/baseline.json"), "utf8")).toBe(text);
  });

  it("`baseline` in the configuration is relative to the configuration file", async () => {
    const dir = legacySuite();
    fs.writeFileSync(path.join(dir, "pyproject.toml"), '[tool.pytest-memlint]\nselect = ["MEM1"]\nbaseline = "ci/memlint-baseline.json"\n');
    fs.mkdirSync(path.join(dir, "ci"));
    const missing = await check({ cwd: path.join(dir, "tests") });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`error: ${path.join(dir, "pyproject.toml")} [tool.pytest-memlint]: key 'baseline': ../ci/memlint-baseline.json: baseline file not found (create it with --write-baseline ../ci/memlint-baseline.json)\n`);
    await check({ cwd: dir, writeBaseline: "ci/memlint-baseline.json" });
    // From a subfolder: the configuration is found walking up and its baseline applies.
    const r = await check({ cwd: path.join(dir, "tests") });
    expect([r.code, JSON.parse(r.stdout), r.stderr]).toEqual([0, [], ""]);
    edit(dir, "tests/test_db.py", (t) => `${t}\n\n${testClass("TestInsert")}`);
    const next = await check({ cwd: path.join(dir, "tests") });
    expect(findingLines(parseFindings(next.stdout))).toEqual(["test_db.py:12:1 MEM102"]);
    // --baseline on the command line wins over the configuration.
    fs.writeFileSync(path.join(dir, "empty.json"), '{"version": 1, "findings": {}}\n');
    expect(parseFindings((await check({ cwd: dir, baseline: "empty.json" })).stdout)).toHaveLength(6);
  });

  it("a missing or malformed baseline is one line, exit 2", async () => {
    const dir = legacySuite();
    const cases: [string, string][] = [
      ["nope.json", "error: nope.json: baseline file not found (create it with --write-baseline nope.json)\n"],
      ["bad.json", "error: bad.json: not a pytest-memlint baseline (invalid JSON:"],
      ["old.json", "error: old.json: not a pytest-memlint baseline at 'version' (expected"],
      ["list.json", "error: list.json: not a pytest-memlint baseline at 'findings.a.MEM101' (expected"],
    ];
    fs.writeFileSync(path.join(dir, "bad.json"), "{");
    fs.writeFileSync(path.join(dir, "old.json"), '{"version": 0, "findings": {}}');
    fs.writeFileSync(path.join(dir, "list.json"), '{"version": 1, "findings": {"a": {"MEM101": 3}}}');
    for (const [file, message] of cases) {
      const r = await run(dir, { baseline: file });
      expect(r.code, file).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.startsWith(message), r.stderr).toBe(true);
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    }
  });
});

describe("end to end (built CLI)", () => {
  it("write, edit, compare; --write-baseline with --diff is a usage error", () => {
    const dir = legacySuite();
    const w = cli(["--select", "MEM1", "--write-baseline", "memlint-baseline.json"], { cwd: dir });
    expect([w.code, w.stdout, w.stderr]).toEqual([0, "All checks passed!\n", "Wrote 5 findings in 2 files to the baseline memlint-baseline.json.\n"]);
    edit(dir, "tests/test_db.py", (t) => `${t}\n\n${testClass("TestInsert")}`);
    const r = cli(["--select", "MEM1", "--baseline", "memlint-baseline.json"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("tests/test_db.py:12:1: MEM102 [*] Test class `TestInsert`");
    expect(r.stdout).toContain("Found 1 finding");
    const bad = cli(["--write-baseline", "b.json", "--diff"], { cwd: dir });
    expect([bad.code, bad.stderr]).toEqual([2, "error: --write-baseline and --diff cannot be used together\n"]);
    expect(cli(["--write-baseline", ""], { cwd: dir }).stderr).toBe("error: --write-baseline needs a file name\n");
  });
});
