/**
 * SIGINT/SIGTERM at random moments of a 3,000-file `--fix`, 40 SIGINT rounds (20 with each of --jobs 1 and 2) and 2 SIGTERM rounds,
 * --jobs 1 and --jobs 2 in turn: after every interrupt each file holds its old bytes or its fixed
 * bytes, no temporary file is left anywhere in the tree (the fixer's or the cache's), and the run
 * ends with status 130 (143 for SIGTERM).
 *
 * The tree is generated once and fixed once without interruption (the expected bytes of every
 * file, and the length of a whole run). Then each round runs `--fix` on the tree as the rounds
 * before left it (some files fixed, the rest not) and interrupts it at a random moment: a round
 * goes through Node's start-up, the walk, the files already fixed (cache hits) and then fixes
 * files until the signal, so the rounds together move the interrupts along the tree without running
 * it from scratch each time. Once less than 40% of the tree is left to fix (twice what a round's
 * window can reach), the fixed files get their old bytes back: a signal always lands well before
 * the run's end, never while it is exiting (where a signal can no longer change its status).
 *
 * Why it is not slower: a whole run is mostly fsync (one per written file, the atomic write) and
 * parsing; the test runs about two whole runs' worth of work in total instead of one per round.
 *
 * A signal that arrives while Node itself is starting, before the CLI's first line has installed
 * its handlers, ends the process by the signal's default action: the status a shell reports is
 * 130/143 all the same (128 + the signal's number), and nothing can have been written yet. The test
 * accepts that form only when the round changed no file; all other rounds must exit 130/143 through
 * the handlers.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, tmpDir } from "./helpers.js";

// The size; PYTEST_MEMLINT_KILL_FILES makes it smaller for a quick local run.
const COUNT = Number(process.env["PYTEST_MEMLINT_KILL_FILES"] ?? 3000);
// 20 SIGINT rounds with each of --jobs 1 and --jobs 2 (they alternate).
const ROUNDS = 40;
const ARGS = ["--no-config", "--select", "MEM102", "--fix", "--format", "json", "tests"];
const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 } as const;
type StopSignal = keyof typeof SIGNAL_NUMBERS;
const CACHE = ".pytest-memlint_cache";

function source(i: number): string {
  return `import os\n\n\nclass TestC${i}:\n    def test_get(self, mocker):\n        mocker.patch.object(os, "getcwd", autospec=True)\n`;
}

const NAMES = Array.from({ length: COUNT }, (_, i) => `test_${String(i).padStart(4, "0")}.py`);
const OLD = NAMES.map((_, i) => source(i));

interface Ended {
  code: number | null;
  killedBy: NodeJS.Signals | null;
  stderr: string;
  ms: number;
}

/** Runs the CLI; `signalAfterMs` sends `signal` then unless it ended first. A hang is ended by SIGKILL after `hangMs`. */
function runFix(cwd: string, jobs: number, hangMs: number, signalAfterMs?: number, signal: StopSignal = "SIGINT"): Promise<Ended & { signalled: boolean; hung: boolean }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [BIN, ...ARGS, "--jobs", String(jobs)], { cwd, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    let signalled = false;
    let hung = false;
    let exited = false;
    child.on("exit", () => (exited = true));
    const timer =
      signalAfterMs === undefined
        ? undefined
        : setTimeout(() => {
            if (!exited) {
              signalled = true;
              child.kill(signal);
            }
          }, signalAfterMs);
    const guard = setTimeout(() => {
      hung = true;
      child.kill("SIGKILL");
    }, hangMs + (signalAfterMs ?? 0));
    // "close": the exit status and all of standard error.
    child.on("close", (code, killedBy) => {
      clearTimeout(timer);
      clearTimeout(guard);
      resolve({ code, killedBy, stderr, ms: Date.now() - started, signalled, hung });
    });
  });
}

/** Every path under `dir` (files only), relative, sorted. */
function allFiles(dir: string, rel = ""): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const child = path.posix.join(rel, entry.name);
    if (entry.isDirectory()) out.push(...allFiles(dir, child));
    else out.push(child);
  }
  return out.sort();
}

/** Files that are neither a test file nor a cache entry (a temporary file of the fixer or of the cache). */
function strayFiles(dir: string): string[] {
  const tests = new Set(NAMES.map((n) => `tests/${n}`));
  const cacheEntry = new RegExp(`^${CACHE.replace(/\./g, "\\.")}/(?:\\.gitignore|v1/[0-9a-f]{20}/(?:dir|test_\\d{4}\\.py\\.json))$`);
  return allFiles(dir).filter((f) => !tests.has(f) && !cacheEntry.test(f));
}

describe("SIGINT/SIGTERM at random moments of a 3,000-file --fix", () => {
  let dir = "";
  let fixed: string[] = [];
  let wholeRunMs = 0;
  let warmPassMs = 0;

  /** Per file: true = fixed bytes, false = old bytes; any other content fails the test. */
  function state(): boolean[] {
    return NAMES.map((n, i) => {
      const now = fs.readFileSync(path.join(dir, "tests", n), "utf8");
      if (now === fixed[i]) return true;
      expect(now, `${n} is neither its old nor its fixed content`).toBe(OLD[i]);
      return false;
    });
  }

  beforeAll(async () => {
    dir = tmpDir("memlint-kill-");
    fs.mkdirSync(path.join(dir, "tests"));
    for (const [i, n] of NAMES.entries()) fs.writeFileSync(path.join(dir, "tests", n), OLD[i] ?? "");
    // The reference: one uninterrupted run gives every file's fixed bytes and the length of a whole run.
    const whole = await runFix(dir, 2, 1_800_000);
    expect([whole.code, whole.stderr]).toEqual([0, ""]);
    wholeRunMs = whole.ms;
    fixed = NAMES.map((n) => fs.readFileSync(path.join(dir, "tests", n), "utf8"));
    for (const [i, text] of fixed.entries()) {
      expect(text, NAMES[i]).not.toBe(OLD[i]);
      expect(text, NAMES[i]).toMatch(/xdist_group/);
    }
    // A --fix over the fixed tree writes nothing; the second one is all cache hits: how long a
    // round takes to reach the first file left to fix, at most.
    for (let pass = 0; pass < 2; pass++) {
      const again = await runFix(dir, 2, 1_800_000);
      expect([again.code, again.stderr]).toEqual([0, ""]);
      warmPassMs = again.ms;
    }
    expect(NAMES.filter((n, i) => fs.readFileSync(path.join(dir, "tests", n), "utf8") !== fixed[i])).toEqual([]);
    for (const [i, n] of NAMES.entries()) fs.writeFileSync(path.join(dir, "tests", n), OLD[i] ?? "");
  }, 3_600_000);

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`${ROUNDS} SIGINT rounds and 2 SIGTERM rounds, --jobs 1 and --jobs 2 in turn: every file old or new, no temporary file, status 130/143`, async () => {
    // A round's signal comes in [0, window): the window covers the way to the first file left to fix
    // plus a fifth of a whole run, so the rounds move through most of the tree.
    const window = warmPassMs + (4 * wholeRunMs) / ROUNDS;
    const total = ROUNDS + 2;
    const tally = { signalled: 0, handled: 0, defaultAction: 0, written: 0, resets: 0, finishedFirst: 0 };
    for (let attempt = 0; tally.signalled < total; attempt++) {
      expect(attempt, "too many rounds ended before their signal").toBeLessThan(3 * total);
      const jobs = 1 + (attempt % 2);
      let before = state();
      if (before.filter((isNew) => !isNew).length < 0.4 * COUNT) {
        for (const [i, n] of NAMES.entries()) if (before[i]) fs.writeFileSync(path.join(dir, "tests", n), OLD[i] ?? "");
        before = state();
        tally.resets++;
      }
      const signal: StopSignal = tally.signalled >= ROUNDS ? "SIGTERM" : "SIGINT";
      const hangMs = Math.max(120_000, 5 * wholeRunMs);
      const r = await runFix(dir, jobs, hangMs, Math.random() * window, signal);
      const after = state();
      expect(strayFiles(dir)).toEqual([]);
      expect(r.hung, `still running ${hangMs} ms after the signal`).toBe(false);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      // A fixed file is never put back.
      for (const [i, isNew] of before.entries()) if (isNew) expect(after[i], NAMES[i]).toBe(true);
      const changed = after.filter((isNew, i) => isNew !== before[i]).length;
      if (!r.signalled) {
        // It finished before its signal was due: a whole, uninterrupted run.
        expect([r.code, after.includes(false)]).toEqual([0, false]);
        tally.finishedFirst++;
        continue;
      }
      tally.signalled++;
      tally.written += changed;
      const status = r.code ?? 128 + (r.killedBy === null ? 0 : (SIGNAL_NUMBERS[r.killedBy as StopSignal] ?? 0));
      expect(status, `--jobs ${jobs}, ${signal} after ${r.ms} ms: ${r.stderr}`).toBe(128 + SIGNAL_NUMBERS[signal]);
      if (r.code === null) {
        // Ended by the default action: only while Node was starting, when nothing can have been written.
        expect([r.killedBy, changed]).toEqual([signal, 0]);
        tally.defaultAction++;
      } else {
        tally.handled++;
      }
    }
    console.info(`${COUNT} files, whole run ${wholeRunMs} ms, warm pass ${warmPassMs} ms, window ${Math.round(window)} ms: ${JSON.stringify(tally)}`);
    // The handlers answered most signals, and the interrupted runs fixed files: the signals came during the writes.
    expect(tally.handled).toBeGreaterThan(total / 2);
    expect(tally.written).toBeGreaterThan(0);
  }, 3_600_000);
});
