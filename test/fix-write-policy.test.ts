import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readRegularFile } from "../src/engine/read-file.js";
import { replaceFile } from "../src/fix/write.js";
import { cli, makeTree, tmpDir } from "./helpers.js";

// A test class that uses mocks: MEM102 (safe fix: an xdist_group mark) on its own.
const FIXABLE = `import os


class TestClient:
    def test_get(self, mocker):
        mocker.patch.object(os, "getcwd", autospec=True)
`;

const FIX = ["--no-config", "--select", "MEM102", "--fix"];

function listAll(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).sort();
}

describe("what --fix writes", () => {
  it("a symlink to a file outside the paths given is linted but not written (one warning)", () => {
    const outside = makeTree({ "test_target.py": FIXABLE });
    const dir = makeTree({ "tests/test_real.py": FIXABLE });
    fs.symlinkSync(path.join(outside, "test_target.py"), path.join(dir, "tests", "test_link.py"));
    const r = cli([...FIX, "tests"], { cwd: dir });
    expect(r.stderr).toBe("warning: tests/test_link.py: not fixed: a symbolic link to a file outside the paths given\n");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^tests\/test_link\.py:4:1: MEM102 \[\*\]/m);
    expect(fs.readFileSync(path.join(outside, "test_target.py"), "utf8")).toBe(FIXABLE);
    expect(fs.readFileSync(path.join(dir, "tests", "test_real.py"), "utf8")).not.toBe(FIXABLE);
    expect(listAll(outside)).toEqual(["test_target.py"]);
  });

  it("a symlink to a file inside the same tree is fixed through (the link stays a link)", () => {
    const dir = makeTree({ "tests/real/test_target.py": FIXABLE });
    fs.symlinkSync(path.join("real", "test_target.py"), path.join(dir, "tests", "test_link.py"));
    const r = cli([...FIX, "tests/test_link.py"], { cwd: path.join(dir) });
    // Named explicitly, the link's tree is its folder `tests`, which holds the target.
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(fs.lstatSync(path.join(dir, "tests", "test_link.py")).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(dir, "tests", "real", "test_target.py"), "utf8")).toMatch(/xdist_group/);
  });

  it("a file without write permission is not replaced: one warning, the finding stays", () => {
    const dir = makeTree({ "test_ro.py": FIXABLE });
    const file = path.join(dir, "test_ro.py");
    fs.chmodSync(file, 0o444);
    const r = cli([...FIX, "."], { cwd: dir });
    expect(r.stderr).toBe("warning: test_ro.py: not fixed: no write permission; left as it is\n");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^test_ro\.py:4:1: MEM102/m);
    expect(fs.readFileSync(file, "utf8")).toBe(FIXABLE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o444);
  });

  it("a file edited after it was read is left as it is; a deleted one is not created again", () => {
    const dir = makeTree({ "test_a.py": "old\n", "test_b.py": "old\n", "test_c.py": "old\n" });
    const a = path.join(dir, "test_a.py");
    const readA = readRegularFile(a).stamp;
    fs.writeFileSync(a, "edited by the user\n");
    expect(replaceFile(a, Buffer.from("fixed\n"), readA)).toBe("changed");
    expect(fs.readFileSync(a, "utf8")).toBe("edited by the user\n");

    const b = path.join(dir, "test_b.py");
    const readB = readRegularFile(b).stamp;
    fs.rmSync(b);
    expect(replaceFile(b, Buffer.from("fixed\n"), readB)).toBe("gone");
    expect(fs.existsSync(b)).toBe(false);

    const c = path.join(dir, "test_c.py");
    fs.chmodSync(c, 0o640);
    expect(replaceFile(c, Buffer.from("fixed\n"), readRegularFile(c).stamp)).toBe("written");
    expect(fs.readFileSync(c, "utf8")).toBe("fixed\n");
    expect(fs.statSync(c).mode & 0o777).toBe(0o640);
    expect(listAll(dir)).toEqual(["test_a.py", "test_c.py"]);
  });
});

describe("only regular files are read", () => {
  const guard = { timeout: 60_000 };

  it("a FIFO found in a walk, named as a path, as --config or as --baseline: one error line, exit 2, no hang", () => {
    const dir = makeTree({ "tests/test_ok.py": "def test_x():\n    pass\n" });
    execFileSync("mkfifo", [path.join(dir, "tests", "test_fifo.py"), path.join(dir, "cfg.toml"), path.join(dir, "base.json")]);
    const walk = cli(["--no-config", "tests"], { cwd: dir, ...guard });
    expect([walk.code, walk.stderr]).toEqual([2, "error: tests/test_fifo.py: not a regular file (a FIFO); not read\n"]);
    const named = cli(["--no-config", "tests/test_fifo.py"], { cwd: dir, ...guard });
    expect([named.code, named.stderr]).toEqual([2, "error: tests/test_fifo.py: not a regular file (a FIFO); not read\n"]);
    const config = cli(["--config", "cfg.toml", "tests/test_ok.py"], { cwd: dir, ...guard });
    expect([config.code, config.stderr]).toEqual([2, `error: ${path.join(dir, "cfg.toml")}: not a regular file (a FIFO); not read\n`]);
    const baseline = cli(["--no-config", "--baseline", "base.json", "tests/test_ok.py"], { cwd: dir, ...guard });
    expect([baseline.code, baseline.stderr]).toEqual([2, "error: base.json: baseline file not a regular file (a FIFO); not read\n"]);
  });

  it.runIf(fs.existsSync("/dev/zero"))("/dev/zero named on the command line is refused at once", () => {
    const dir = tmpDir();
    const r = cli(["--no-config", "/dev/zero"], { cwd: dir, ...guard });
    expect([r.code, r.stderr]).toEqual([2, "error: ../../dev/zero: not a regular file (a character device); not read\n".replace("../../dev/zero", path.relative(dir, "/dev/zero"))]);
  });

  it("a file over max-file-size-mb is one error line; the other files are checked", () => {
    const big = "x = 1\n".repeat(200_000); // 1.2 MB
    const dir = makeTree({ ".pytest-memlint.toml": "max-file-size-mb = 1\nselect = ['MEM102']\n", "test_big.py": big, "test_small.py": FIXABLE });
    const r = cli(["."], { cwd: dir, ...guard });
    expect(r.stderr).toBe("error: test_big.py: larger than the 1 MB limit (max-file-size-mb); not read\n");
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^test_small\.py:4:1: MEM102/m);
    const bad = cli(["."], { cwd: makeTree({ ".pytest-memlint.toml": "max-file-size-mb = 0\n" }) });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/key 'max-file-size-mb'/);
  });
});
