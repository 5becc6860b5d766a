/**
 * MEM000 against Python's own parser: for every case in fixtures/rules/MEM000, `ast.parse` (run
 * by python3, in the test only: the linter never executes Python) decides whether the file is
 * broken, on which line, and with which message; MEM000 must say the same.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { check, cli, FIXTURES, makeTree, parseFindings } from "./helpers.js";

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

describe("Python 2 statements among look-alikes", () => {
  // Words that hold `print`, `exec` or `except`, calls, strings and comments come before the statement Python rejects.
  const prelude = 'fingerprint = print("a")\nexecutor = exec("1")\n# print x\ns = "exec x"\ntry:\n    pass\nexcept (ValueError, KeyError):\n    pass\n';
  it.each([
    ["print", `${prelude}def test_a():\n    print "legacy"\n`],
    ["exec", `${prelude}def test_a():\n    exec "code"\n`],
    ["except", `${prelude}try:\n    pass\nexcept ValueError, e:\n    pass\n`],
    ["chevron (valid Python 3)", `${prelude}print >> f, "x"\n`],
    ["none", prelude],
  ])("%s", async (_name, src) => {
    const dir = makeTree({ "test_a.py": src });
    const file = path.join(dir, "test_a.py");
    const expected = pythonError(file);
    const findings = await mem000(file);
    expect(findings.map((f) => ({ line: f.line, message: f.message }))).toEqual(expected ? [expected] : []);
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

describe("valid Python that tree-sitter 0.25 rejects is not MEM000", () => {
  // Python 3.13 (PEP 696); the python3 here may be older, so the cases are checked against the grammar, not ast.
  it("type-parameter defaults", async () => {
    const src = [
      "class A[T: int = str]:\n    pass\n",
      "def f[T = int]():\n    pass\n",
      "type X[T = int] = list[T]\n",
      'class B[*Ts = *tuple[int, str], **P = [int, "a]b"], U: (int, str) = int]:\n    def m[V = dict[\n        str, int]](self): ...\n',
      "def test_x():\n    pass\n",
    ].join("\n\n");
    const dir = makeTree({ "test_a.py": src });
    const r = await check({ cwd: dir, noConfig: true, select: ["MEM000"] });
    expect([r.stdout, r.stderr]).toEqual(["[]\n", ""]);
    // A default left empty is still an error.
    const broken = await check({ cwd: makeTree({ "test_b.py": "class A[T = ]:\n    pass\n" }), noConfig: true, select: ["MEM000"] });
    expect(parseFindings(broken.stdout).map((f) => [f.line, f.message])).toEqual([[1, "SyntaxError: invalid syntax"]]);
  });
});

describe("a coding declaration Python cannot honour", () => {
  it.each(["utf-16", "utf-32", "utf-7"])("`# coding: %s` is a decoding error (one line, exit 2), not MEM000; other files still checked", (codec) => {
    const dir = makeTree({ "test_a.py": `# coding: ${codec}\nimport os\n`, "test_ok.py": "def test_x():\n    pass\n" });
    const r = cli(["--no-config", "--no-cache", "."], { cwd: dir });
    expect(r.stderr).toBe(`error: test_a.py: encoding problem: ${codec} (a coding declaration needs an ASCII-compatible encoding)\n`);
    expect([r.code, r.stdout]).toEqual([2, "No findings in the files checked, but 1 error was reported.\n"]);
    // Python refuses these too (UTF-7 only when the text does not happen to decode: it is refused here either way).
    if (codec !== "utf-7") {
      const py = spawnSync("python3", [path.join(dir, "test_a.py")], { encoding: "utf8" });
      expect(py.stderr).toContain(`SyntaxError: encoding problem: ${codec}`);
    }
  });
});
