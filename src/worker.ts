/** A worker thread of `--jobs N`: checks batches of files with the run's settings and sends plain records back. */
import { checkFile, type CheckEnv, type FileResult } from "./check-file.js";
import { SuiteFacts, type FilePytestFacts } from "./engine/facts.js";
import { Project } from "./engine/project.js";
import type { RunOptions } from "./run-options.js";
import { resolveRunSettings } from "./settings.js";

export interface WorkerTask {
  opts: RunOptions;
  files: { path: string; explicit: boolean }[];
}

export interface WorkerResult {
  /** Each file's result, in the order of the task's files. */
  files: Omit<FileResult, "fixedSource">[];
  /** Per-file facts for the suite rules, as `SuiteFacts.notePytestFile` takes them. */
  pytestFacts: [string, boolean, FilePytestFacts][];
}

let env: CheckEnv | undefined;

export default function checkBatch(task: WorkerTask): WorkerResult {
  if (!env) {
    const settings = resolveRunSettings(task.opts);
    env = { cwd: task.opts.cwd, fix: task.opts.fix, unsafeFixes: task.opts.unsafeFixes, diff: task.opts.diff, settings: settings.lint, project: new Project(), facts: new SuiteFacts() };
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
