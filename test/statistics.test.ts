import { describe, expect, it } from "vitest";
import { check, cli, makeTree } from "./helpers.js";

/** Only the MEM1xx rules and MEM000: others are being added and would change the counts. */
const SELECT = ["MEM0", "MEM1"];

function flagged(classes: string[]): string {
  return `from unittest.mock import MagicMock\n\n${classes
    .map((c) => `\nclass ${c}:\n    def teardown_method(self):\n        gc.collect()\n\n    def test_get(self):\n        assert MagicMock()\n`)
    .join("\n")}`;
}

/** 3 MEM102 + 1 MEM101 in test_a, 1 MEM102 + 1 MEM101 in test_b, 1 MEM000 (no fix) in test_c. */
function suite(): string {
  return makeTree({
    "tests/test_a.py": flagged(["TestOne", "TestTwo", "TestThree"]),
    "tests/test_b.py": flagged(["TestFour"]),
    "tests/test_c.py": "def test_broken(:\n    pass\n",
  });
}

describe("--statistics (text)", () => {
  it("prints ruff's count/code/[*] name lines, most first, then the files with the most findings", async () => {
    const r = await check({ cwd: suite(), noConfig: true, select: SELECT, statistics: true, format: "text" });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      [
        "4\tMEM102\t[*] missing-xdist-group",
        "2\tMEM101\t[*] missing-gc-import",
        "1\tMEM000\t[ ] syntax-error",
        "",
        "Files with the most findings:",
        "4\ttests/test_a.py\tMEM102 x3, MEM101 x1",
        "2\ttests/test_b.py\tMEM101 x1, MEM102 x1",
        "1\ttests/test_c.py\tMEM000 x1",
        "",
        "Found 7 findings (6 fixable with --fix).",
        "",
      ].join("\n"),
    );
  });

  it("right-aligns counts and pads codes; no [*] column when nothing is fixable; lists the top 10 files", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 12; i++) files[`tests/test_${String(i).padStart(2, "0")}.py`] = "def test_broken(:\n    pass\n";
    files["tests/test_big.py"] = flagged(Array.from({ length: 11 }, (_, i) => `TestN${i}`));
    const r = await check({ cwd: makeTree(files), noConfig: true, select: ["MEM000", "MEM102"], statistics: true, format: "text", quiet: true });
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("12\tMEM000\t[ ] syntax-error");
    expect(lines[1]).toBe("11\tMEM102\t[*] missing-xdist-group");
    expect(lines[3]).toBe("Files with the most findings (top 10 of 13):");
    expect(lines[4]).toBe("11\ttests/test_big.py\tMEM102 x11");
    expect(lines[5]).toBe(" 1\ttests/test_00.py\tMEM000 x1");
    expect(lines.slice(4).filter((l) => l !== "")).toHaveLength(10);
    // --quiet: no summary line.
    expect(r.stdout).not.toContain("Found");
    const noFix = await check({ cwd: makeTree({ "test_x.py": "def test_broken(:\n" }), noConfig: true, select: SELECT, statistics: true, format: "text" });
    expect(noFix.stdout.split("\n")[0]).toBe("1\tMEM000\tsyntax-error");
  });

  it("prints the summary alone when nothing is found", async () => {
    const r = await check({ cwd: makeTree({ "test_ok.py": "def test_ok():\n    pass\n" }), noConfig: true, select: SELECT, statistics: true, format: "text" });
    expect([r.code, r.stdout]).toEqual([0, "All checks passed!\n"]);
  });

  it("counts what remains after a baseline", async () => {
    const dir = suite();
    await check({ cwd: dir, noConfig: true, select: SELECT, writeBaseline: "b.json", paths: ["tests/test_a.py"] });
    const r = await check({ cwd: dir, noConfig: true, select: SELECT, statistics: true, format: "json", baseline: "b.json" });
    expect(JSON.parse(r.stdout)).toEqual([
      { code: "MEM000", name: "syntax-error", count: 1, fixable: false },
      { code: "MEM101", name: "missing-gc-import", count: 1, fixable: true },
      { code: "MEM102", name: "missing-xdist-group", count: 1, fixable: true },
    ]);
  });
});

describe("--statistics --format json", () => {
  it("is a JSON array of {code, name, count, fixable} instead of the findings", async () => {
    const r = await check({ cwd: suite(), noConfig: true, select: SELECT, statistics: true, format: "json" });
    expect(r.code).toBe(1);
    const stats = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(stats).toEqual([
      { code: "MEM102", name: "missing-xdist-group", count: 4, fixable: true },
      { code: "MEM101", name: "missing-gc-import", count: 2, fixable: true },
      { code: "MEM000", name: "syntax-error", count: 1, fixable: false },
    ]);
    for (const s of stats) expect(Object.keys(s)).toEqual(["code", "name", "count", "fixable"]);
  });

  it("is [] when nothing is found", async () => {
    const r = await check({ cwd: makeTree({ "test_ok.py": "def test_ok():\n    pass\n" }), noConfig: true, statistics: true, format: "json" });
    expect([r.code, r.stdout]).toEqual([0, "[]\n"]);
  });
});

describe("--statistics on the command line", () => {
  it("works with the built CLI; other formats are a usage error", () => {
    const dir = suite();
    const r = cli(["--select", "MEM1", "--statistics"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout.split("\n")[0]).toBe("4\tMEM102\t[*] missing-xdist-group");
    const json = cli(["--select", "MEM1", "--statistics", "--format", "json", "--exit-zero"], { cwd: dir });
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as { count: number }[]).map((s) => s.count)).toEqual([4, 2]);
    const sarif = cli(["--statistics", "--format", "sarif"], { cwd: dir });
    expect([sarif.code, sarif.stdout, sarif.stderr]).toEqual([2, "", "error: --statistics works with --format text or json, not sarif\n"]);
  });
});
