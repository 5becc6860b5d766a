import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, cli, makeTree, parseFindings } from "./helpers.js";

// A test class that uses mocks: MEM102 (safe fix: an xdist_group mark) on its own.
const FIXABLE = `import os


class TestClient:
    def test_get(self, mocker):
        mocker.patch.object(os, "getcwd", autospec=True)
`;

describe("command line: paths, --jobs, standard output", () => {
  it("paths after `--` are the paths checked (and fixed); nothing else is touched", () => {
    const dir = makeTree({ "test_one.py": FIXABLE, "test_two.py": FIXABLE });
    const r = cli(["--no-config", "--select", "MEM102", "--fix", "--", "test_one.py"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("Fixed 1 finding in 1 file.\n");
    expect(fs.readFileSync(path.join(dir, "test_one.py"), "utf8")).not.toBe(FIXABLE);
    expect(fs.readFileSync(path.join(dir, "test_two.py"), "utf8")).toBe(FIXABLE);
    // A path that looks like a flag is a path after `--`.
    fs.writeFileSync(path.join(dir, "--fix"), "");
    const dashed = cli(["--no-config", "--format", "json", "--", "--fix"], { cwd: dir });
    expect([dashed.code, dashed.stdout, dashed.stderr]).toEqual([0, "[]\n", ""]);
  });

  it("--jobs above the CPU count is lowered to it, with a note on standard error", () => {
    const dir = makeTree({ "test_one.py": FIXABLE });
    const r = cli(["--no-config", "--select", "MEM102", "--format", "json", "--jobs", "300", "."], { cwd: dir });
    const cpus = os.availableParallelism();
    expect(r.stderr).toBe(`note: --jobs 300 lowered to ${cpus}, the number of CPUs\n`);
    expect(r.code).toBe(1);
    expect(parseFindings(r.stdout).map((f) => f.code)).toEqual(["MEM102"]);
    const within = cli(["--no-config", "--format", "json", "--jobs", String(cpus), "."], { cwd: dir });
    expect(within.stderr).toBe("");
  });

  it("a reader that closes the pipe early (`| head -1`) gets no stack trace", () => {
    // More than a pipe's buffer (64 KiB) of findings, so the writer meets the closed pipe.
    const classes = Array.from({ length: 600 }, (_, i) => `class TestC${i}:\n    def test_a(self, mocker):\n        pass\n`).join("\n\n");
    const dir = makeTree({ "test_many.py": classes });
    for (let i = 0; i < 3; i++) {
      const r = spawnSync("bash", ["-c", `set -o pipefail; "${process.execPath}" "${BIN}" --no-config . | head -1 >/dev/null`], {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1" },
        timeout: 120_000,
      });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(1);
    }
  });

  it.runIf(fs.existsSync("/dev/full"))("a full disk on standard output is one error line and exit 2", () => {
    const dir = makeTree({ "test_one.py": FIXABLE });
    const r = spawnSync("bash", ["-c", `"${process.execPath}" "${BIN}" --no-config . > /dev/full`], { cwd: dir, encoding: "utf8", timeout: 120_000 });
    expect(r.stderr).toBe("error: standard output could not be written (ENOSPC)\n");
    expect(r.status).toBe(2);
  });
});

describe("command line: what the text report says", () => {
  it("escapes terminal control characters in file names (text report and error lines)", () => {
    const name = "test_\u001b]0;pwned\u0007\u001b[31mred.py";
    const dir = makeTree({ [name]: FIXABLE, "test_bad\u001b[2J.py": Buffer.from([0xff, 0xfe, 0x00]) });
    const r = cli(["--no-config", "--select", "MEM102", "."], { cwd: dir });
    expect(r.code).toBe(2);
    const controls = (s: string) => [...s].filter((ch) => ch !== "\n" && (ch < " " || (ch >= "\u007f" && ch <= "\u009f")));
    expect(controls(r.stdout)).toEqual([]);
    expect(controls(r.stderr)).toEqual([]);
    expect(r.stdout).toContain("test_\\x1b]0;pwned\\x07\\x1b[31mred.py:4:1: MEM102");
    expect(r.stderr).toBe("error: test_bad\\x1b[2J.py: binary file (contains a NUL byte), not Python source\n");
    // Formats meant for machines keep the real name.
    const json = cli(["--no-config", "--select", "MEM102", "--format", "json", "."], { cwd: dir });
    expect(parseFindings(json.stdout).map((f) => f.path)).toEqual([name]);
  });

  // `script` (util-linux) runs the CLI on a pseudo-terminal, where the text report shows excerpts.
  const hasScript = spawnSync("script", ["--version"]).status === 0;
  it.runIf(hasScript || process.env["CI"] === "true")("one 226 KB line with 2,000 findings prints a bounded window of it per finding on a terminal", () => {
    const line = `    m = MagicMock(); ${Array.from({ length: 2000 }, () => `${" ".repeat(106)}m.a.b.c`).join(";")}`;
    expect(line.length).toBeGreaterThan(226_000);
    const dir = makeTree({ "test_line.py": `from unittest.mock import MagicMock\n\n\ndef test_x():\n${line}\n` });
    const command = `"${process.execPath}" "${BIN}" --no-config --no-cache --select MEM203 .`;
    const env = { ...process.env };
    delete env["NO_COLOR"];
    delete env["FORCE_COLOR"];
    const r = spawnSync("script", ["-qec", command, "/dev/null"], { cwd: dir, env, maxBuffer: 1 << 30, timeout: 300_000 });
    const out = r.stdout.toString("utf8");
    // eslint-disable-next-line no-control-regex
    const plain = out.replace(/\u001b\[[0-9;]*m/g, "");
    expect(plain).toContain("Found 2000 findings.");
    // Each finding: its line, and an excerpt of at most 160 characters of the source line (with `...` marks).
    const excerpts = plain.split(/\r?\n/).filter((l) => l.startsWith("5 | "));
    expect(excerpts).toHaveLength(2000);
    for (const e of excerpts) expect(e.length).toBeLessThanOrEqual("5 | ".length + 160 + 6);
    // So about 0.5 KB per finding, not the whole line (450 MB in all).
    expect(Buffer.byteLength(out)).toBeLessThan(2000 * 1024);
  }, 300_000);

  it("does not say 'All checks passed!' after error lines", () => {
    const dir = makeTree({ "test_ok.py": "def test_x():\n    pass\n", "test_bad.py": Buffer.from([0xff, 0xfe, 0x41]) });
    const r = cli(["--no-config", "."], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: test_bad\.py: not valid UTF-8/);
    expect(r.stdout).toBe("No findings in the files checked, but 1 error was reported.\n");
  });

  it("does not say 'All checks passed!' when no file was checked", () => {
    const dir = makeTree({ "notes.txt": "x", "src/module.py": "x = 1\n" });
    const r = cli(["--no-config", "."], { cwd: dir });
    expect([r.code, r.stdout, r.stderr]).toEqual([0, "No test files found to check.\n", ""]);
    const stats = cli(["--no-config", "--statistics", "."], { cwd: dir });
    expect(stats.stdout).toBe("No test files found to check.\n");
  });
});
