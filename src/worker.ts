/** A worker thread of `--jobs N`: checks batches of files with the run's settings and sends plain records back. */
import { workerData } from "piscina";
import { openFileCache } from "./cache/open.js";
import { checkFile, type CheckEnv, type FileResult } from "./check-file.js";
import { SuiteFacts, type FilePytestFacts } from "./engine/facts.js";
import { loadParser, preferParser, type ParserBackendName } from "./engine/parser.js";
import { Project, type ProjectSnapshot } from "./engine/project.js";
import type { ConftestSummary } from "./engine/conftest-summary.js";
import { useStopFlag } from "./fix/interrupt.js";
import { writeRootsOf } from "./fix/write-policy.js";
import type { RunOptions } from "./run-options.js";
import { resolveRunSettings } from "./settings.js";

/** What every worker starts from (piscina's `workerData`): the pytest configurations and conftest.py paths the main thread resolved. */
export interface WorkerData {
  project: ProjectSnapshot;
  /** The parser the main thread chose for the run's size (`preferParser`). */
  parser: ParserBackendName;
}

export interface WorkerTask {
  opts: RunOptions;
  files: { path: string; explicit: boolean }[];
  /** The main thread's SIGINT/SIGTERM flag (fix/interrupt.ts). */
  stop?: SharedArrayBuffer;
  /** Summaries of conftest.py files other workers made (a run that fixes nothing): this one need not parse them. */
  conftests?: [string, ConftestSummary | null][];
}

export interface WorkerResult {
  /** Each file's result, in the order of the task's files. */
  files: Omit<FileResult, "fixedSource">[];
  /** Per-file facts for the suite rules, as `SuiteFacts.notePytestFile` takes them. */
  pytestFacts: [string, boolean, FilePytestFacts][];
  /** Facts of conftest.py files above the checked files (each sent once per worker), so the main thread parses none. */
  conftestFacts: [string, FilePytestFacts][];
  /** Summaries of conftest.py files this worker made since its last result, for the main thread to pass on to the others. */
  conftestSummaries: [string, ConftestSummary | null][];
}

let env: CheckEnv | undefined;
const conftestsSent = new Set<string>();
/** conftest.py files whose summary the main thread has: sent by this worker, or passed on to it. */
const summariesShared = new Set<string>();

export default async function checkBatch(task: WorkerTask): Promise<WorkerResult> {
  const data = workerData as WorkerData | undefined;
  if (data) preferParser(data.parser);
  await loadParser();
  if (task.stop) useStopFlag(task.stop);
  if (!env) {
    const settings = resolveRunSettings(task.opts);
    // The main thread opened the cache first and warned if it cannot be written: workers stay silent.
    const cache = openFileCache(settings.cacheDir, settings.lint);
    const project = new Project();
    if (data?.project) project.seed(data.project);
    env = { cwd: task.opts.cwd, fix: task.opts.fix, unsafeFixes: task.opts.unsafeFixes, diff: task.opts.diff, settings: settings.lint, project, facts: new SuiteFacts(), cache, writeRoots: writeRootsOf(task.opts.paths, task.opts.cwd) };
  }
  for (const [conftest, summary] of task.conftests ?? []) {
    summariesShared.add(conftest);
    env.project.seedConftests([[conftest, summary]]);
  }
  const files: WorkerResult["files"] = [];
  const pytestFacts: [string, boolean, FilePytestFacts][] = [];
  const conftestFacts: [string, FilePytestFacts][] = [];
  const conftestSummaries: [string, ConftestSummary | null][] = [];
  for (const file of task.files) {
    files.push(checkFile(file.path, file.explicit, env));
    const facts = env.facts.pytestFiles.get(file.path);
    if (facts) pytestFacts.push([file.path, file.path.endsWith("conftest.py"), facts]);
    // Only what was sent back is needed: the worker keeps no per-file facts.
    env.facts.pytestFiles.delete(file.path);
    for (const conftest of env.project.conftestPathsAbove(file.path)) {
      const summary = env.project.parsedConftest(conftest);
      if (!env.fix && !env.diff && summary !== undefined && !summariesShared.has(conftest)) {
        summariesShared.add(conftest);
        conftestSummaries.push([conftest, summary]);
      }
      if (conftestsSent.has(conftest)) continue;
      // From a cache entry, or from this worker's parse (the rules parsed it); else the main thread reads it if it needs it.
      const known = env.facts.pytestFiles.get(conftest) ?? summary?.pytestFacts;
      if (!known) continue;
      conftestsSent.add(conftest);
      conftestFacts.push([conftest, known]);
    }
  }
  return { files, pytestFacts, conftestFacts, conftestSummaries };
}
