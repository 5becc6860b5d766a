/**
 * The run memo: a whole run's output, kept in the cache folder with every question the run asked
 * of the file system and the environment (trace.ts). A run with the same command line, in the same
 * folder, with the same build of the tool, first asks those questions again; when every answer is
 * the same, it prints the recorded output and exits with the recorded code, without loading the
 * linter. It makes a repeated check of a few files (an editor on save, pre-commit) cost about as
 * much as starting Node.
 *
 *   <cache>/runs-v1/<hash of the key>.memo   a JSON line (key, questions, answers), then the bytes
 *                                           of the files read and of the output
 *
 * Only runs that are not on a terminal, use the cache and end with code 0 or 1 are memoized, and
 * only when their cache folder is the one found without reading any configuration
 * (PYTEST_MEMLINT_CACHE_DIR, else .pytest-memlint_cache in the working directory).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CACHE_LAYOUT } from "./layout.js";
import { ask, isUnder, MAX_RECORDED_BYTES, sameAnswer, type Answer, type Query, type Recording } from "./trace.js";

const MEMO_FOLDER = "runs-v1";
/** Memos kept per cache folder; the oldest go first. */
const MAX_MEMOS = 64;

export interface MemoKey {
  /** Everything outside the recorded questions that the run's output depends on. */
  text: string;
  /** The cache folder the memo belongs to. */
  dir: string;
  file: string;
}

/** Commands and options whose runs are never memoized (other commands, standard input, help). */
const NOT_MEMOIZED = new Set(["report", "rules", "server", "help", "--help", "-h", "--version", "--no-cache", "-"]);

/** FNV-1a, 2 x 32 bits: the memo's file name (the memo holds its whole key, which is compared). */
function nameHash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}

/**
 * Whether a descriptor is a terminal, without loading node:tty (and the stream modules it loads)
 * for what cannot be one: a pipe, a file, /dev/null.
 */
function isTerminal(fd: number): boolean {
  if (process.platform !== "win32") {
    try {
      const st = fs.fstatSync(fd);
      if (!st.isCharacterDevice() || st.rdev === fs.statSync("/dev/null").rdev) return false;
    } catch {
      return false;
    }
  }
  return process.getBuiltinModule("node:tty").isatty(fd);
}

/** The memo key of this process's run, or undefined when its run is not memoized. */
export function memoKey(argv: readonly string[], cwd: string, buildId: string | undefined): MemoKey | undefined {
  if (buildId === undefined || isTerminal(1) || isTerminal(2)) return undefined;
  if (argv.some((a) => NOT_MEMOIZED.has(a) || a.startsWith("--stdin-filename"))) return undefined;
  const fromEnv = process.env["PYTEST_MEMLINT_CACHE_DIR"];
  const dir = path.resolve(cwd, fromEnv ? fromEnv : ".pytest-memlint_cache");
  // What Node itself reads of the environment at start (options, locale, time zone), next to the run's own reads (recorded).
  const nodeEnv = ["NODE_OPTIONS", "NODE_ICU_DATA", "LANG", "LC_ALL", "LC_MESSAGES", "TZ"].map((k) => process.env[k] ?? null);
  const text = JSON.stringify([MEMO_FOLDER, buildId, process.version, process.platform, process.arch, process.execArgv, nodeEnv, os.availableParallelism(), cwd, argv]);
  return { text, dir, file: path.join(dir, MEMO_FOLDER, `${nameHash(text)}.memo`) };
}

type StoredAnswer = string | number;
interface MemoHeader {
  key: string;
  env: [string, string | null][];
  queries: [Query["op"], string, string, StoredAnswer][];
  output: [1 | 2, number][];
  code: number;
  blobs: number[];
}

export interface Memo {
  env: [string, string | undefined][];
  queries: { query: Query; answer: Answer }[];
  output: [1 | 2, Buffer][];
  code: number;
}

export function encodeMemo(key: string, memo: Memo): Buffer {
  const blobs: Buffer[] = [];
  const blob = (b: Buffer) => blobs.push(b) - 1;
  const header: MemoHeader = {
    key,
    env: memo.env.map(([k, v]) => [k, v ?? null]),
    queries: memo.queries.map(({ query, answer }) => [query.op, query.path, query.arg, typeof answer === "string" ? answer : blob(answer)]),
    output: memo.output.map(([fd, bytes]) => [fd, blob(bytes)]),
    code: memo.code,
    blobs: [],
  };
  header.blobs = blobs.map((b) => b.length);
  return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), ...blobs]);
}

/** The memo in `bytes` when it is one of `key`; undefined for anything else (truncated, another key or format). */
export function decodeMemo(bytes: Buffer, key: string): Memo | undefined {
  const eol = bytes.indexOf(10);
  if (eol < 0) return undefined;
  let header: MemoHeader;
  try {
    header = JSON.parse(bytes.subarray(0, eol).toString("utf8")) as MemoHeader;
  } catch {
    return undefined;
  }
  if (header.key !== key || !Array.isArray(header.blobs) || !Array.isArray(header.queries) || !Array.isArray(header.env) || !Array.isArray(header.output)) return undefined;
  const blobs: Buffer[] = [];
  let at = eol + 1;
  for (const n of header.blobs) {
    blobs.push(bytes.subarray(at, at + n));
    at += n;
  }
  if (at !== bytes.length) return undefined;
  const answer = (a: StoredAnswer): Answer => (typeof a === "number" ? (blobs[a] ?? "") : a);
  return {
    env: header.env.map(([k, v]) => [k, v ?? undefined]),
    queries: header.queries.map(([op, p, arg, a]) => ({ query: { op, path: p, arg }, answer: answer(a) })),
    output: header.output.map(([fd, b]) => [fd, blobs[b] ?? Buffer.alloc(0)]),
    code: header.code,
  };
}

/** The memo of this key when every recorded question gets the same answer now. */
export function validMemo(key: MemoKey): Memo | undefined {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(key.file);
  } catch {
    return undefined;
  }
  const memo = decodeMemo(bytes, key.text);
  if (!memo) return undefined;
  for (const [k, v] of memo.env) if (process.env[k] !== v) return undefined;
  for (const { query, answer } of memo.queries) if (!sameAnswer(ask(query), answer)) return undefined;
  return memo;
}

/**
 * Saves a finished run's recording as the memo of its key, when it can be: nothing spoiled it, it
 * ended with 0 or 1, it used the cache folder of the key, and every question outside the cache
 * folder still gets the answer the run got (else a file changed while it ran).
 */
export function saveMemo(key: MemoKey, rec: Recording, code: number): void {
  const why = whyNotSaved(key, rec, code);
  // PYTEST_MEMLINT_DEBUG says why a run was not memoized (when it was not).
  if (why !== undefined && process.env["PYTEST_MEMLINT_DEBUG"]) process.stderr.write(`debug: run not memoized: ${why}\n`);
}

function whyNotSaved(key: MemoKey, rec: Recording, code: number): string | undefined {
  if (rec.spoiled !== undefined) return rec.spoiled;
  if (code !== 0 && code !== 1) return `exit code ${code}`;
  if (rec.cacheDir !== key.dir) return `cache folder ${rec.cacheDir ?? "(none)"} is not ${key.dir}`;
  const cacheDir = rec.cacheDir;
  // A real run warns when the cache folder cannot be written: the memo holds only while it can.
  const layout = path.join(cacheDir, CACHE_LAYOUT);
  rec.queries.set(`access\0${layout}\0${fs.constants.W_OK}`, { query: { op: "access", path: layout, arg: String(fs.constants.W_OK) }, answer: "" });
  const queries: Memo["queries"] = [];
  let size = 0;
  for (const { query, answer } of rec.queries.values()) {
    const now = ask(query);
    if (!isUnder(path.resolve(query.path), cacheDir) && !sameAnswer(now, answer)) return `${query.path} changed during the run`;
    if (query.op === "access" && now !== "ok") return `cache folder ${cacheDir} cannot be written`;
    size += now.length;
    queries.push({ query, answer: now });
  }
  for (const [, b] of rec.output) size += b.length;
  if (size > MAX_RECORDED_BYTES) return `the memo would hold more than ${MAX_RECORDED_BYTES} bytes`;
  const bytes = encodeMemo(key.text, { env: [...rec.env], queries, output: rec.output, code });
  const folder = path.dirname(key.file);
  const temp = `${key.file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(temp, bytes);
    fs.renameSync(temp, key.file);
    pruneMemos(folder);
  } catch (e) {
    fs.rmSync(temp, { force: true });
    return `the memo could not be written (${(e as NodeJS.ErrnoException).code ?? "error"})`;
  }
  return undefined;
}

/** Keeps the newest MAX_MEMOS memos (each command line run in each folder has one). */
function pruneMemos(folder: string): void {
  const names = fs.readdirSync(folder);
  if (names.length <= MAX_MEMOS) return;
  const aged = names.map((n) => {
    const file = path.join(folder, n);
    try {
      return { file, mtime: fs.statSync(file).mtimeMs };
    } catch {
      return { file, mtime: 0 };
    }
  });
  aged.sort((a, b) => b.mtime - a.mtime);
  for (const { file } of aged.slice(MAX_MEMOS)) fs.rmSync(file, { force: true });
}
