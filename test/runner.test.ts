/**
 * The runner at scale: the per-file guard (an internal error in one file is one error line, the
 * other files are still reported), streamed reports equal to whole ones, progress only on a terminal.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { LineIndex } from "../src/engine/lines.js";
import { toRecord } from "../src/engine/record.js";
import type { Finding } from "../src/engine/types.js";
import { startProgress } from "../src/progress.js";
import { findingToJson, jsonReporter } from "../src/report/json.js";
import { sarifReporter } from "../src/report/sarif.js";
import { renderReport } from "../src/report/stream.js";
import type { ReportInput } from "../src/report/types.js";
import { BIN, cli, makeTree, parseFindings } from "./helpers.js";

const MOCKED = "from unittest.mock import MagicMock\n\n\nclass TestThing:\n    def test_it(self):\n        assert MagicMock()\n        gc.collect()\n";

function suite(): string {
  const files: Record<string, string> = {};
  for (const name of ["a", "b", "c", "d"]) files[`tests/test_${name}.py`] = MOCKED.replace("TestThing", `Test${name.toUpperCase()}`);
  return makeTree(files);
}

describe("per-file guard", () => {
  const clean = (cwd: string, extra: string[] = []) => cli(["--no-config", "--format", "json", ...extra], { cwd });

  for (const [stage, jobs, expected] of [
    ["rule", "1", /^error: tests\/test_b\.py: internal error in MEM\d{3}: fault injected at rule$/],
    ["rule", "2", /^error: tests\/test_b\.py: internal error in MEM\d{3}: fault injected at rule$/],
    ["parse", "2", /^error: tests\/test_b\.py: internal error while parsing: fault injected at parse$/],
    ["read", "1", /^error: tests\/test_b\.py: internal error while reading: fault injected at read$/],
  ] as const) {
    it(`an exception at the ${stage} stage of one file (--jobs ${jobs}): one error line, every other file reported, exit 2`, () => {
      const cwd = suite();
      const before = parseFindings(clean(cwd).stdout);
      // --no-cache: a cached result would not read, parse or lint the file again.
      const r = cli(["--no-config", "--no-cache", "--format", "json", "--jobs", jobs], { cwd, env: { NODE_ENV: "test", PYTEST_MEMLINT_INJECT_FAULT: `${stage}:test_b.py` } });
      expect(r.code).toBe(2);
      const lines = r.stderr.trimEnd().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(expected);
      const after = parseFindings(r.stdout);
      const others = (f: { path: string }) => f.path !== "tests/test_b.py";
      expect(after.filter(others)).toEqual(before.filter(others));
      expect(new Set(after.filter(others).map((f) => f.path))).toEqual(new Set(["tests/test_a.py", "tests/test_c.py", "tests/test_d.py"]));
    });
  }

  it("an exception in the fix loop of one file leaves it unchanged and fixes the others", () => {
    const cwd = suite();
    const r = cli(["--no-config", "--fix"], { cwd, env: { NODE_ENV: "test", PYTEST_MEMLINT_INJECT_FAULT: "fix:test_b.py" } });
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toEqual(["error: tests/test_b.py: internal error while fixing: fault injected at fix"]);
    expect(fs.readFileSync(path.join(cwd, "tests/test_b.py"), "utf8")).toBe(MOCKED.replace("TestThing", "TestB"));
    expect(fs.readFileSync(path.join(cwd, "tests/test_a.py"), "utf8")).toContain("import gc");
  });

  it("is not a user option: outside tests the variable does nothing", () => {
    const cwd = suite();
    const r = cli(["--no-config", "--format", "json"], { cwd, env: { NODE_ENV: "production", PYTEST_MEMLINT_INJECT_FAULT: "rule:test_b.py" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
  });
});

describe("streamed reports", () => {
  const text = "import os\nclass TestX:\n    pass\n\tx = '😀'  # tab\n";
  const findings: Finding[] = ["/w/b/test_2.py", "/w/a/test_1.py", "/w/a/test_1.py"].map((p, i) => ({
    code: `MEM10${i}`,
    name: `name-${i}`,
    severity: "warning",
    message: `message "${i}"\nwith a newline`,
    file: { path: p, text, lines: new LineIndex(text) },
    start: 10 + i * 12,
    end: text.length - 1,
    fix: i === 1 ? { applicability: "safe", message: "Fix it", edits: [{ start: 0, end: 9, content: "import gc\n" }] } : null,
  }));
  const records = findings.map(toRecord).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.start - b.start));
  const input = (findingsIn: typeof records): ReportInput => ({ findings: findingsIn, cwd: "/w", files: ["/w/c/test_3.py"], fixed: { findings: 0, files: 0 }, fixable: { safe: 1, unsafe: 0 }, fixMode: false, unsafeFixes: false, color: false, showSource: false, quiet: false });

  it("JSON written a file at a time is the same bytes as the whole array stringified", () => {
    expect(renderReport(jsonReporter, input(records))).toBe(JSON.stringify(records.map((f) => findingToJson(f, "/w")), null, 2) + "\n");
    expect(renderReport(jsonReporter, input([]))).toBe("[]\n");
  });

  it("SARIF written a file at a time is the same bytes as its whole log stringified", () => {
    for (const list of [records, []]) {
      const out = renderReport(sarifReporter, input(list));
      expect(JSON.stringify(JSON.parse(out), null, 2) + "\n").toBe(out);
    }
  });
});

describe("progress", () => {
  function fakeTerminal(isTTY: boolean): { stream: NodeJS.WriteStream; written: () => string } {
    const stream = Object.assign(new PassThrough(), { isTTY, columns: 100, cursorTo: () => true, clearLine: () => true, moveCursor: () => true }) as unknown as NodeJS.WriteStream;
    let written = "";
    stream.on("data", (d: Buffer) => (written += d.toString()));
    return { stream, written: () => written };
  }

  it("shows files done / total on a terminal for a long run, and nothing otherwise", async () => {
    const tty = fakeTerminal(true);
    const p = await startProgress(250, tty.stream);
    for (let i = 0; i < 250; i++) p.tick();
    p.stop();
    expect(tty.written()).toMatch(/\d+\/250 files/);
    const pipe = fakeTerminal(false);
    const q = await startProgress(250, pipe.stream);
    q.tick();
    q.stop();
    expect(pipe.written()).toBe("");
    const short = fakeTerminal(true);
    (await startProgress(20, short.stream)).stop();
    expect(short.written()).toBe("");
  });
});

describe("long runs", () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 230; i++) files[`tests/test_${String(i).padStart(3, "0")}.py`] = MOCKED.replace("TestThing", `Test${i}`);
  const shell = (command: string, cwd: string) => spawnSync("bash", ["-c", command], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, timeout: 120_000 });
  const node = `"${process.execPath}" "${BIN}"`;

  it("`| head -1`, or a reader that closes at once, ends quietly: no EPIPE trace, the usual exit code (lint and report)", () => {
    const cwd = makeTree(files);
    // The exit code of the linter itself, after the reader's output.
    const piped = (command: string, reader: string) => shell(`${node} ${command} | ${reader}; echo "exit=\${PIPESTATUS[0]}"`, cwd);
    // The JSON report (hundreds of KB) outlasts head: later writes meet a closed pipe.
    const lint = piped("--no-config --format json .", "head -1");
    expect(lint.stdout).toBe("[\nexit=1\n");
    expect(lint.stderr).toBe("");
    // `true` reads nothing and exits: the first write already fails, whatever the output's size.
    for (const command of ["--no-config .", "report --no-config .", "report --no-config --format json ."]) {
      const r = piped(command, "true");
      expect(r.stderr, command).toBe("");
      expect(r.stdout, command).toBe(`exit=${command.startsWith("report") ? 0 : 1}\n`);
    }
    const report = piped("report --no-config --format json .", "head -1");
    expect(report.stdout).toBe("{\nexit=0\n");
    expect(report.stderr).toBe("");
  }, 300_000);

  it("progress goes to a terminal's standard error, never into the report written to a file", () => {
    const cwd = makeTree(files);
    const piped = cli(["--no-config", "--format", "json"], { cwd });
    expect(piped.stderr).toBe("");
    // Larger than a pipe's buffer: what `| head -1` above leaves unread.
    expect(piped.stdout.length).toBeGreaterThan(1 << 16);
    // `script` gives the run a terminal; the report goes to a file.
    const r = shell(`script -qec '${node} --no-config --format json --output-file out.json . ; ${node} --no-config --format json . > redirected.json' /dev/null`, cwd);
    expect(r.stdout).toMatch(/\d+\/230 files/);
    expect(fs.readFileSync(path.join(cwd, "out.json"), "utf8")).toBe(piped.stdout);
    expect(fs.readFileSync(path.join(cwd, "redirected.json"), "utf8")).toBe(piped.stdout);
    // Standard output is the terminal, standard error is not: the JSON alone, no bar.
    const onTerminal = shell(`script -qec '${node} --no-config --format json . 2>/dev/null' /dev/null`, cwd);
    expect(onTerminal.stdout.replace(/\r\n/g, "\n")).toBe(piped.stdout);
  }, 300_000);

  it("the text summary says how many files were checked and how long it took on a terminal only", () => {
    const cwd = makeTree(files);
    const piped = cli(["--no-config", "--no-cache"], { cwd });
    expect(piped.stdout).not.toMatch(/Checked \d+ files/);
    const r = shell(`script -qec '${node} --no-config --no-cache --color never . 2>/dev/null' /dev/null`, cwd);
    const out = r.stdout.replace(/\r\n/g, "\n");
    expect(out).toMatch(/\nChecked 230 files in \d+(\.\d+s|m\d\ds)\.\n$/);
    expect(out.slice(0, out.lastIndexOf("Checked "))).toContain(piped.stdout.split("\n")[0]);
  }, 300_000);
});
