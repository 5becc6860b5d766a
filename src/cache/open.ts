import type { LintSettings } from "../engine/lint.js";
import { FileCache } from "./file-cache.js";
import { CacheStore } from "./store.js";
import { noteCacheDir } from "./recording-slot.js";

/** The run's result cache in `dir` (none when `dir` is undefined: --no-cache or standard input). */
export function openFileCache(dir: string | undefined, settings: LintSettings, warn?: (message: string) => void): FileCache | undefined {
  if (dir === undefined) return undefined;
  // A run being recorded for the run memo may write there (and only there).
  noteCacheDir(dir);
  return new FileCache(new CacheStore(dir, warn), settings);
}
