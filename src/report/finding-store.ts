import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { FindingRecord } from "../engine/record.js";
import { isApplicable } from "../fix/apply.js";
import { compareInFile, compareStrings, displayPath } from "./paths.js";

/** What a report reads: the findings of each file, file by file. */
export interface FindingsByFile {
  readonly count: number;
  /** The files with at least one finding (absolute paths, in no particular order). */
  paths(): Iterable<string>;
  /** A file's findings, by position, then code (a tie keeps the order they were added in). */
  of(absolutePath: string): FindingRecord[];
}

/**
 * A run's findings until the report, kept compact: each file's records as deflated JSON, read back
 * only when the report reaches that file. A large suite has about ten findings per test file, and
 * as objects they were most of the heap of a long run (and made V8 grow the heap to several times that).
 */
export class FindingStore implements FindingsByFile {
  // Each chunk a one-byte string of the deflated bytes: zlib's result is a view of a 16 KB buffer,
  // which kept per file would be most of the memory.
  private readonly chunks = new Map<string, string[]>();
  private total = 0;
  private safe = 0;
  private unsafe = 0;

  static of(findings: Iterable<FindingRecord>): FindingStore {
    const store = new FindingStore();
    store.add(findings);
    return store;
  }

  get count(): number {
    return this.total;
  }

  /** Findings whose fix needs --fix (safe) or --unsafe-fixes (unsafe). */
  get fixable(): { safe: number; unsafe: number } {
    return { safe: this.safe, unsafe: this.unsafe };
  }

  add(findings: Iterable<FindingRecord>): void {
    const byPath = new Map<string, Omit<FindingRecord, "path">[]>();
    for (const { path, ...rest } of findings) {
      const list = byPath.get(path);
      if (list) list.push(rest);
      else byPath.set(path, [rest]);
      this.total++;
      if (isApplicable(rest.fix, false)) this.safe++;
      if (rest.fix?.applicability === "unsafe") this.unsafe++;
    }
    for (const [path, list] of byPath) {
      const chunk = deflateRawSync(JSON.stringify(list), { level: 1 }).toString("latin1");
      const chunks = this.chunks.get(path);
      if (chunks) chunks.push(chunk);
      else this.chunks.set(path, [chunk]);
    }
  }

  paths(): Iterable<string> {
    return this.chunks.keys();
  }

  of(absolutePath: string): FindingRecord[] {
    const found: FindingRecord[] = [];
    for (const chunk of this.chunks.get(absolutePath) ?? []) {
      const list = JSON.parse(inflateRawSync(Buffer.from(chunk, "latin1")).toString("utf8")) as Omit<FindingRecord, "path">[];
      for (const rest of list) found.push({ path: absolutePath, ...rest });
    }
    return found.sort(compareInFile);
  }

  /** Every finding in report order (by display path, position, code), a file at a time. */
  *records(cwd: string): Generator<FindingRecord> {
    for (const p of sortByDisplayPath(this.chunks.keys(), cwd)) yield* this.of(p);
  }
}

/** Findings given all at once, already in report order (tests, small reports), grouped by file. */
export function groupByFile(findings: readonly FindingRecord[]): FindingsByFile {
  const byPath = new Map<string, FindingRecord[]>();
  for (const f of findings) {
    const list = byPath.get(f.path);
    if (list) list.push(f);
    else byPath.set(f.path, [f]);
  }
  return { count: findings.length, paths: () => byPath.keys(), of: (p) => byPath.get(p) ?? [] };
}

export function sortByDisplayPath(paths: Iterable<string>, cwd: string): string[] {
  return [...paths]
    .map((p) => ({ p, shown: displayPath(cwd, p) }))
    .sort((a, b) => compareStrings(a.shown, b.shown))
    .map((x) => x.p);
}
