import os from "node:os";
import { preferParser, type ParserBackendName } from "./engine/parser.js";
import { favourSmallHeap } from "./heap.js";

/** Files per task sent to a worker thread. */
export const BATCH = 16;
/**
 * Without `--jobs`, runs over fewer files stay in one thread: starting workers (each loads the
 * parser and the rules) costs more than it saves below this (measured: see the README).
 */
export const PARALLEL_MIN_FILES = 100;

/** How many threads check a run's files (those not answered from the cache): `--jobs` when given (at most one per 16 files), else one per CPU for large runs. */
export function planJobs(requested: number | undefined, fileCount: number): number {
  const wanted = requested ?? (fileCount >= PARALLEL_MIN_FILES ? os.availableParallelism() : 1);
  return Math.max(1, Math.min(wanted, Math.ceil(fileCount / BATCH)));
}

/**
 * From this many files to parse, a run prefers the WebAssembly parser: its trees are freed as each
 * file's check ends, so peak memory does not grow with the suite, and it lints at about the native
 * binding's speed; below it, the native binding starts faster (measured: see the README).
 */
export const WASM_MIN_FILES = 100;

/**
 * From this many files to parse, V8 sizes the heap for memory (see favourSmallHeap): it costs about a
 * fifth more time, and below it the peak stays near that of 1,000 files anyway (measured: see the README).
 */
export const SMALL_HEAP_MIN_FILES = 2000;

/** Chooses the parser for a run with this many files to parse; a very large run also keeps V8's heap small. */
export function chooseParser(filesToParse: number): ParserBackendName {
  const parser = filesToParse >= WASM_MIN_FILES ? "wasm" : "native";
  preferParser(parser);
  if (filesToParse >= SMALL_HEAP_MIN_FILES) favourSmallHeap();
  return parser;
}
