/**
 * The cache folder: one entry per checked file, in a bucket per source folder.
 *
 *   <cache>/.gitignore          `*`: the folder never shows up in `git status`
 *   <cache>/v1/<digest of the source folder>/dir        the source folder's absolute path (for pruning)
 *   <cache>/v1/<digest of the source folder>/<name>.json the entry of <source folder>/<name>
 *
 * Entries are written to a temporary name and renamed into place, so a reader (another run at the
 * same time) sees the old entry or the new one, never a part. Anything unreadable is a miss.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { CACHE_LAYOUT as LAYOUT } from "./layout.js";

/** Temporary files older than this were left by a run that was killed: pruning removes them. */
const STALE_TEMP_MS = 60 * 60 * 1000;

export function digest(...parts: (string | Buffer)[]): string {
  const hash = crypto.createHash("sha1");
  for (const part of parts) {
    hash.update(part);
    hash.update("\0");
  }
  return hash.digest("hex");
}

function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? "error";
}

export class CacheStore {
  private readonly root: string;
  private readonly knownBuckets = new Set<string>();
  private writable: boolean;

  /**
   * Opens (and creates) the cache folder. When it cannot be written, `warn` is told once and the
   * cache is only read from; without `warn` (worker threads: the main thread warned) it stays silent.
   */
  constructor(readonly dir: string, warn?: (message: string) => void) {
    this.root = path.join(dir, LAYOUT);
    try {
      fs.mkdirSync(this.root, { recursive: true });
      const ignore = path.join(dir, ".gitignore");
      if (!fs.existsSync(ignore)) this.writeAtomically(ignore, "# Created by pytest-memlint: its result cache, never committed.\n*\n");
      const probe = path.join(this.root, `.probe-${process.pid}-${crypto.randomBytes(4).toString("hex")}`);
      fs.writeFileSync(probe, "");
      fs.unlinkSync(probe);
      this.writable = true;
    } catch (e) {
      this.writable = false;
      warn?.(`cache folder ${dir} cannot be written (${errorCode(e)}); results are not cached in this run`);
    }
  }

  private readonly bucketOf = new Map<string, string>();

  private entryPath(file: string): { bucket: string; entry: string; folder: string } {
    const folder = path.dirname(file);
    let bucket = this.bucketOf.get(folder);
    if (bucket === undefined) {
      bucket = path.join(this.root, digest(folder).slice(0, 20));
      this.bucketOf.set(folder, bucket);
    }
    const base = path.basename(file);
    // File names are safe folder entries already; very long ones (close to NAME_MAX) are digested.
    const name = base.length <= 200 ? `${base}.json` : `${digest(base)}.json`;
    return { bucket, entry: path.join(bucket, name), folder };
  }

  read(file: string): string | undefined {
    try {
      return fs.readFileSync(this.entryPath(file).entry, "utf8");
    } catch {
      return undefined;
    }
  }

  /** Writes an entry atomically; a failure (disk full, folder removed) only loses this entry. */
  write(file: string, text: string): void {
    if (!this.writable) return;
    const { bucket, entry, folder } = this.entryPath(file);
    try {
      if (!this.knownBuckets.has(bucket)) {
        fs.mkdirSync(bucket, { recursive: true });
        if (!fs.existsSync(path.join(bucket, "dir"))) this.writeAtomically(path.join(bucket, "dir"), folder);
        this.knownBuckets.add(bucket);
      }
      this.writeAtomically(entry, text);
    } catch {
      // A cache that cannot take this entry is a slower next run, not an error.
    }
  }

  private writeAtomically(target: string, text: string): void {
    const temp = `${target}.${process.pid}-${crypto.randomBytes(4).toString("hex")}.tmp`;
    try {
      fs.writeFileSync(temp, text);
      fs.renameSync(temp, target);
    } catch (e) {
      fs.rmSync(temp, { force: true });
      throw e;
    }
  }

  /**
   * Removes the entries of files that no longer exist (and buckets of folders that are gone), and
   * temporary files a killed run left behind. Entries of files that exist stay: another run may check them.
   */
  prune(): void {
    if (!this.writable) return;
    let buckets: string[];
    try {
      buckets = fs.readdirSync(this.root);
    } catch {
      return;
    }
    const now = Date.now();
    for (const name of buckets) {
      const bucket = path.join(this.root, name);
      try {
        const folder = fs.readFileSync(path.join(bucket, "dir"), "utf8");
        const present = fs.existsSync(folder) ? new Set(fs.readdirSync(folder)) : new Set<string>();
        if (present.size === 0) {
          fs.rmSync(bucket, { recursive: true, force: true });
          continue;
        }
        for (const entry of fs.readdirSync(bucket)) {
          if (entry === "dir") continue;
          const full = path.join(bucket, entry);
          if (entry.endsWith(".tmp")) {
            if (now - fs.statSync(full).mtimeMs > STALE_TEMP_MS) fs.rmSync(full, { force: true });
            continue;
          }
          const source = entry.slice(0, -".json".length);
          if (!present.has(source) && !/^[0-9a-f]{40}$/.test(source)) fs.rmSync(full, { force: true });
        }
      } catch {
        // A bucket another run is writing or removing right now: left for the next prune.
      }
    }
  }
}
