/**
 * `--stdin-filename NAME` (editors): the source comes from standard input and is reported under NAME; with
 * `--fix` standard output is the whole source, fixed (or as given when nothing could be fixed), and the
 * findings that remain go to standard error. Runs the built CLI as a subprocess.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, cli, makeTree, parseFindings } from "./helpers.js";

const BAD = "from unittest.mock import MagicMock\n\n\nclass TestThing:\n    def test_it(self):\n        assert MagicMock()\n        gc.collect()\n";
const CLEAN = "def test_ok():\n    assert True\n";

describe("--stdin-filename", () => {
  it("lints standard input and reports it under the given name, not what is on disk", () => {
    const cwd = makeTree({ "tests/test_disk.py": CLEAN });
    const r = cli(["--stdin-filename", "tests/test_disk.py", "--format", "json"], { cwd, input: BAD });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    const findings = parseFindings(r.stdout);
    expect(findings.length).toBeGreaterThan(0);
    expect(new Set(findings.map((f) => f.path))).toEqual(new Set(["tests/test_disk.py"]));
    expect(new Set(findings.map((f) => f.code))).toContain("MEM101");
    // The same text on disk gives the same findings.
    const disk = makeTree({ "tests/test_disk.py": BAD });
    expect(parseFindings(cli(["--format", "json", "tests/test_disk.py"], { cwd: disk }).stdout)).toEqual(findings);
  });

  it("works for a name that does not exist, and exits 0 for clean source", () => {
    const cwd = makeTree({});
    const bad = cli(["--stdin-filename", "pkg/test_new.py"], { cwd, input: BAD });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^pkg\/test_new\.py:\d+:\d+: MEM101 /m);
    const clean = cli(["--stdin-filename", "pkg/test_new.py"], { cwd, input: CLEAN });
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain("All checks passed!");
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  it("with --fix prints the fixed source on stdout and the remaining findings on stderr, writing no file", () => {
    // What --fix does to the same text on disk is what stdin mode prints.
    const disk = makeTree({ "tests/test_x.py": BAD });
    const onDisk = cli(["--fix", "--format", "json", "tests/test_x.py"], { cwd: disk });
    const fixed = fs.readFileSync(path.join(disk, "tests", "test_x.py"), "utf8");
    expect(fixed).not.toBe(BAD);
    const remaining = parseFindings(onDisk.stdout);

    const cwd = makeTree({ "tests/test_x.py": BAD });
    const r = cli(["--stdin-filename", "tests/test_x.py", "--fix", "--format", "json"], { cwd, input: BAD });
    expect(r.stdout).toBe(fixed);
    expect(parseFindings(r.stderr)).toEqual(remaining);
    expect(r.code).toBe(remaining.length > 0 ? 1 : 0);
    expect(fs.readFileSync(path.join(cwd, "tests", "test_x.py"), "utf8")).toBe(BAD);
  });

  it("with --fix and text output, the summary goes to stderr and stdout stays pure source", () => {
    const cwd = makeTree({});
    const r = cli(["--stdin-filename", "test_x.py", "--fix"], { cwd, input: BAD });
    expect(r.stdout).toContain("import gc");
    expect(r.stdout).toContain("class TestThing:");
    expect(r.stdout).not.toMatch(/Fixed \d+|Found \d+|All checks passed/);
    expect(r.stderr).toMatch(/Fixed \d+ finding/);
  });

  it("with --fix echoes the source unchanged when there is nothing to fix (bytes kept as given)", () => {
    const cwd = makeTree({});
    const clean = Buffer.from("\uFEFFdef test_ok():\r\n    assert 'é'\r\n", "utf8");
    const r = cli(["--stdin-filename", "test_x.py", "--fix"], { cwd, input: clean });
    expect(r.code).toBe(0);
    expect(Buffer.from(r.stdout, "utf8").equals(clean)).toBe(true);
    const broken = "def test_x(:\n    gc.collect()\n";
    const b = cli(["--stdin-filename", "test_x.py", "--fix"], { cwd, input: broken });
    expect(b.stdout).toBe(broken);
    expect(b.stderr).toMatch(/test_x\.py:1:\d+: MEM000 /);
    expect(b.code).toBe(1);
  });

  it("with --fix keeps the source's encoding", () => {
    const source = "# -*- coding: latin-1 -*-\nfrom unittest.mock import MagicMock\n\n\nclass TestCafé:\n    def test_it(self):\n        assert MagicMock()  # é\n";
    const disk = makeTree({ "test_x.py": Buffer.from(source, "latin1") });
    cli(["--fix", "test_x.py"], { cwd: disk });
    const fixed = fs.readFileSync(path.join(disk, "test_x.py"));
    expect(fixed.equals(Buffer.from(source, "latin1"))).toBe(false);
    const r = cliBytes(["--stdin-filename", "test_x.py", "--fix"], makeTree({}), Buffer.from(source, "latin1"));
    expect(r.stderr).not.toContain("error:");
    expect(r.stdout.equals(fixed)).toBe(true);
    expect(r.stdout.includes(Buffer.from("TestCafé", "latin1"))).toBe(true);
    expect(r.stdout.includes(Buffer.from("TestCafé", "utf8"))).toBe(false);
  });

  it("a source that cannot be decoded is an error naming the file, exit 2", () => {
    const cwd = makeTree({});
    const bytes = Buffer.from([0x64, 0x65, 0x66, 0xff, 0xfe, 0x00, 0x0a]);
    const r = cli(["--stdin-filename", "test_x.py"], { cwd, input: bytes });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: test_x\.py: /m);
    // With --fix the editor gets its bytes back untouched.
    const f = cliBytes(["--stdin-filename", "test_x.py", "--fix"], cwd, bytes);
    expect(f.code).toBe(2);
    expect(f.stdout.equals(bytes)).toBe(true);
  });
});

/** As cli(), keeping standard output as bytes. */
function cliBytes(args: string[], cwd: string, input: Buffer): { code: number; stdout: Buffer; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, input, env: { ...process.env, NO_COLOR: "1" }, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString("utf8") };
}
