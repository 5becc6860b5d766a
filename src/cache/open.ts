import type { LintSettings } from "../engine/lint.js";
import { FileCache } from "./file-cache.js";
import { CacheStore } from "./store.js";

/** The run's result cache in `dir` (none when `dir` is undefined: --no-cache or standard input). */
export function openFileCache(dir: string | undefined, settings: LintSettings, warn?: (message: string) => void): FileCache | undefined {
  if (dir === undefined) return undefined;
  return new FileCache(new CacheStore(dir, warn), settings);
}
