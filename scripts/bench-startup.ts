/**
 * npm run bench:startup [-- --runs N] [--cli PATH ...] [--profile]
 * Whole-process time of one 2,000-line test file (generated), median of N runs (default 15),
 * next to `node -e 0` measured in the same rounds (interleaved, so machine load hits both alike).
 * Cold: `--no-cache`; warm: the cache filled by a first run, with the run memo of the run before
 * (a repeated run) and without it (the memo removed first). `--cli` compares other builds of the
 * CLI (e.g. an older dist/src/cli.js). `--profile` adds where the CPU time of a cold run, a warm one and one answered from its memo goes
 * (V8 CPU profile, self time by module). CPU time (user + system, from /usr/bin/time) is given next to
 * the wall time: on a loaded machine it varies less.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "./median.js";

let root = path.dirname(fileURLToPath(import.meta.url));
while (!fs.existsSync(path.join(root, "package.json"))) root = path.dirname(root);

/** A test module of exactly `n` lines mixing what the rules look at (fixtures, mocks, arrays, classes). */
export function testModule(n: number): string {
  const lines = ["import gc", "import pytest", "from unittest import mock", "import numpy as np", ""];
  for (let i = 0; lines.length < n; i++) {
    lines.push(
      `class TestThing${i}:`,
      "    @pytest.fixture",
      `    def data${i}(self):`,
      "        return list(range(10))",
      "",
      `    def test_a${i}(self, data${i}):`,
      "        m = mock.Mock()",
      `        m.a.b.c.d.e.return_value = ${i}`,
      `        assert len(data${i}) == 10`,
      "        x = np.zeros((1000, 1000))",
      "        assert x is not None",
      "",
    );
  }
  return lines.slice(0, n).join("\n") + "\n";
}

const TIME = fs.existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

/** Wall time and, where /usr/bin/time exists, CPU time (user + system: steadier than wall time on a loaded machine). */
function timeOnce(args: string[], cwd: string): { ms: number; cpuMs: number | undefined } {
  const start = process.hrtime.bigint();
  const child = TIME
    ? spawnSync(TIME, ["-f", "%U %S", process.execPath, ...args], { cwd, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" })
    : spawnSync(process.execPath, args, { cwd, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (child.status !== 0 && child.status !== 1) throw new Error(`${args.join(" ")} failed: ${child.stderr}`);
  const times = TIME ? /([\d.]+) ([\d.]+)\s*$/.exec(child.stderr) : null;
  return { ms, cpuMs: times ? (Number(times[1]) + Number(times[2])) * 1000 : undefined };
}

/** Self time of a CPU profile grouped by where the code lives. */
function profileBreakdown(cli: string, args: string[], cwd: string, what: string, runsBefore = 0): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pm-prof-"));
  // The same profile folder for runs before the profiled one: a run memo's key holds Node's flags.
  for (let i = 0; i <= runsBefore; i++) {
    for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f));
    spawnSync(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${dir}`, cli, ...args], { cwd, stdio: "ignore" });
  }
  const name = fs.readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!name) return ["(no profile written)"];
  const profile = JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")) as {
    nodes: { id: number; callFrame: { url: string; functionName: string } }[];
    samples: number[];
    timeDeltas: number[];
  };
  fs.rmSync(dir, { recursive: true, force: true });
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const groups = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    const us = profile.timeDeltas[i] ?? 0;
    total += us;
    const url = frame?.url ?? "";
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
    const key = pkg
      ? `package ${pkg}`
      : url.includes("/dist/")
        ? `pytest-memlint ${url.slice(url.indexOf("/dist/") + 1).replace(/chunk-\w+/, "chunk")}`
        : url.startsWith("node:")
          ? "node internals (module loader, fs)"
          : (frame?.functionName ?? "") !== ""
            ? `(${frame?.functionName})`
            : "(other)";
    groups.set(key, (groups.get(key) ?? 0) + us);
  });
  const rows = [...groups].sort((a, b) => b[1] - a[1]).slice(0, 12);
  return [`  CPU profile of one ${what} (${(total / 1000).toFixed(0)} ms sampled), self time:`, ...rows.map(([k, us]) => `  ${(us / 1000).toFixed(1).padStart(8)} ms  ${k}`)];
}

function main(): void {
  const args = process.argv.slice(2);
  const runsIndex = args.indexOf("--runs");
  const runs = runsIndex !== -1 ? Number(args[runsIndex + 1]) : 15;
  const clis: string[] = [];
  args.forEach((a, i) => {
    if (a === "--cli" && args[i + 1]) clis.push(path.resolve(args[i + 1] as string));
  });
  if (clis.length === 0) clis.push(path.join(root, "bin", "pytest-memlint.js"));

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pm-startup-"));
  fs.writeFileSync(path.join(dir, "test_big.py"), testModule(2000));
  fs.writeFileSync(path.join(dir, ".pytest-memlint.toml"), "");
  const series = new Map<string, number[]>();
  const cpu = new Map<string, number[]>();
  const add = (k: string, t: { ms: number; cpuMs: number | undefined }) => {
    series.set(k, [...(series.get(k) ?? []), t.ms]);
    if (t.cpuMs !== undefined) cpu.set(k, [...(cpu.get(k) ?? []), t.cpuMs]);
  };
  try {
    for (const cli of clis) timeOnce([cli, "--no-cache", "test_big.py"], dir); // warm the OS file cache
    for (let r = 0; r < runs; r++) {
      add("node -e 0", timeOnce(["-e", "0"], dir));
      for (const cli of clis) {
        const label = path.relative(root, cli) || cli;
        add(`${label} cold (--no-cache)`, timeOnce([cli, "--no-cache", "test_big.py"], dir));
      }
    }
    const memos = path.join(dir, ".pytest-memlint_cache", "runs-v1");
    for (const cli of clis) timeOnce([cli, "test_big.py"], dir); // fill the cache
    for (let r = 0; r < runs; r++) {
      for (const cli of clis) {
        const label = path.relative(root, cli) || cli;
        // The cache entries only: the run memo (src/cache/run-memo.ts) removed first, so the run checks and records.
        fs.rmSync(memos, { recursive: true, force: true });
        add(`${label} warm cache, no run memo`, timeOnce([cli, "test_big.py"], dir));
        // Answered from the run memo the run before wrote.
        add(`${label} warm cache and run memo`, timeOnce([cli, "test_big.py"], dir));
      }
    }
    const base = median(series.get("node -e 0") ?? []);
    const cpuBase = median(cpu.get("node -e 0") ?? []);
    const out = [`one 2,000-line test file, whole process, median of ${runs} (load average ${os.loadavg()[0]?.toFixed(1)}):`];
    for (const [label, xs] of series) {
      const cpuXs = cpu.get(label);
      const cpuText = cpuXs ? `; CPU ${median(cpuXs).toFixed(0)} ms${label === "node -e 0" ? "" : ` (+ ${(median(cpuXs) - cpuBase).toFixed(0)} ms)`}` : "";
      out.push(`  ${label.padEnd(48)} ${median(xs).toFixed(0).padStart(6)} ms${label === "node -e 0" ? "" : `  (node -e 0 + ${(median(xs) - base).toFixed(0)} ms)`}${cpuText}`);
    }
    if (args.includes("--profile")) {
      for (const cli of clis) {
        out.push(`${path.relative(root, cli)}:`, ...profileBreakdown(cli, ["--no-cache", "test_big.py"], dir, "cold run"));
        fs.rmSync(memos, { recursive: true, force: true });
        out.push(...profileBreakdown(cli, ["test_big.py"], dir, "warm run without its run memo"));
        out.push(...profileBreakdown(cli, ["test_big.py"], dir, "run answered from its run memo", 1));
      }
    }
    process.stdout.write(out.join("\n") + "\n");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
