import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import * as z from "zod/mini";
import { ConfigError, UsageError } from "./config/errors.js";
import { configWhere } from "./config/per-file-ignores.js";
import type { FindingRecord } from "./engine/record.js";
import { writeFileAtomicallySync } from "./fix/write.js";
import { readRegularText, RefusedFileError } from "./engine/read-file.js";

/**
 * The baseline: today's findings recorded so that only new ones are reported.
 *
 * File format (JSON, written by `--write-baseline`, sorted and indented so it diffs well):
 *
 *     {
 *       "$comment": "...",
 *       "version": 1,
 *       "findings": {
 *         "tests/test_api.py": {
 *           "MEM102": ["3b1f0c9a7d2e4f60", "a07e5d1c2b3f4a59"]
 *         }
 *       }
 *     }
 *
 * Keys are paths relative to the baseline file's folder (`/`-separated), then rule codes; each
 * finding is one entry, a fingerprint of the text of the line where it starts (whitespace
 * collapsed, so re-indenting keeps it): a finding keeps its entry when lines are inserted or
 * removed elsewhere, and two identical lines give the same fingerprint twice. A finding is
 * baselined while an unused entry of its file, code and fingerprint remains; the rest are new.
 * Editing the flagged line itself makes its finding new (review it again). Entries that no
 * finding uses any more (fixed since) are stale: reported so the file can be shrunk by running
 * `--write-baseline` again.
 */
export const BASELINE_VERSION = 1;

const COMMENT = "Findings recorded by pytest-memlint --write-baseline: only findings beyond these are reported. Rewrite with --write-baseline; do not edit by hand.";

const baselineSchema = z.object({
  version: z.literal(BASELINE_VERSION),
  findings: z.record(z.string(), z.record(z.string(), z.array(z.string()))),
});

/** path relative to the baseline folder → code → fingerprints (with repeats). */
type Entries = Map<string, Map<string, string[]>>;

export interface StaleEntry {
  /** Relative to the baseline's folder, `/`-separated. */
  path: string;
  code: string;
  count: number;
}

export interface BaselineResult {
  /** Findings beyond the baseline, in the order given. */
  fresh: FindingRecord[];
  /** How many findings the baseline covered. */
  baselined: number;
  /** Entries no finding used, in files and codes this run checked. */
  stale: StaleEntry[];
}

/** Whether a run looked at a file (absolute path) for a code, so a missing finding there means it was fixed. */
export type InScope = (absolutePath: string, code: string) => boolean;

export class Baseline {
  private constructor(
    /** The baseline file (absolute). */
    readonly file: string,
    private readonly entries: Entries,
  ) {}

  get dir(): string {
    return path.dirname(this.file);
  }

  /** An empty baseline for a file (used when writing one that does not exist yet). */
  static empty(file: string): Baseline {
    return new Baseline(path.resolve(file), new Map());
  }

  /** Reads a baseline file; a missing or malformed file is a UsageError naming it (exit 2). */
  static load(file: string, shown: string): Baseline {
    let text: string;
    try {
      text = readRegularText(file);
    } catch (e) {
      if (e instanceof RefusedFileError) throw new UsageError(`${shown}: baseline file ${e.message}`);
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT") throw new UsageError(`${shown}: baseline file not found (create it with --write-baseline ${shown})`);
      throw new UsageError(`${shown}: baseline file cannot be read (${code ?? "error"})`);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new UsageError(`${shown}: not a pytest-memlint baseline (invalid JSON: ${((e as Error).message.split("\n")[0] ?? "").trim()})`);
    }
    const parsed = baselineSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const at = issue && issue.path.length > 0 ? ` at '${issue.path.map(String).join(".")}'` : "";
      throw new UsageError(`${shown}: not a pytest-memlint baseline${at} (expected {"version": ${BASELINE_VERSION}, "findings": {path: {code: [fingerprint, ...]}}}, as --write-baseline writes)`);
    }
    const entries: Entries = new Map();
    for (const [rel, codes] of Object.entries(parsed.data.findings)) {
      const byCode = new Map<string, string[]>();
      for (const [code, prints] of Object.entries(codes)) if (prints.length > 0) byCode.set(code.toUpperCase(), [...prints]);
      if (byCode.size > 0) entries.set(rel, byCode);
    }
    return new Baseline(path.resolve(file), entries);
  }

  /** The number of findings recorded. */
  get size(): number {
    let n = 0;
    for (const byCode of this.entries.values()) for (const prints of byCode.values()) n += prints.length;
    return n;
  }

  /** Splits findings into new ones and baselined ones, and lists the entries no finding used. */
  apply(findings: Iterable<FindingRecord>, inScope: InScope): BaselineResult {
    const remaining = new Map<string, number>();
    const slot = (rel: string, code: string, print: string) => `${rel}\0${code}\0${print}`;
    for (const [rel, byCode] of this.entries) {
      for (const [code, prints] of byCode) for (const p of prints) remaining.set(slot(rel, code, p), (remaining.get(slot(rel, code, p)) ?? 0) + 1);
    }
    const fresh: FindingRecord[] = [];
    let baselined = 0;
    for (const f of findings) {
      const key = slot(this.relative(f.path), f.code, fingerprint(f));
      const left = remaining.get(key) ?? 0;
      if (left > 0) {
        remaining.set(key, left - 1);
        baselined++;
      } else fresh.push(f);
    }
    const staleCounts = new Map<string, StaleEntry>();
    for (const [key, left] of remaining) {
      if (left === 0) continue;
      const [rel = "", code = ""] = key.split("\0");
      if (!inScope(path.resolve(this.dir, rel), code)) continue;
      const id = `${rel}\0${code}`;
      const entry = staleCounts.get(id) ?? { path: rel, code, count: 0 };
      entry.count += left;
      staleCounts.set(id, entry);
    }
    const stale = [...staleCounts.values()].sort((a, b) => compare(a.path, b.path) || compare(a.code, b.code));
    return { fresh, baselined, stale };
  }

  /**
   * A baseline recording `findings`, keeping this one's entries for files and codes the run did
   * not look at (a partial run, or a narrower `--select`, does not forget the rest).
   */
  rewrite(findings: Iterable<FindingRecord>, inScope: InScope): Baseline {
    const entries: Entries = new Map();
    const add = (rel: string, code: string, print: string) => {
      let byCode = entries.get(rel);
      if (!byCode) entries.set(rel, (byCode = new Map<string, string[]>()));
      let prints = byCode.get(code);
      if (!prints) byCode.set(code, (prints = []));
      prints.push(print);
    };
    for (const [rel, byCode] of this.entries) {
      for (const [code, prints] of byCode) {
        if (inScope(path.resolve(this.dir, rel), code)) continue;
        for (const p of prints) add(rel, code, p);
      }
    }
    for (const f of findings) add(this.relative(f.path), f.code, fingerprint(f));
    return new Baseline(this.file, entries);
  }

  /** Deterministic JSON: keys and fingerprints sorted, two-space indent, trailing newline. */
  serialize(): string {
    const findings: Record<string, Record<string, string[]>> = {};
    for (const rel of [...this.entries.keys()].sort(compare)) {
      const byCode = this.entries.get(rel) ?? new Map<string, string[]>();
      const codes: Record<string, string[]> = {};
      for (const code of [...byCode.keys()].sort(compare)) codes[code] = [...(byCode.get(code) ?? [])].sort(compare);
      findings[rel] = codes;
    }
    return JSON.stringify({ $comment: COMMENT, version: BASELINE_VERSION, findings }, null, 2) + "\n";
  }

  /** Writes the file atomically; a failure is a UsageError naming it. */
  write(shown: string): void {
    try {
      writeFileAtomicallySync(this.file, Buffer.from(this.serialize(), "utf8"));
    } catch (e) {
      throw new UsageError(`${shown}: baseline could not be written (${(e as NodeJS.ErrnoException).code ?? "error"})`);
    }
  }

  /** Files with at least one entry. */
  get fileCount(): number {
    return this.entries.size;
  }

  private relative(absolute: string): string {
    return path.relative(this.dir, absolute).split(path.sep).join("/");
  }
}

/** The fingerprint of a finding: a hash of its rule and of the text of the line where it starts, whitespace collapsed. */
export function fingerprint(f: FindingRecord): string {
  const text = f.lineText.trim().replace(/\s+/g, " ");
  return createHash("sha256").update(`${f.code}\0${text}`).digest("hex").slice(0, 16);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One line per stale entry (at most `limit`), for standard error. */
export function describeStale(stale: readonly StaleEntry[], baselineShown: string, limit = 20): string {
  const total = stale.reduce((n, s) => n + s.count, 0);
  const lines = [
    `warning: ${baselineShown}: ${total} baseline ${total === 1 ? "entry matches" : "entries match"} no finding any more (fixed since it was written); run with --write-baseline ${baselineShown} to drop ${total === 1 ? "it" : "them"}:`,
  ];
  for (const s of stale.slice(0, limit)) lines.push(`  ${s.path}: ${s.code} x${s.count}`);
  if (stale.length > limit) lines.push(`  ... and ${stale.length - limit} more`);
  return lines.join("\n") + "\n";
}

export interface BaselineSetup {
  /** The baseline to compare with (`--baseline`, or `baseline` of the configuration). */
  read?: { baseline: Baseline; shown: string };
  /** `--write-baseline`: the file's current entries (empty when it does not exist yet), to merge with. */
  write?: { baseline: Baseline; shown: string };
}

/**
 * Opens the baselines of a run before anything is linted, so that a missing or malformed one stops
 * it at once (UsageError, exit 2). `--baseline` is relative to the working directory, the
 * configuration's `baseline` to the configuration file's folder; `--write-baseline` wins over both.
 */
export function openBaselines(opts: { cwd: string; baseline?: string | undefined; writeBaseline?: string | undefined }, configured: string | undefined, configPath: string | undefined): BaselineSetup {
  if (opts.writeBaseline !== undefined) {
    if (opts.writeBaseline.trim() === "") throw new UsageError("--write-baseline needs a file name");
    const file = path.resolve(opts.cwd, opts.writeBaseline);
    const shown = opts.writeBaseline;
    return { write: { baseline: fs.existsSync(file) ? Baseline.load(file, shown) : Baseline.empty(file), shown } };
  }
  if (opts.baseline !== undefined) {
    if (opts.baseline.trim() === "") throw new UsageError("--baseline needs a file name");
    return { read: { baseline: Baseline.load(path.resolve(opts.cwd, opts.baseline), opts.baseline), shown: opts.baseline } };
  }
  if (configured !== undefined && configPath !== undefined) {
    const where = `${configWhere(configPath)}: key 'baseline'`;
    if (configured.trim() === "") throw new ConfigError(`${where}: expected a file name, got ""`);
    const file = path.resolve(path.dirname(configPath), configured);
    const shown = path.relative(opts.cwd, file).split(path.sep).join("/") || file;
    try {
      return { read: { baseline: Baseline.load(file, shown), shown } };
    } catch (e) {
      if (e instanceof UsageError) throw new ConfigError(`${where}: ${e.message}`);
      throw e;
    }
  }
  return {};
}

/**
 * Writes the baseline (every finding is then in it: none is reported) or compares with it (only new
 * findings are reported; stale entries are listed on standard error unless `quiet`). Returns the
 * findings to report, or undefined when there is no baseline (all of them). Throws UsageError when
 * the file cannot be written.
 */
export function finishBaseline(setup: BaselineSetup, findings: Iterable<FindingRecord>, inScope: InScope, log: (text: string) => void, quiet: boolean): FindingRecord[] | undefined {
  if (setup.write) {
    const next = setup.write.baseline.rewrite(findings, inScope);
    next.write(setup.write.shown);
    if (!quiet) {
      const n = next.size;
      log(`Wrote ${n} finding${n === 1 ? "" : "s"} in ${next.fileCount} file${next.fileCount === 1 ? "" : "s"} to the baseline ${setup.write.shown}.\n`);
    }
    return [];
  }
  if (setup.read) {
    const result = setup.read.baseline.apply(findings, inScope);
    if (result.stale.length > 0 && !quiet) log(describeStale(result.stale, setup.read.shown));
    return result.fresh;
  }
  return undefined;
}
