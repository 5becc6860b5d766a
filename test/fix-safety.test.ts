import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, cli, makeTree, pythonParses } from "./helpers.js";

function mockClassFile(n: number): string {
  const classes = Array.from({ length: 40 }, (_, i) => `class TestCase${n}_${i}:\n    def test_a(self):\n        assert MagicMock()\n`).join("\n\n");
  return `"""Module ${n}."""\nfrom unittest.mock import MagicMock\n\n\n${classes}`;
}

describe("--fix writes safely", () => {
  it("a SIGKILL in the middle of fixing many files leaves each file old or new, byte for byte", async () => {
    const count = 400;
    const files: Record<string, string> = {};
    for (let i = 0; i < count; i++) files[`tests/test_m${String(i).padStart(3, "0")}.py`] = mockClassFile(i);
    const expectedDir = makeTree(files);
    const r = cli(["--no-config", "--select", "MEM1", "--fix", "tests"], { cwd: expectedDir, timeout: 600_000 });
    expect(r.code).toBe(0);
    const fixed = new Map(Object.keys(files).map((rel) => [rel, fs.readFileSync(path.join(expectedDir, rel), "utf8")]));
    for (const [rel, text] of fixed) expect(text, rel).not.toBe(files[rel]);

    const dir = makeTree(files);
    const child = spawn(process.execPath, [BIN, "--no-config", "--select", "MEM1", "--fix", "tests"], { cwd: dir, stdio: "ignore" });
    // Kill once some files, but not all, have been rewritten.
    const first = path.join(dir, "tests", "test_m000.py");
    const deadline = Date.now() + 300_000;
    while (Date.now() < deadline && fs.readFileSync(first, "utf8") === files["tests/test_m000.py"]) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 300));
    child.kill("SIGKILL");
    await new Promise((r) => child.on("exit", r));

    let changed = 0;
    for (const rel of Object.keys(files)) {
      const now = fs.readFileSync(path.join(dir, rel), "utf8");
      expect([files[rel], fixed.get(rel)], rel).toContain(now);
      if (now !== files[rel]) changed++;
    }
    expect(changed).toBeGreaterThan(0);
    expect(changed).toBeLessThan(count);
    const leftovers = fs.readdirSync(path.join(dir, "tests")).filter((n) => !n.endsWith(".py"));
    expect(leftovers.length).toBeLessThanOrEqual(1); // at most the one temporary file being written when killed
  }, 900_000);

  it("keeps the file mode, and --diff writes nothing and exits 1", () => {
    const source = mockClassFile(1);
    const dir = makeTree({ "test_mode.py": source });
    const file = path.join(dir, "test_mode.py");
    fs.chmodSync(file, 0o751);
    const diff = cli(["--no-config", "--diff"], { cwd: dir });
    expect(diff.code).toBe(1);
    expect(diff.stdout).toMatch(/^--- a\/test_mode\.py/m);
    expect(diff.stdout).toMatch(/^\+@pytest\.mark\.xdist_group\(name="mode_tests"\)$/m);
    expect(fs.readFileSync(file, "utf8")).toBe(source);
    const fix = cli(["--no-config", "--fix"], { cwd: dir });
    expect(fix.stdout).toMatch(/^Fixed \d+ findings in 1 file\.$/m);
    expect(fs.statSync(file).mode & 0o777).toBe(0o751);
    expect(pythonParses(file).ok).toBe(true);
    const again = cli(["--no-config", "--diff"], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe("");
  });

  it("unsafe fixes are listed but applied only with --unsafe-fixes", () => {
    const source = "from unittest.mock import MagicMock\nfrom lib import Base\n\n\nclass TestA(Base):\n    def test_a(self):\n        MagicMock()\n";
    const dir = makeTree({ "test_u.py": source });
    const r = cli(["--no-config", "--select", "MEM103", "--fix"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("(1 more fixable with --unsafe-fixes)");
    expect(fs.readFileSync(path.join(dir, "test_u.py"), "utf8")).toBe(source);
    const u = cli(["--no-config", "--select", "MEM1", "--fix", "--unsafe-fixes"], { cwd: dir });
    expect(u.code).toBe(0);
    expect(u.stdout).toMatch(/^Fixed 3 findings in 1 file\.$/m);
    expect(fs.readFileSync(path.join(dir, "test_u.py"), "utf8")).toContain("def teardown_method(self, method):");
  });
});
