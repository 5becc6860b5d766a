/** A worker thread of `--jobs N`: checks batches of files with the run's settings and sends plain records back. */
import { openFileCache } from "./cache/open.js";
import { checkFile, type CheckEnv, type FileResult } from "./check-file.js";
import { SuiteFacts, type FilePytestFacts } from "./engine/facts.js";
import { loadParser } from "./engine/parser.js";
import { Project } from "./engine/project.js";
import { useStopFlag } from "./fix/interrupt.js";
import { writeRootsOf } from "./fix/write-policy.js";
import type { RunOptions } from "./run-options.js";
import { resolveRunSettings } from "./settings.js";

export interface WorkerTask {
  opts: RunOptions;
  files: { path: string; explicit: boolean }[];
  /** The main thread's SIGINT/SIGTERM flag (fix/interrupt.ts). */
  stop?: SharedArrayBuffer;
}

export interface WorkerResult {
  /** Each file's result, in the order of the task's files. */
  files: Omit<FileResult, "fixedSource">[];
  /** Per-file facts for the suite rules, as `SuiteFacts.notePytestFile` takes them. */
  pytestFacts: [string, boolean, FilePytestFacts][];
}

let env: CheckEnv | undefined;

export default async function checkBatch(task: WorkerTask): Promise<WorkerResult> {
  await loadParser();
  if (task.stop) useStopFlag(task.stop);
  if (!env) {
    const settings = resolveRunSettings(task.opts);
    // The main thread opened the cache first and warned if it cannot be written: workers stay silent.
    const cache = openFileCache(settings.cacheDir, settings.lint);
    env = { cwd: task.opts.cwd, fix: task.opts.fix, unsafeFixes: task.opts.unsafeFixes, diff: task.opts.diff, settings: settings.lint, project: new Project(), facts: new SuiteFacts(), cache, writeRoots: writeRootsOf(task.opts.paths, task.opts.cwd) };
  }
  const files: WorkerResult["files"] = [];
  const pytestFacts: [string, boolean, FilePytestFacts][] = [];
  for (const file of task.files) {
    files.push(checkFile(file.path, file.explicit, env));
    const facts = env.facts.pytestFiles.get(file.path);
    if (facts) pytestFacts.push([file.path, file.path.endsWith("conftest.py"), facts]);
    // Only what was sent back is needed: the worker keeps no per-file facts.
    env.facts.pytestFiles.delete(file.path);
  }
  return { files, pytestFacts };
}
