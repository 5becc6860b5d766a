/**
 * The hooks of .pre-commit-hooks.yaml run by the real `pre-commit` program (Debian package `pre-commit`,
 * installed by .ci/run): a temporary git repository whose .pre-commit-config.yaml points at this
 * repository, `pre-commit install`, then real `git commit`s.
 *
 * pre-commit clones the hook repository at `rev` and installs it with `npm install` + `npm pack` +
 * `npm install -g` (so a clean install must build dist/). When this working tree has no uncommitted
 * changes, the config points at it at its current commit (`git rev-parse HEAD`); otherwise the test
 * commits a snapshot of the working tree (tracked and untracked files that git does not ignore) to a
 * temporary repository and points there, so that what is tested is the code in front of you.
 * The install reaches the npm registry and builds tree-sitter, so it takes a minute or two.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { missingProgram, skipIfMissing, ROOT, tmpDir } from "./helpers.js";

const BAD = "from unittest.mock import MagicMock\n\n\nclass TestThing:\n    def test_it(self):\n        assert MagicMock()\n";
const CLEAN = "def test_ok():\n    assert 1 + 1 == 2\n";
// The fixing hook's run is pinned to rules whose fixes leave BAD clean, so that the second commit passes.
const FIXABLE = "MEM101,MEM102,MEM103";

/** The environment for git and pre-commit: no variables of an enclosing git hook or of the test runner. */
function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith("GIT_") || k.startsWith("VITEST") || k === "NODE_OPTIONS" || k === "NODE_ENV" || k.startsWith("PRE_COMMIT")) continue;
    out[k] = v;
  }
  return { ...out, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com", GIT_CONFIG_NOSYSTEM: "1", ...extra };
}

function run(cmd: string, args: string[], cwd: string, extra: NodeJS.ProcessEnv = {}): { code: number; out: string } {
  const r: SpawnSyncReturns<string> = spawnSync(cmd, args, { cwd, env: env(extra), encoding: "utf8", timeout: 900_000 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

function git(cwd: string, ...args: string[]): string {
  const r = run("git", ["-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", ...args], cwd);
  if (r.code !== 0) throw new Error(`git ${args.join(" ")} failed in ${cwd}:\n${r.out}`);
  return r.out.trim();
}

/** The hook repository and revision: this repository at HEAD when clean, else a committed snapshot of the working tree. */
/** Temporary folders this file made (the pre-commit home holds a built environment): removed at the end. */
const made: string[] = [];
function madeDir(prefix: string): string {
  const dir = tmpDir(prefix);
  made.push(dir);
  return dir;
}

function hookRepository(): { repo: string; rev: string } {
  const status = git(ROOT, "status", "--porcelain", "--untracked-files=all");
  if (status === "") return { repo: ROOT, rev: git(ROOT, "rev-parse", "HEAD") };
  const snapshot = path.join(madeDir("memlint-hookrepo-"), "repo");
  fs.mkdirSync(snapshot);
  const listed = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0");
  for (const rel of listed) {
    if (rel === "") continue;
    const src = path.join(ROOT, rel);
    if (!fs.existsSync(src) || !fs.statSync(src).isFile()) continue;
    const dest = path.join(snapshot, rel);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(src, dest);
    fs.chmodSync(dest, fs.statSync(src).mode);
  }
  git(snapshot, "init", "-q");
  git(snapshot, "add", "-A");
  git(snapshot, "commit", "-q", "-m", "snapshot of the working tree");
  return { repo: snapshot, rev: git(snapshot, "rev-parse", "HEAD") };
}

interface Project {
  dir: string;
  commit(files: Record<string, string>, message: string): { code: number; out: string };
}

function project(preCommitHome: string, hookRepo: { repo: string; rev: string }, hooks: string): Project {
  const dir = path.join(madeDir("memlint-precommit-"), "project");
  fs.mkdirSync(dir);
  git(dir, "init", "-q");
  fs.writeFileSync(path.join(dir, ".pre-commit-config.yaml"), `repos:\n  - repo: ${JSON.stringify(hookRepo.repo)}\n    rev: ${hookRepo.rev}\n    hooks:\n${hooks}`);
  git(dir, "add", ".pre-commit-config.yaml");
  git(dir, "commit", "-q", "--no-verify", "-m", "config");
  const install = run("pre-commit", ["install"], dir, { PRE_COMMIT_HOME: preCommitHome });
  if (install.code !== 0) throw new Error(`pre-commit install failed:\n${install.out}`);
  return {
    dir,
    commit(files, message) {
      for (const [rel, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), content);
      }
      git(dir, "add", "-A");
      return run("git", ["-c", "commit.gpgsign=false", "commit", "-m", message], dir, { PRE_COMMIT_HOME: preCommitHome });
    },
  };
}

const missing = missingProgram({ cmd: "pre-commit", args: ["--version"], what: "the pre-commit program", debianPackage: "pre-commit" });

describe("pre-commit hooks", () => {
  let hookRepo: { repo: string; rev: string };
  let preCommitHome: string;

  beforeAll(() => {
    if (missing) return;
    hookRepo = hookRepository();
    preCommitHome = madeDir("memlint-pchome-");
    // Install the hook environment once (both hooks share it); its output helps when the install fails.
    const warm = project(preCommitHome, hookRepo, "      - id: pytest-memlint\n");
    const r = run("pre-commit", ["install-hooks"], warm.dir, { PRE_COMMIT_HOME: preCommitHome });
    if (r.code !== 0) {
      const log = path.join(preCommitHome, "pre-commit.log");
      throw new Error(`installing the hook failed:\n${r.out}\n${fs.existsSync(log) ? fs.readFileSync(log, "utf8") : ""}`);
    }
  }, 900_000);

  afterAll(() => {
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("the checking hook fails a commit of a bad test file and shows the findings; a clean file passes", (ctx) => {
    skipIfMissing(ctx, missing);
    const p = project(preCommitHome, hookRepo, "      - id: pytest-memlint\n");
    const bad = p.commit({ "tests/test_bad.py": BAD }, "bad");
    expect(bad.code, bad.out).not.toBe(0);
    expect(bad.out).toMatch(/pytest-memlint\.+Failed/);
    expect(bad.out).toContain("tests/test_bad.py:4:1: MEM102 ");
    expect(bad.out).toContain("tests/test_bad.py:4:1: MEM103 ");
    expect(bad.out).toMatch(/Found \d+ findings/);
    // Nothing was committed, and the file was left as it was.
    expect(git(p.dir, "log", "--format=%s")).toBe("config");
    expect(fs.readFileSync(path.join(p.dir, "tests", "test_bad.py"), "utf8")).toBe(BAD);

    fs.rmSync(path.join(p.dir, "tests", "test_bad.py"));
    const clean = p.commit({ "tests/test_clean.py": CLEAN, "tests/conftest.py": "import pytest\n" }, "clean");
    expect(clean.code, clean.out).toBe(0);
    expect(clean.out).toMatch(/pytest-memlint\.+Passed/);
    expect(git(p.dir, "log", "-1", "--format=%s")).toBe("clean");
  });

  it("skips Python files that are not tests or conftest", (ctx) => {
    skipIfMissing(ctx, missing);
    const p = project(preCommitHome, hookRepo, "      - id: pytest-memlint\n");
    const r = p.commit({ "src/helpers.py": BAD }, "not a test");
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/pytest-memlint\.+\(no files to check\)Skipped/);
  });

  it("the project's exclude applies to the files pre-commit names (the hooks pass --force-exclude)", (ctx) => {
    skipIfMissing(ctx, missing);
    const p = project(preCommitHome, hookRepo, "      - id: pytest-memlint\n");
    const config = '[tool.pytest-memlint]\nexclude = ["tests/legacy/**"]\n';
    const legacy = p.commit({ "pyproject.toml": config, "tests/legacy/test_old.py": BAD }, "legacy");
    expect(legacy.code, legacy.out).toBe(0);
    expect(legacy.out).toMatch(/pytest-memlint\.+Passed/);
    expect(legacy.out).not.toContain("MEM102");
    // The same file outside the excluded folder is checked.
    const current = p.commit({ "tests/test_new.py": BAD }, "new");
    expect(current.code, current.out).not.toBe(0);
    expect(current.out).toContain("tests/test_new.py:4:1: MEM102 ");
    expect(current.out).not.toContain("tests/legacy/");
  });

  it("the fixing hook rewrites the file, reports that files were modified, and the fixed file then passes", (ctx) => {
    skipIfMissing(ctx, missing);
    const p = project(preCommitHome, hookRepo, `      - id: pytest-memlint-fix\n        args: [--select, "${FIXABLE}"]\n`);
    const first = p.commit({ "tests/test_bad.py": BAD }, "bad");
    expect(first.code, first.out).not.toBe(0);
    expect(first.out).toMatch(/pytest-memlint \(fix\)\.+Failed/);
    expect(first.out).toContain("files were modified by this hook");
    expect(first.out).toMatch(/Fixed \d+ findings? in 1 file/);
    const fixed = fs.readFileSync(path.join(p.dir, "tests", "test_bad.py"), "utf8");
    expect(fixed).not.toBe(BAD);
    expect(fixed).toContain("import gc");
    expect(fixed).toContain("xdist_group");
    expect(fixed).toContain("gc.collect()");
    const second = p.commit({}, "fixed");
    expect(second.code, second.out).toBe(0);
    expect(second.out).toMatch(/pytest-memlint \(fix\)\.+Passed/);
    expect(git(p.dir, "show", "HEAD:tests/test_bad.py")).toBe(fixed.trimEnd());
  });
});
