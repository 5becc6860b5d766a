/**
 * MEM000 against Python's own parser: for every case in fixtures/rules/MEM000, `ast.parse` (run
 * by python3, in the test only: the linter never executes Python) decides whether the file is
 * broken, on which line, and with which message; MEM000 must say the same.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { check, FIXTURES, makeTree, parseFindings } from "./helpers.js";

const CASES = path.join(FIXTURES, "rules", "MEM000");

function pythonError(file: string): { line: number; message: string } | null {
  const script = "import ast,sys,json\ntry:\n    ast.parse(open(sys.argv[1],'rb').read())\n    print('null')\nexcept SyntaxError as e:\n    print(json.dumps({'line': e.lineno, 'message': type(e).__name__ + ': ' + e.msg}))\n";
  const r = spawnSync("python3", ["-c", script, file], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { line: number; message: string } | null;
}

async function mem000(file: string) {
  const dir = makeTree({ [path.basename(file)]: fs.readFileSync(file) });
  const r = await check({ cwd: dir, noConfig: true, select: ["MEM000"] });
  return parseFindings(r.stdout).filter((f) => f.code === "MEM000");
}

describe("MEM000 names the line and cause Python names", () => {
  const cases = fs.readdirSync(CASES).filter((n) => n.endsWith(".py"));
  it.each(cases)("%s", async (name) => {
    const file = path.join(CASES, name);
    const expected = pythonError(file);
    const findings = await mem000(file);
    if (expected === null) {
      expect(findings).toEqual([]);
      return;
    }
    expect(findings).toHaveLength(1);
    expect({ line: findings[0]?.line, message: findings[0]?.message }).toEqual(expected);
    // Never a whole-file span.
    expect(findings[0]?.endLine).toBe(findings[0]?.line);
  });
});

describe("a file with a syntax error", () => {
  it("gets no fix advertised (its fixes are never applied)", async () => {
    const dir = makeTree({ "test_a.py": "from unittest.mock import MagicMock\n\n\nclass TestA:\n    def test_a(self):\n        m = MagicMock()\n\n\ndef test_b(:\n    pass\n" });
    const r = await check({ cwd: dir, noConfig: true, select: ["MEM000", "MEM102", "MEM103"] });
    const findings = parseFindings(r.stdout);
    expect(findings.map((f) => `${f.code}:${f.line}`)).toEqual(["MEM102:4", "MEM103:4", "MEM000:9"]);
    expect(findings.every((f) => f.fix === null)).toBe(true);
    const text = await check({ cwd: dir, noConfig: true, select: ["MEM000", "MEM102", "MEM103"], format: "text" });
    expect(text.stdout).not.toContain("[*]");
    expect(text.stdout).not.toMatch(/fixable/);
  });
});
