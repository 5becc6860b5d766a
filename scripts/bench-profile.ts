/**
 * `npm run bench -- DIR --profile`: where the lint phase's time goes. The phase runs once more in a
 * child with V8's CPU profiler, and each sample of the lint (and every GC sample) is charged to the
 * innermost stage it was taken in (parsing a conftest.py for a rule is parsing), the rules' share
 * split by rule file.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The functions that start a stage, by name (the tsc output keeps them). */
const STAGES = new Map<string, string>([
  ["discover", "discovery (walk, .gitignore, exclude)"],
  ["readSourceFile", "read + decode"],
  ["parsePython", "parse (tree-sitter, known gaps)"],
  ["analyzeText", "model (one walk: definitions, imports, collection)"],
  ["firstSyntaxError", "syntax check (MEM000 token scan)"],
  ["runFileRules", "file rules"],
  ["dropSuppressed", "suppression comments"],
  ["runSuiteRules", "suite rules"],
  ["(garbage collector)", "garbage collection"],
]);

/** The rule file a listener frame belongs to (`missing-xdist-group`), if it is one. */
function ruleFile(url: string): string | undefined {
  const m = /\/src\/rules\/([^/]+)\.js$/.exec(url);
  return m?.[1];
}

/** Milliseconds by stage, and by rule file within the file rules. */
export function profileStages(profile: CpuProfile): { total: number; stages: Map<string, number>; rules: Map<string, number> } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  // The lint itself (`run` of src/run.js): not the child's start-up nor the bench's own listing of the files.
  const underLint = (id: number): boolean => {
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur)?.callFrame;
      if (frame?.functionName === "run" && frame.url.endsWith("/src/run.js")) return true;
    }
    return false;
  };
  const stages = new Map<string, number>();
  const rules = new Map<string, number>();
  let total = 0;
  for (const [id, ms] of selfMs) {
    const gc = byId.get(id)?.callFrame.functionName === "(garbage collector)";
    if (!gc && !underLint(id)) continue;
    total += ms;
    // From the sampled frame up: the first stage function met is the innermost; `below` and `twoBelow` are the frames under it.
    let stage: string | undefined;
    let below: ProfileNode | undefined;
    let twoBelow: ProfileNode | undefined;
    for (let cur: number | undefined = id; cur !== undefined && !stage; cur = parent.get(cur)) {
      const node = byId.get(cur) as ProfileNode;
      stage = STAGES.get(node.callFrame.functionName);
      if (!stage) [twoBelow, below] = [below, node];
    }
    // What the file rules called: a rule's `create`, or through `emit` one of its listeners; either is in its rule file.
    const listener = below?.callFrame.functionName === "emit" ? twoBelow : below;
    const name = stage ?? "other (runner, output)";
    stages.set(name, (stages.get(name) ?? 0) + ms);
    if (stage === STAGES.get("runFileRules")) {
      const rule = (listener && ruleFile(listener.callFrame.url)) ?? "(engine: dispatch, contexts)";
      rules.set(rule, (rules.get(rule) ?? 0) + ms);
    }
  }
  return { total, stages, rules };
}

/** Runs the lint phase of `bench` (`self`) on `dir` under the CPU profiler; the lines to print. */
export function profileLintPhase(self: string, dir: string): string[] {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "memlint-bench-prof-"));
  try {
    const child = spawnSync(process.execPath, ["--cpu-prof", "--cpu-prof-dir", out, self, "--phase", "lint", dir], { encoding: "utf8", maxBuffer: 1 << 26 });
    if (child.status !== 0) throw new Error(`profiled lint phase failed: ${child.stderr}`);
    const file = fs.readdirSync(out).find((f) => f.endsWith(".cpuprofile"));
    if (!file) throw new Error("the profiled lint phase wrote no profile");
    const { total, stages, rules } = profileStages(JSON.parse(fs.readFileSync(path.join(out, file), "utf8")) as CpuProfile);
    const row = (name: string, ms: number, indent: string) => `${indent}${name.padEnd(56 - indent.length)} ${ms.toFixed(0).padStart(6)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%`;
    const lines = [`where the lint phase's time goes (one profiled run, ${total.toFixed(0)} ms sampled in the lint; each sample to its innermost stage):`];
    for (const [name, ms] of [...stages].sort((a, b) => b[1] - a[1])) {
      lines.push(row(name, ms, "  "));
      if (name === STAGES.get("runFileRules")) for (const [rule, rms] of [...rules].sort((a, b) => b[1] - a[1]).slice(0, 12)) lines.push(row(rule, rms, "      "));
    }
    return lines;
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}
