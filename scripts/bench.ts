/**
 * npm run bench -- DIR [--rounds N]   (the lint phase: one thread, no cache)
 * Lints DIR with every default rule and, in the same run, times a bare read + decode + parse of the
 * same files with the same bindings, and the same lint with no rule but MEM000 (what the engine costs
 * before any rule). Each phase runs in its own child process (so its peak memory is its own),
 * alternating, N rounds; medians are reported with their ratios.
 *
 * With `--profile`, the lint phase runs once more under V8's CPU profiler and the bench says where
 * its time goes: discovery, reading, parsing, the model, the syntax check, each rule file, GC.
 *
 * npm run bench -- --memory [--sizes 1000,10000] [--rounds N] [--bin OTHER/bin/pytest-memlint.js]
 * Generates suites of those sizes in a temporary folder and runs the CLI on each as a child process
 * (with `--no-cache`, so every round checks every file), with `--jobs 1` and with the default:
 * median time, CPU time and peak RSS (worker threads included) of each, the speed-up of the default,
 * the most it could be with its CPU time on this machine's CPUs (V8's compiler and collector threads
 * already keep a second CPU partly busy with `--jobs 1`), and the peak RSS ratio of the largest suite
 * to the smallest.
 * `--bin` measures another build (an earlier release) on the same generated suites.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generateSuite } from "./generate-suite.js";
import { discover } from "../src/discover.js";
import { collectionRules } from "../src/engine/collection.js";
import { Project } from "../src/engine/project.js";
import { decodeSource } from "../src/engine/source.js";
import { freeTreesAfter, loadParser, parse, preferParser } from "../src/engine/parser.js";
import { WASM_MIN_FILES } from "../src/jobs.js";
import { run } from "../src/run.js";
import { chromiumOpenMs, reportPhase } from "./bench-report.js";
import { profileLintPhase } from "./bench-profile.js";
import { median } from "./median.js";

interface PhaseResult {
  phase: string;
  files: number;
  bytes: number;
  ms: number;
  maxRssMb: number;
  findings?: number;
  htmlBytes?: number;
  htmlPath?: string;
}

async function phase(name: string, dir: string): Promise<PhaseResult> {
  // The files the linter checks: test files by the applicable `python_files`, and conftest.py.
  const project = new Project();
  const files = discover([dir], { cwd: process.cwd() }).files.map((f) => f.path).filter((file) => {
    const base = path.basename(file);
    if (base === "conftest.py") return true;
    try {
      return collectionRules(project.pytestConfigFor(file)).isTestFileName(base);
    } catch {
      return collectionRules(undefined).isTestFileName(base);
    }
  });
  let bytes = 0;
  const start = process.hrtime.bigint();
  let findings: number | undefined;
  if (name === "report") {
    for (const file of files) bytes += fs.statSync(file).size;
    const r = await reportPhase(dir);
    return { phase: name, files: files.length, bytes, ms: r.ms, maxRssMb: r.maxRssMb, htmlBytes: r.htmlBytes, htmlPath: r.htmlPath };
  }
  if (name === "parse") {
    // The parser the lint phase uses for this many files, its trees freed file by file as the lint frees them.
    preferParser(files.length >= WASM_MIN_FILES ? "wasm" : "native");
    await loadParser();
    let n = 0;
    for (const file of files) {
      const buf = fs.readFileSync(file);
      bytes += buf.length;
      try {
        freeTreesAfter(() => parse(decodeSource(buf).text));
      } catch {
        // undecodable files are skipped by both phases
      }
      if (++n % 32 === 0) await new Promise((r) => setImmediate(r));
    }
  } else {
    for (const file of files) bytes += fs.statSync(file).size;
    // The lint phase discovers and filters the same files itself; the engine phase is the same run with no rule but MEM000.
    let out = "";
    await run(
      { paths: [dir], cwd: process.cwd(), fix: false, unsafeFixes: false, diff: false, format: "json", exitZero: true, noConfig: true, noCache: true, jobs: 1, quiet: true, color: "never", ...(name === "engine" ? { select: ["MEM000"] } : {}) },
      { stdout: (t) => (out += t.toString()), stderr: () => undefined, isTTY: false },
    );
    findings = (JSON.parse(out || "[]") as unknown[]).length;
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { phase: name, files: files.length, bytes, ms, maxRssMb: process.resourceUsage().maxRSS / 1024, findings };
}

interface CliRun {
  ms: number;
  maxRssMb: number;
  /** User + system CPU time of the whole process (every thread). */
  cpuMs: number;
}

/** One CLI run as a child process, its peak RSS and CPU time reported by the preloaded probe. */
function runCli(suite: string, jobsArgs: string[], bin: string): CliRun {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const rssFile = path.join(os.tmpdir(), `pytest-memlint-rss-${process.pid}`);
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ["--import", path.join(here, "rss-probe.js"), bin, "--no-config", "--format", "json", "--output-file", os.devNull, "--exit-zero", "--no-cache", ...jobsArgs, "."], {
    cwd: suite,
    encoding: "utf8",
    env: { ...process.env, PYTEST_MEMLINT_RSS_FILE: rssFile },
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (child.status !== 0) throw new Error(`the CLI failed on ${suite}: ${child.stderr}`);
  const [rssKb, cpuMs] = fs.readFileSync(rssFile, "utf8").split(" ").map(Number);
  fs.rmSync(rssFile, { force: true });
  return { ms, maxRssMb: (rssKb ?? 0) / 1024, cpuMs: cpuMs ?? 0 };
}

function memoryBench(sizes: number[], rounds: number, bin: string): void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "pytest-memlint-bench-"));
  const modes: [string, string[]][] = [
    ["--jobs 1", ["--jobs", "1"]],
    ["default", []],
  ];
  const peaks = new Map<string, number>();
  const lines = [`cpus: ${os.availableParallelism()}, load average ${os.loadavg()[0]?.toFixed(1) ?? "?"}, ${rounds} rounds, medians (peak RSS: the highest round)`];
  try {
    for (const size of sizes) {
      const suite = path.join(root, `suite-${size}`);
      generateSuite(suite, size);
      const ms = new Map<string, number>();
      const cpu = new Map<string, number>();
      for (const [label, args] of modes) {
        const runs: CliRun[] = [];
        for (let r = 0; r < rounds; r++) runs.push(runCli(suite, args, bin));
        const med = median(runs.map((x) => x.ms));
        const peak = Math.max(...runs.map((x) => x.maxRssMb));
        const cpuMed = median(runs.map((x) => x.cpuMs));
        ms.set(label, med);
        cpu.set(label, cpuMed);
        peaks.set(`${label}@${size}`, peak);
        lines.push(`${String(size).padStart(6)} files, ${label.padEnd(8)}: ${(med / 1000).toFixed(2)} s, ${(size / (med / 1000)).toFixed(0)} files/s, peak RSS ${peak.toFixed(0)} MB, CPU ${(cpuMed / 1000).toFixed(2)} s (${(cpuMed / med).toFixed(2)} cores busy)`);
      }
      const one = ms.get("--jobs 1") ?? 0;
      lines.push(`${String(size).padStart(6)} files: default is ${(one / (ms.get("default") ?? 1)).toFixed(2)}x faster than --jobs 1`);
      // The default cannot take less time than its CPU time spread over every CPU (V8's compiler and collector threads included).
      lines.push(`${String(size).padStart(6)} files: with its CPU time, the default can be at most ${(one / ((cpu.get("default") ?? 1) / os.availableParallelism())).toFixed(2)}x faster than --jobs 1 on ${os.availableParallelism()} CPUs (a bound only on an idle machine)`);
      fs.rmSync(suite, { recursive: true, force: true });
    }
    const small = Math.min(...sizes);
    const large = Math.max(...sizes);
    if (small !== large) {
      for (const [label] of modes) {
        const ratio = (peaks.get(`${label}@${large}`) ?? 0) / (peaks.get(`${label}@${small}`) ?? 1);
        lines.push(`peak RSS ${large}/${small} files, ${label}: ${ratio.toFixed(2)}`);
      }
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  process.stdout.write(lines.join("\n") + "\n");
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes("--memory")) {
    const sizesIndex = args.indexOf("--sizes");
    const sizes = sizesIndex !== -1 ? (args[sizesIndex + 1] ?? "").split(",").map(Number) : [1000, 10000];
    const roundsAt = args.indexOf("--rounds");
    const binAt = args.indexOf("--bin");
    const bin = binAt !== -1 ? path.resolve(args[binAt + 1] ?? "") : path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "bin", "pytest-memlint.js");
    memoryBench(sizes, roundsAt !== -1 ? Number(args[roundsAt + 1]) : 3, bin);
    return;
  }
  const phaseIndex = args.indexOf("--phase");
  if (phaseIndex !== -1) {
    const result = await phase(args[phaseIndex + 1] ?? "parse", args[phaseIndex + 2] ?? ".");
    process.stdout.write(JSON.stringify(result));
    return;
  }
  const roundsIndex = args.indexOf("--rounds");
  const rounds = roundsIndex !== -1 ? Number(args[roundsIndex + 1]) : 3;
  const dir = args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--rounds") ?? "fixtures";
  const self = fileURLToPath(import.meta.url);
  const results: Record<string, PhaseResult[]> = { parse: [], engine: [], lint: [], report: [] };
  for (let r = 0; r < rounds; r++) {
    for (const name of ["parse", "engine", "lint", "report"]) {
      const child = spawnSync(process.execPath, [self, "--phase", name, dir], { encoding: "utf8", maxBuffer: 1 << 26 });
      if (child.status !== 0) throw new Error(`${name} phase failed: ${child.stderr}`);
      (results[name] ??= []).push(JSON.parse(child.stdout) as PhaseResult);
    }
  }
  const parseMs = median((results["parse"] ?? []).map((p) => p.ms));
  const lintMs = median((results["lint"] ?? []).map((p) => p.ms));
  const engineMs = median((results["engine"] ?? []).map((p) => p.ms));
  const first = results["lint"]?.[0];
  const files = first?.files ?? 0;
  const mb = (first?.bytes ?? 0) / 1e6;
  const lines = [
    `suite: ${dir} (${files} files, ${mb.toFixed(1)} MB), ${rounds} rounds, medians`,
    `bare parse (read + decode + parse): ${parseMs.toFixed(0)} ms, ${(files / (parseMs / 1000)).toFixed(0)} files/s, peak RSS ${Math.max(...(results["parse"] ?? []).map((p) => p.maxRssMb)).toFixed(0)} MB`,
    `lint (all default rules):           ${lintMs.toFixed(0)} ms, ${(files / (lintMs / 1000)).toFixed(0)} files/s, peak RSS ${Math.max(...(results["lint"] ?? []).map((p) => p.maxRssMb)).toFixed(0)} MB, ${first?.findings ?? 0} findings`,
    `ratio lint / bare parse: ${(lintMs / parseMs).toFixed(2)}`,
    `the engine alone (the same run, no rule but MEM000: discovery, reading, parse, model, syntax check, output): ${engineMs.toFixed(0)} ms; ratio engine / bare parse: ${(engineMs / parseMs).toFixed(2)}`,
  ];
  const reportMs = median((results["report"] ?? []).map((p) => p.ms));
  const lastReport = results["report"]?.[results["report"].length - 1];
  const open = lastReport?.htmlPath ? await chromiumOpenMs(lastReport.htmlPath) : "no HTML";
  lines.push(
    `report (lint + report, HTML + Markdown): ${reportMs.toFixed(0)} ms, peak RSS ${Math.max(...(results["report"] ?? []).map((p) => p.maxRssMb)).toFixed(0)} MB; ratio report / lint: ${(reportMs / lintMs).toFixed(2)}`,
    `report HTML: ${((lastReport?.htmlBytes ?? 0) / 1e6).toFixed(2)} MB; opens in headless Chromium (to the load event): ${typeof open === "number" ? `${open.toFixed(0)} ms` : open}`,
  );
  if (args.includes("--profile")) lines.push(...profileLintPhase(self, dir));
  process.stdout.write(lines.join("\n") + "\n");
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exit(2);
});
