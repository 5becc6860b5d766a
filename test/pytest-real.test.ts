/** Real `python3 -m pytest` on a suite of our own, before and after `--fix`. */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cli, copyInto, FIXTURES, missingProgram, skipIfMissing, tmpDir } from "./helpers.js";

function pytest(dir: string): { outcomes: string[]; collected: string[] } {
  const log = path.join(dir, "gc-log.json");
  const r = spawnSync("python3", ["-m", "pytest", "-v", "-p", "no:cacheprovider", "-p", "no:unraisableexception", "-W", "ignore::pytest.PytestUnknownMarkWarning", "test_service.py"], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, GC_LOG: log, PYTHONDONTWRITEBYTECODE: "1" },
  });
  if (r.status !== 0) throw new Error(`pytest failed:\n${r.stdout}\n${r.stderr}`);
  const outcomes = r.stdout.split("\n").filter((l) => / (PASSED|FAILED|ERROR)/.test(l)).map((l) => l.replace(/\s+\[\s*\d+%\]$/, "").trim()).sort();
  return { outcomes, collected: JSON.parse(fs.readFileSync(log, "utf8")) as string[] };
}

const missing = missingProgram({ cmd: "python3", args: ["-c", "import pytest"], what: "Python's pytest", debianPackage: "python3-pytest" });

describe("real pytest on a fixed suite", () => {
  it("the same tests pass after --fix, and gc.collect runs after each test method of the fixed classes", (ctx) => {
    skipIfMissing(ctx, missing);
    const dir = copyInto(path.join(FIXTURES, "pytest-suite"), tmpDir());
    const before = pytest(dir);
    expect(before.outcomes.length).toBe(7);
    expect(before.outcomes.every((o) => o.endsWith("PASSED"))).toBe(true);
    expect(before.collected).toEqual([]); // nothing calls gc.collect yet: the check below can fail

    const fix = cli(["--no-config", "--select", "MEM1", "--fix", "test_service.py"], { cwd: dir });
    expect(fix.stderr).toBe("");
    expect(fix.code).toBe(0);
    const fixedText = fs.readFileSync(path.join(dir, "test_service.py"), "utf8");
    expect(fixedText).toContain("def tearDown(self):");

    const after = pytest(dir);
    expect(after.outcomes).toEqual(before.outcomes);
    const classTests = after.outcomes.map((o) => o.split(" ")[0] as string).filter((id) => id.includes("::") && !id.includes("::test_function"));
    expect(classTests.length).toBe(5);
    expect(after.collected.sort()).toEqual(classTests.sort());
  });
});
