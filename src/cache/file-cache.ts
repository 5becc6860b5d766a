/**
 * The per-file result cache as `checkFile` uses it: look a file up before reading it, save what
 * the check found after. A result depends on the tool version, the effective settings, the file's
 * path and bytes, the pytest configuration that applies and the conftest.py files above it; the
 * entry's key is a digest of all of them, so an edit of any one is a miss.
 */
import path from "node:path";
import type { SuiteFacts } from "../engine/facts.js";
import type { LintSettings } from "../engine/lint.js";
import type { Project } from "../engine/project.js";
import { readRegularFile } from "../engine/read-file.js";
import type { FindingRecord } from "../engine/record.js";
import type { PytestConfig } from "../config/pytest-config.js";
import { VERSION } from "../meta.js";
import { ENTRY_FORMAT, fromCachedFacts, parseEntry, toCachedFacts, type CacheEntry } from "./entry.js";
import type { CacheStore} from "./store.js";
import { digest } from "./store.js";

/** Files larger than this, and anything but a regular file, are never cached (reading them is the check's business). */
const MAX_CACHED_BYTES = 16 * 1024 * 1024;

/** A looked-up file: the cached findings (a hit), and how to save the check's result (a miss). */
export interface CacheLookup {
  hit?: { findings: FindingRecord[] } | undefined;
  save(findings: readonly FindingRecord[], facts: SuiteFacts): void;
}

export class FileCache {
  private readonly settingsDigest: string;
  private readonly conftestDigests = new Map<string, string>();

  constructor(readonly store: CacheStore, private readonly settings: LintSettings) {
    const o = settings.options;
    this.settingsDigest = digest(JSON.stringify({ format: ENTRY_FORMAT, tool: VERSION, enabled: [...settings.enabled].sort(), options: Object.keys(o).sort().map((k) => [k, o[k as keyof typeof o]]) }));
  }

  private conftestDigest(file: string): string {
    let d = this.conftestDigests.get(file);
    if (d === undefined) {
      try {
        d = digest(readRegularFile(file).bytes);
      } catch {
        d = "unreadable";
      }
      this.conftestDigests.set(file, d);
    }
    return d;
  }

  /** Undefined when the file cannot be cached (not a regular file, too large, unreadable): the check goes on as without a cache. */
  lookup(filePath: string, explicit: boolean, pytestConfig: PytestConfig | undefined, project: Project, facts: SuiteFacts): CacheLookup | undefined {
    let bytes: Buffer;
    try {
      // Only a regular file is read (a FIFO would block), and only up to the size worth caching.
      bytes = readRegularFile(filePath, MAX_CACHED_BYTES).bytes;
    } catch {
      return undefined;
    }
    const conftests = project.conftestPathsAbove(filePath);
    const ignored = [...(this.settings.ignoredCodes?.(filePath) ?? [])].sort();
    const key = digest(
      this.settingsDigest,
      filePath,
      explicit ? "explicit" : "found",
      ignored.join(","),
      digest(bytes),
      pytestConfig ? `${pytestConfig.path}\n${digest(pytestConfig.text)}` : "no pytest configuration",
      ...conftests.map((c) => `${c}\n${this.conftestDigest(c)}`),
    );
    const expected = { tool: VERSION, key, path: filePath };
    const text = this.store.read(filePath);
    const entry = text !== undefined ? parseEntry(text, expected) : undefined;
    const save: CacheLookup["save"] = (findings, suiteFacts) => {
      const own = suiteFacts.pytestFiles.get(filePath);
      // What the suite rules read of the conftest.py files above (parsed by the check already, or now).
      const conftestFacts = () => project.conftestsAbove(filePath).map((c) => ({ path: c.path, facts: toCachedFacts(c.pytestFacts) }));
      const record: CacheEntry = {
        format: ENTRY_FORMAT,
        ...expected,
        findings: findings.map(({ path: _path, ...rest }) => rest),
        facts: [...(own ? [{ path: filePath, own: true, facts: toCachedFacts(own) }] : []), ...conftestFacts().map((c) => ({ ...c, own: false }))],
      };
      this.store.write(filePath, JSON.stringify(record));
    };
    if (!entry) return { save };
    // The suite facts the check would have recorded; those of conftest.py files only where the run has none yet.
    for (const f of entry.facts) {
      if (f.own) facts.notePytestFile(filePath, path.basename(filePath) === "conftest.py", fromCachedFacts(f.facts));
      else if (!facts.pytestFiles.has(f.path)) facts.pytestFiles.set(f.path, fromCachedFacts(f.facts));
    }
    // The records as the check made them: the file's text is not decoded again.
    return { hit: { findings: entry.findings.map((f) => ({ path: filePath, ...f })) }, save };
  }
}
