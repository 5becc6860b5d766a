import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import type { FileResult } from "./check-file.js";
import type { SuiteFacts } from "./engine/facts.js";
import type { DiscoveredFile } from "./discover.js";
import { BATCH } from "./jobs.js";
import { stopFlagBuffer, stopRequested } from "./fix/interrupt.js";
import type { RunOptions } from "./run-options.js";
import { checkParserSetting, type ParserBackendName } from "./engine/parser.js";
import type { Project } from "./engine/project.js";
import type { ConftestSummary } from "./engine/conftest-summary.js";
import type { WorkerData, WorkerResult, WorkerTask } from "./worker.js";

/** Batches in flight per worker: one being checked and one waiting, so no worker idles and memory stays bounded. */
const BATCHES_IN_FLIGHT_PER_JOB = 2;

/**
 * The built worker module for a module at `moduleUrl` (this one): next to it (tsc output), the
 * bundle's worker entry when it is one of the bundle's chunks (else every worker would load hundreds
 * of unbundled modules), or, when tests run it from src/ where only the TypeScript exists, the tsc output.
 */
export function workerFileFor(moduleUrl: string): string {
  const here = fileURLToPath(moduleUrl);
  const sibling = path.join(path.dirname(here), "worker.js");
  if (fs.existsSync(sibling)) return sibling;
  const bundled = path.join(path.dirname(here), "..", "worker.js");
  if (path.basename(path.dirname(here)) === "chunks" && fs.existsSync(bundled)) return bundled;
  let dir = path.dirname(here);
  while (!fs.existsSync(path.join(dir, "package.json"))) dir = path.dirname(dir);
  return path.join(dir, "dist", "src", "worker.js");
}

/**
 * Checks files on `jobs` worker threads, in batches, and yields each file's result in discovery
 * order (so output and error lines are the same as with one thread). At most two batches per
 * worker are in flight; suite facts are merged here.
 */
export async function* checkInParallel(files: readonly DiscoveredFile[], opts: RunOptions, jobs: number, project: Project, facts: SuiteFacts, parser: ParserBackendName): AsyncGenerator<[DiscoveredFile, FileResult]> {
  checkParserSetting();
  // The pytest configurations and conftest.py paths are resolved here once, and every worker starts from them.
  const workerData: WorkerData = { project: project.snapshotFor(files.map((f) => f.path)), parser };
  // Atomics off: between tasks a worker returns to its event loop, where finalizers free the native parse trees.
  const pool = new Piscina<WorkerTask, WorkerResult>({ filename: workerFileFor(import.meta.url), minThreads: jobs, maxThreads: jobs, atomics: "disabled", workerData });
  const plainOpts: RunOptions = { ...opts, stdin: undefined };
  const batchCount = Math.ceil(files.length / BATCH);
  const batchOf = (b: number) => files.slice(b * BATCH, (b + 1) * BATCH);
  const pending = new Map<number, Promise<WorkerResult>>();
  // The conftest.py summaries the workers made, passed on with each task: a conftest.py is parsed by about
  // one worker, not by each (a run that may fix files leaves each worker to read them as they are then).
  const conftests = new Map<string, ConftestSummary | null>();
  // Those above the batch's files only: every summary with every task would be copied over and over.
  const summariesFor = (batch: readonly DiscoveredFile[]) => {
    const above = new Map<string, ConftestSummary | null>();
    for (const f of batch) {
      for (const c of project.conftestPathsAbove(f.path)) {
        const summary = conftests.get(c);
        if (summary !== undefined) above.set(c, summary);
      }
    }
    return [...above];
  };
  const submit = (b: number) => {
    if (b >= batchCount) return;
    const batch = batchOf(b);
    pending.set(b, pool.run({ opts: plainOpts, files: batch.map((f) => ({ path: f.path, explicit: f.explicit })), stop: stopFlagBuffer(), conftests: summariesFor(batch) }));
  };
  const window = jobs * BATCHES_IN_FLIGHT_PER_JOB;
  for (let b = 0; b < Math.min(window, batchCount); b++) submit(b);
  try {
    for (let b = 0; b < batchCount; b++) {
      const result = await (pending.get(b) as Promise<WorkerResult>);
      pending.delete(b);
      for (const [p, s] of result.conftestSummaries) if (!conftests.has(p)) conftests.set(p, s);
      if (!stopRequested()) submit(b + window);
      // A conftest.py checked in this run keeps its own facts (noted with its result, possibly after --fix).
      for (const [p, f] of result.conftestFacts) if (!facts.pytestFiles.has(p)) facts.pytestFiles.set(p, f);
      // Each file's facts are noted as its result is yielded: the caller may take other files' results in between, in discovery order.
      const factsOf = new Map(result.pytestFacts.map(([p, isConftest, f]) => [p, { isConftest, f }]));
      const batch = batchOf(b);
      for (let i = 0; i < result.files.length; i++) {
        const r = result.files[i];
        const file = batch[i] as DiscoveredFile;
        const own = factsOf.get(file.path);
        if (own) facts.notePytestFile(file.path, own.isConftest, own.f);
        if (r) yield [file, r];
      }
      // After SIGINT/SIGTERM the workers skip their files; the rest of the queue is not waited for.
      if (stopRequested()) break;
    }
  } finally {
    await Promise.allSettled(pending.values());
    await pool.destroy();
  }
}
