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

/** Up to this many characters of findings are kept as JSON text; beyond it each file's are deflated. */
export const PLAIN_CHARS = 4 << 20;

/**
 * A run's findings until the report, kept compact: each file's records as JSON text, read back
 * only when the report reaches that file. A large suite has about ten findings per test file, and
 * as objects they were most of the heap of a long run (and made V8 grow the heap to several times that).
 * Past `PLAIN_CHARS` of text, a file's records are deflated (a zlib stream per file costs more time
 * than the findings of a usual suite take memory as text).
 */
export class FindingStore implements FindingsByFile {
  // Each chunk a string: the JSON text (an array: "[" first), or "z" and the deflated bytes as a one-byte string (zlib's result is a
  // view of a 16 KB buffer, which kept per file would be most of the memory).
  private readonly chunks = new Map<string, string[]>();
  private plainChars = 0;
  private total = 0;
  private safe = 0;
  private unsafe = 0;

  /** `plainLimit`: characters of JSON kept as text before files' findings are deflated. */
  constructor(private readonly plainLimit = PLAIN_CHARS) {}

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
      const json = JSON.stringify(list);
      let chunk: string;
      if (this.plainChars + json.length <= this.plainLimit) {
        this.plainChars += json.length;
        // As it is: a prefix would make a second string of the text when it is read back.
        chunk = json;
      } else {
        chunk = "z" + deflateRawSync(json, { level: 1 }).toString("latin1");
      }
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
      const json = chunk.charCodeAt(0) !== 0x7a /* z */ ? chunk : inflateRawSync(Buffer.from(chunk.slice(1), "latin1")).toString("utf8");
      const list = JSON.parse(json) as Omit<FindingRecord, "path">[];
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
