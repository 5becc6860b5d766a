import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import type { FileResult } from "./check-file.js";
import type { SuiteFacts } from "./engine/facts.js";
import { LineIndex } from "./engine/lines.js";
import type { TextFile } from "./engine/types.js";
import type { DiscoveredFile } from "./discover.js";
import { stopFlagBuffer, stopRequested } from "./fix/interrupt.js";
import type { RunOptions } from "./run-options.js";
import type { WorkerResult, WorkerTask } from "./worker.js";

const BATCH = 16;

/** The built worker module (tests run this file from src/, where only the TypeScript exists). */
function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  const sibling = path.join(path.dirname(here), "worker.js");
  if (fs.existsSync(sibling)) return sibling;
  let dir = path.dirname(here);
  while (!fs.existsSync(path.join(dir, "package.json"))) dir = path.dirname(dir);
  return path.join(dir, "dist", "src", "worker.js");
}

/**
 * Checks files on `jobs` worker threads, in batches, and yields each file's result in discovery
 * order (so output and error lines are the same as with one thread). Suite facts are merged here.
 */
export async function* checkInParallel(files: readonly DiscoveredFile[], opts: RunOptions, jobs: number, facts: SuiteFacts): AsyncGenerator<[DiscoveredFile, FileResult]> {
  const pool = new Piscina<WorkerTask, WorkerResult>({ filename: workerFile(), minThreads: jobs, maxThreads: jobs });
  const plainOpts: RunOptions = { ...opts, stdin: undefined };
  const batches: DiscoveredFile[][] = [];
  for (let i = 0; i < files.length; i += BATCH) batches.push(files.slice(i, i + BATCH));
  const pending = batches.map((batch) => pool.run({ opts: plainOpts, files: batch.map((f) => ({ path: f.path, explicit: f.explicit })), stop: stopFlagBuffer() }));
  try {
    for (let b = 0; b < batches.length; b++) {
      const result = await (pending[b] as Promise<WorkerResult>);
      for (const [p, isConftest, f] of result.pytestFacts) facts.notePytestFile(p, isConftest, f);
      const batch = batches[b] as DiscoveredFile[];
      for (let i = 0; i < result.files.length; i++) {
        const plain = result.files[i];
        if (!plain) continue;
        const file: TextFile | undefined = plain.text !== undefined ? { path: plain.path, text: plain.text, lines: new LineIndex(plain.text) } : undefined;
        const findings = file ? plain.findings.map((f) => ({ ...f, file })) : [];
        const r: FileResult = { kind: plain.kind, findings, fixed: plain.fixed, wroteFile: plain.wroteFile, errors: plain.errors, ...(plain.warnings !== undefined ? { warnings: plain.warnings } : {}), ...(plain.diff !== undefined ? { diff: plain.diff } : {}) };
        yield [batch[i] as DiscoveredFile, r];
      }
      // After SIGINT/SIGTERM the workers skip their files; the rest of the queue is not waited for.
      if (stopRequested()) break;
    }
  } finally {
    await Promise.allSettled(pending);
    await pool.destroy();
  }
}
