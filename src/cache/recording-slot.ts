/**
 * Where a run being recorded for the run memo (trace.ts) keeps its recording: a global slot, as the
 * recorder is loaded by the command's entry (start.ts, a bundle of its own) and the cache opened by
 * the CLI's bundle, which does not share its modules.
 */
import path from "node:path";

const SLOT = Symbol.for("pytest-memlint.recording");

interface CacheDirHolder {
  cacheDir: string | undefined;
}

export function recordingSlot<T extends CacheDirHolder>(): { get(): T | undefined; set(r: T | undefined): void } {
  const g = globalThis as unknown as Record<symbol, T | undefined>;
  return {
    get: () => g[SLOT],
    set: (r) => {
      g[SLOT] = r;
    },
  };
}

/** The run's cache folder, where a recorded run may write. Called by openFileCache. */
export function noteCacheDir(dir: string): void {
  const r = recordingSlot().get();
  if (r) r.cacheDir = path.resolve(dir);
}
