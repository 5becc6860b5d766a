/**
 * The recorder behind the run memo (run-memo.ts): while a run goes, every question it asks of the
 * file system and the environment is written down with the answer it got, and everything it
 * prints, in order. A later run with the same command line in the same folder may print the same
 * bytes without running only when each question, asked again, gets the same answer.
 *
 * Why that is complete: apart from its command line, working directory and the build of the tool
 * (the memo's key), a run's output is a function of what it reads: files and folders through the
 * synchronous `fs` calls below, and environment variables. Anything else the recorder cannot
 * account for spoils the recording (no memo is written): an asynchronous `fs` call, reading
 * standard input, a worker thread or child process, a write outside the cache folder (--fix,
 * --output-file, GITHUB_STEP_SUMMARY), changing the environment, enumerating it, standard output
 * failing. The clock and random numbers reach the output only on a terminal (the time taken,
 * the progress bar), and runs on a terminal are never recorded.
 *
 * The cache folder is the exception: the run writes its entries there. Output never depends on the
 * entries (a run prints the same with --no-cache), so questions about paths in the cache folder are
 * answered as the folder is when the run ends; a later run then uses the memo only while the
 * cache folder is as this run left it (an entry edited or removed since, a deleted .gitignore: a
 * real run, which rewrites them).
 */
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import path from "node:path";
import { recordingSlot } from "./recording-slot.js";

/** A built-in module's exports object, loaded only when recording (the memo's entry is CommonJS, so no createRequire(import.meta.url)). */
const builtin = (name: string) => process.getBuiltinModule(name) as unknown as Record<string, unknown>;

/** A question: an operation, its path, and what else changes its answer (flags, options). */
export interface Query {
  op: "exists" | "stat" | "lstat" | "readFile" | "readdir" | "realpath" | "access" | "readlink" | "open" | "fstat" | "fdread";
  path: string;
  arg: string;
}

/** A file's bytes, or a short text (an error code, a folder listing, a file type and size). */
export type Answer = string | Buffer;

/** The `fs` functions as they were before the recorder replaced them (the memo's own reads and writes use these). */
const original = {
  existsSync: fs.existsSync,
  statSync: fs.statSync,
  lstatSync: fs.lstatSync,
  fstatSync: fs.fstatSync,
  readFileSync: fs.readFileSync,
  readdirSync: fs.readdirSync,
  realpathSync: fs.realpathSync,
  realpathNative: fs.realpathSync.native,
  accessSync: fs.accessSync,
  readlinkSync: fs.readlinkSync,
  openSync: fs.openSync,
  closeSync: fs.closeSync,
};

function code(e: unknown): string {
  return `!${(e as NodeJS.ErrnoException).code ?? "error"}`;
}

/**
 * A Stats object as the run can tell it apart: type, mode, and for anything but a folder its size
 * and modification time (the fields src/ reads: type checks, the size limit, and --fix's stamp,
 * whose runs write and are never recorded). A folder's time changes with every file added to it.
 */
function statAnswer(st: fs.Stats | fs.BigIntStats | undefined): string {
  if (st === undefined) return "!ENOENT";
  const type = st.isFile() ? "f" : st.isDirectory() ? "d" : st.isSymbolicLink() ? "l" : st.isFIFO() ? "p" : st.isSocket() ? "s" : st.isCharacterDevice() ? "c" : "b";
  return type === "d" ? `d:${st.mode}` : `${type}:${st.mode}:${st.size}:${st.mtimeMs}`;
}

function listingAnswer(entries: (string | Buffer | fs.Dirent)[]): string {
  return entries.map((e) => (typeof e === "string" ? e : Buffer.isBuffer(e) ? e.toString("latin1") : `${e.name}\t${e.isDirectory() ? "d" : e.isFile() ? "f" : e.isSymbolicLink() ? "l" : "o"}\t${e.parentPath ?? ""}`)).join("\n");
}

/** Asks a question again, now. */
export function ask(q: Query): Answer {
  try {
    switch (q.op) {
      case "exists":
        return original.existsSync(q.path) ? "1" : "0";
      case "stat":
        return statAnswer(original.statSync(q.path, { throwIfNoEntry: false }));
      case "lstat":
        return statAnswer(original.lstatSync(q.path, { throwIfNoEntry: false }));
      case "readFile":
        return original.readFileSync(q.path);
      case "readdir": {
        const o = JSON.parse(q.arg) as { withFileTypes: boolean; recursive: boolean };
        return listingAnswer(o.withFileTypes ? original.readdirSync(q.path, { withFileTypes: true, recursive: o.recursive }) : original.readdirSync(q.path, { recursive: o.recursive }));
      }
      case "realpath":
        return (q.arg === "native" ? original.realpathNative : original.realpathSync)(q.path);
      case "access":
        original.accessSync(q.path, Number(q.arg));
        return "ok";
      case "readlink":
        return original.readlinkSync(q.path);
      case "open":
      case "fstat":
      case "fdread": {
        const fd = original.openSync(q.path, Number(q.arg));
        try {
          return q.op === "open" ? "ok" : q.op === "fstat" ? statAnswer(original.fstatSync(fd)) : original.readFileSync(fd);
        } finally {
          original.closeSync(fd);
        }
      }
    }
  } catch (e) {
    return code(e);
  }
}

export function sameAnswer(a: Answer, b: Answer): boolean {
  if (typeof a === "string" || typeof b === "string") return a === b;
  return a.equals(b);
}

/** What a recording holds when the run ends. */
export interface Recording {
  /** Why nothing may be memoized, when something was used that the recorder cannot account for. */
  spoiled: string | undefined;
  queries: Map<string, { query: Query; answer: Answer }>;
  env: Map<string, string | undefined>;
  /** Standard output (1) and standard error (2), in the order written. */
  output: [1 | 2, Buffer][];
  /** The run's result cache folder (openFileCache tells), where the run may write. */
  cacheDir: string | undefined;
  /**
   * The tool's own files (its bundle, package.json, node_modules: the parser loads from there), not
   * questions of the run: the memo's key holds the build, which is a digest of the bundle and of
   * the package.json that pins the parser packages.
   */
  installed: string[];
  /** Bytes of file contents recorded so far. */
  bytes: number;
}

const slot = recordingSlot<Recording>();
/** A run that reads more than this is not memoized: the memo would be slow to read and check. */
export const MAX_RECORDED_BYTES = 16 * 1024 * 1024;
/** Inside a replaced function: the calls it makes itself (readFileSync opens the file) are not questions of the run. */
let depth = 0;

export function spoil(reason: string): void {
  const recording = slot.get();
  if (recording && recording.spoiled === undefined) recording.spoiled = reason;
}

export function isUnder(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

function pathArg(p: unknown): string | undefined {
  if (typeof p === "string") return p;
  if (p instanceof URL && p.protocol === "file:") return decodeURIComponent(p.pathname);
  return undefined;
}

function note(query: Query, answer: Answer): void {
  const recording = slot.get();
  if (!recording) return;
  const abs = path.resolve(query.path);
  if (recording.installed.some((dir) => isUnder(abs, dir))) return;
  // A folder walked: a run over folders is not memoized (its memo would hold and re-read the suite; its warm run is quick already).
  if (query.op === "readdir" && !(recording.cacheDir !== undefined && isUnder(abs, recording.cacheDir))) spoil("a folder was walked");
  if (typeof answer !== "string") {
    recording.bytes += answer.length;
    if (recording.bytes > MAX_RECORDED_BYTES) spoil(`more than ${MAX_RECORDED_BYTES} bytes read`);
  }
  if (recording.spoiled !== undefined) return;
  const key = `${query.op}\0${query.path}\0${query.arg}`;
  const before = recording.queries.get(key);
  if (before === undefined) recording.queries.set(key, { query, answer });
  // The same question answered differently within the run (a file changed while it ran).
  else if (!sameAnswer(before.answer, answer) && !(recording.cacheDir !== undefined && isUnder(path.resolve(query.path), recording.cacheDir))) spoil(`${query.path} changed during the run`);
}

const READ_ONLY_FLAGS = new Set(["r", "rs", "sr"]);
const WRITE_BITS = fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_APPEND;

function numericReadFlags(flags: unknown): number | undefined {
  if (flags === undefined || flags === null) return fs.constants.O_RDONLY;
  if (typeof flags === "string") return READ_ONLY_FLAGS.has(flags) ? fs.constants.O_RDONLY | (flags === "r" ? 0 : fs.constants.O_SYNC) : undefined;
  if (typeof flags === "number") return (flags & WRITE_BITS) === 0 ? flags : undefined;
  return undefined;
}

/** Replaces `fs` functions, process.env and the two output streams' write with recording ones. */
export function startRecording(bundleDir: string): void {
  if (slot.get()) return;
  const packageRoot = path.resolve(bundleDir, "..", "..");
  const installed = [path.join(packageRoot, "dist"), path.join(packageRoot, "node_modules"), path.join(packageRoot, "package.json")];
  const rec: Recording = { spoiled: undefined, queries: new Map(), env: new Map(), output: [], cacheDir: undefined, installed, bytes: 0 };
  slot.set(rec);
  // The output streams first: standard output to a file writes with fs.writeSync, bound when the stream is made.
  for (const [fd, stream] of [[1, process.stdout], [2, process.stderr]] as const) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const encoding = typeof rest[0] === "string" ? (rest[0] as BufferEncoding) : "utf8";
      if (typeof chunk === "string") rec.output.push([fd, Buffer.from(chunk, encoding)]);
      else if (chunk instanceof Uint8Array) rec.output.push([fd, Buffer.from(chunk)]);
      else spoil("an output the recorder does not follow");
      return write(chunk, ...rest);
    });
    stream.on("error", () => spoil("an output stream failed"));
  }
  const fsAny = fs as unknown as Record<string, unknown>;
  /** Files the run opened to read, by descriptor: their fstat and contents are questions about the path. */
  const readFds = new Map<number, { path: string; flags: number }>();
  /** Descriptors of files opened for writing in the cache folder. */
  const cacheFds = new Set<number>();
  const inCache = (p: string | undefined) => p !== undefined && rec.cacheDir !== undefined && isUnder(path.resolve(p), rec.cacheDir);

  const wrap = <F extends (...args: never[]) => unknown>(name: string, body: (orig: F, args: Parameters<F>) => ReturnType<F>) => {
    const orig = fsAny[name] as F;
    const replaced = function (this: unknown, ...args: Parameters<F>): ReturnType<F> {
      if (depth > 0) return orig.apply(this, args) as ReturnType<F>;
      depth++;
      try {
        return body(orig, args);
      } finally {
        depth--;
      }
    };
    fsAny[name] = replaced;
    return replaced;
  };
  /** A question: the program's own call, its answer noted (also when it throws). */
  const asked = (name: string, op: Query["op"], arg: (args: unknown[]) => string | undefined, answerOf: (result: unknown) => Answer) =>
    wrap(name, (orig: (...a: unknown[]) => unknown, args: unknown[]) => {
      const p = pathArg(args[0]);
      const a = arg(args);
      if (p === undefined || a === undefined) {
        spoil(`fs.${name} with arguments the recorder does not follow`);
        return orig(...args);
      }
      try {
        const result = orig(...args);
        note({ op, path: p, arg: a }, answerOf(result));
        return result;
      } catch (e) {
        note({ op, path: p, arg: a }, code(e));
        throw e;
      }
    });

  asked("existsSync", "exists", () => "", (r) => (r ? "1" : "0"));
  for (const [name, op] of [["statSync", "stat"], ["lstatSync", "lstat"]] as const) asked(name, op, () => "", (r) => statAnswer(r as fs.Stats | undefined));
  asked("readdirSync", "readdir", (args) => {
    const o = (typeof args[1] === "object" && args[1] !== null ? args[1] : {}) as { withFileTypes?: boolean; recursive?: boolean; encoding?: string };
    if (typeof args[1] === "string" ? args[1] === "buffer" : o.encoding === "buffer") return undefined;
    return JSON.stringify({ withFileTypes: o.withFileTypes === true, recursive: o.recursive === true });
  }, (r) => listingAnswer(r as fs.Dirent[]));
  asked("accessSync", "access", (args) => (args[1] === undefined ? String(fs.constants.F_OK) : typeof args[1] === "number" ? String(args[1]) : undefined), () => "ok");
  asked("readlinkSync", "readlink", (args) => (args[1] === undefined || args[1] === "utf8" || (args[1] as { encoding?: string })?.encoding === "utf8" ? "" : undefined), (r) => String(r));
  const realpathNative = fs.realpathSync.native;
  asked("realpathSync", "realpath", () => "", (r) => String(r));
  const realpathWrapped = fsAny["realpathSync"] as typeof fs.realpathSync;
  realpathWrapped.native = ((...args: Parameters<typeof realpathNative>) => {
    if (depth > 0) return realpathNative(...args);
    const p = pathArg(args[0]);
    if (p === undefined) spoil("fs.realpathSync.native with a path the recorder does not follow");
    try {
      const r = realpathNative(...args);
      if (p !== undefined) note({ op: "realpath", path: p, arg: "native" }, String(r));
      return r;
    } catch (e) {
      if (p !== undefined) note({ op: "realpath", path: p, arg: "native" }, code(e));
      throw e;
    }
  }) as typeof realpathNative;

  wrap("readFileSync", (orig: (...a: unknown[]) => unknown, args: unknown[]) => {
    const opts = args[1];
    const flag = typeof opts === "object" && opts !== null ? (opts as { flag?: string }).flag : undefined;
    if (flag !== undefined && !READ_ONLY_FLAGS.has(flag)) {
      spoil(`fs.readFileSync with flag ${flag}`);
      return orig(...args);
    }
    const bytes = (r: unknown) => (Buffer.isBuffer(r) ? r : Buffer.from(r as string, typeof opts === "string" ? (opts as BufferEncoding) : ((opts as { encoding?: BufferEncoding })?.encoding ?? "utf8")));
    if (typeof args[0] === "number") {
      const open = readFds.get(args[0]);
      if (!open) {
        spoil(`fs.readFileSync of descriptor ${args[0]}`);
        return orig(...args);
      }
      const r = orig(...args);
      note({ op: "fdread", path: open.path, arg: String(open.flags) }, bytes(r));
      return r;
    }
    const p = pathArg(args[0]);
    if (p === undefined) {
      spoil("fs.readFileSync with a path the recorder does not follow");
      return orig(...args);
    }
    try {
      const r = orig(...args);
      note({ op: "readFile", path: p, arg: "" }, bytes(r));
      return r;
    } catch (e) {
      note({ op: "readFile", path: p, arg: "" }, code(e));
      throw e;
    }
  });
  wrap("openSync", (orig: (...a: unknown[]) => number, args: unknown[]) => {
    const p = pathArg(args[0]);
    const flags = numericReadFlags(args[1]);
    if (p !== undefined && flags !== undefined) {
      try {
        const fd = orig(...args);
        note({ op: "open", path: p, arg: String(flags) }, "ok");
        readFds.set(fd, { path: p, flags });
        return fd;
      } catch (e) {
        note({ op: "open", path: p, arg: String(flags) }, code(e));
        throw e;
      }
    }
    if (!inCache(p)) spoil(`a file opened for writing: ${p ?? String(args[0])}`);
    const fd = orig(...args);
    cacheFds.add(fd);
    return fd;
  });
  wrap("fstatSync", (orig: (...a: unknown[]) => fs.Stats, args: unknown[]) => {
    const open = readFds.get(args[0] as number);
    if (open) {
      const r = orig(...args);
      note({ op: "fstat", path: open.path, arg: String(open.flags) }, statAnswer(r));
      return r;
    }
    if (!cacheFds.has(args[0] as number)) spoil(`fs.fstatSync of descriptor ${String(args[0])}`);
    return orig(...args);
  });
  wrap("closeSync", (orig: (...a: unknown[]) => unknown, args: unknown[]) => {
    const fd = args[0] as number;
    if (!readFds.delete(fd) && !cacheFds.delete(fd)) spoil(`fs.closeSync of descriptor ${fd}`);
    return orig(...args);
  });
  // Descriptor writes: only to files of the cache folder.
  for (const name of ["writeSync", "fsyncSync", "fdatasyncSync", "ftruncateSync", "fchmodSync", "fchownSync", "futimesSync"]) {
    wrap(name, (orig: (...a: unknown[]) => unknown, args: unknown[]) => {
      if (!cacheFds.has(args[0] as number)) spoil(`fs.${name} of descriptor ${String(args[0])}`);
      return orig(...args);
    });
  }
  // Path writes: only in the cache folder (its entries, its .gitignore).
  const pathWrites: Record<string, number> = {
    writeFileSync: 1, appendFileSync: 1, mkdirSync: 1, rmSync: 1, rmdirSync: 1, unlinkSync: 1, truncateSync: 1, chmodSync: 1, chownSync: 1, lchownSync: 1, utimesSync: 1, lutimesSync: 1, mkdtempSync: 1,
    renameSync: 2, copyFileSync: 2, cpSync: 2, linkSync: 2, symlinkSync: 2,
  };
  for (const [name, targets] of Object.entries(pathWrites)) {
    if (typeof fsAny[name] !== "function") continue;
    wrap(name, (orig: (...a: unknown[]) => unknown, args: unknown[]) => {
      const paths = args.slice(0, targets).map(pathArg);
      if (typeof args[0] === "number" && (name === "writeFileSync" || name === "appendFileSync")) {
        if (!cacheFds.has(args[0])) spoil(`fs.${name} of descriptor ${args[0]}`);
      } else if (!paths.every((p) => inCache(p))) spoil(`fs.${name} outside the cache folder: ${paths.join(", ")}`);
      return orig(...args);
    });
  }
  // Everything else on `fs` (asynchronous calls, streams, watchers, other synchronous calls): not followed.
  const handled = new Set([...Object.keys(original), ...Object.keys(pathWrites), "writeSync", "fsyncSync", "fdatasyncSync", "ftruncateSync", "fchmodSync", "fchownSync", "futimesSync"]);
  for (const name of Object.keys(fsAny)) {
    const d = Object.getOwnPropertyDescriptor(fsAny, name);
    if (!d || !("value" in d) || typeof d.value !== "function" || handled.has(name) || /^[A-Z_]/.test(name)) continue;
    wrap(name, (orig: (...a: unknown[]) => unknown, args: unknown[]) => {
      spoil(`fs.${name}`);
      return orig(...args);
    });
  }
  const promises = builtin("node:fs/promises");
  for (const name of Object.keys(promises)) {
    const f = promises[name];
    if (typeof f !== "function" || name === "constants") continue;
    promises[name] = function (this: unknown, ...args: unknown[]) {
      // Node's module loader reads the tool's own modules with it (the build is in the memo's key).
      const p = name === "readFile" ? pathArg(args[0]) : undefined;
      if (p === undefined || !installed.some((dir) => isUnder(path.resolve(p), dir))) spoil(`fs.promises.${name}`);
      return (f as (...a: unknown[]) => unknown).apply(this, args);
    };
  }
  const threads = builtin("node:worker_threads") as unknown as { Worker: new (...a: unknown[]) => object };
  const OriginalWorker = threads.Worker;
  threads.Worker = class extends OriginalWorker {
    constructor(...args: unknown[]) {
      spoil("a worker thread");
      super(...args);
    }
  };
  // Child processes: the CLI starts none, so node:child_process is not loaded to be patched (it
  // costs as much to load as a memoized run takes); a run that loaded it is not memoized (stopRecording).
  if (loadedModules() === undefined) {
    const children = builtin("node:child_process");
    for (const name of ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"]) {
      const f = children[name] as (...a: unknown[]) => unknown;
      children[name] = (...args: unknown[]) => {
        spoil("a child process");
        return f(...args);
      };
    }
  }
  syncBuiltinESMExports();

  // Standard input: the run's answer would depend on it.
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with `process` as `this` below
  const stdinGetter = Object.getOwnPropertyDescriptor(process, "stdin")?.get as ((this: NodeJS.Process) => NodeJS.ReadStream) | undefined;
  Object.defineProperty(process, "stdin", {
    configurable: true,
    enumerable: true,
    get() {
      spoil("standard input");
      return stdinGetter?.call(process);
    },
  });
  const chdir = process.chdir.bind(process);
  process.chdir = (dir: string) => {
    spoil("process.chdir");
    chdir(dir);
  };

  const env = process.env;
  process.env = new Proxy(env, {
    get(target, key) {
      const value = Reflect.get(target, key) as string | undefined;
      if (typeof key === "string" && !rec.env.has(key)) rec.env.set(key, value);
      return value;
    },
    has(target, key) {
      if (typeof key === "string" && !rec.env.has(key)) rec.env.set(key, Reflect.get(target, key));
      return Reflect.has(target, key);
    },
    getOwnPropertyDescriptor(target, key) {
      if (typeof key === "string" && !rec.env.has(key)) rec.env.set(key, Reflect.get(target, key));
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
    ownKeys(target) {
      spoil("the whole environment read");
      return Reflect.ownKeys(target);
    },
    set(target, key, value) {
      spoil("the environment changed");
      return Reflect.set(target, key, value);
    },
    deleteProperty(target, key) {
      spoil("the environment changed");
      return Reflect.deleteProperty(target, key);
    },
  });
}

/** The built-in modules loaded so far (Node's process.moduleLoadList), where Node lists them. */
function loadedModules(): readonly string[] | undefined {
  const list = (process as unknown as { moduleLoadList?: unknown }).moduleLoadList;
  return Array.isArray(list) ? (list as string[]) : undefined;
}

/** Ends the recording (the patched functions stay, answering as before) and returns it. */
export function stopRecording(): Recording | undefined {
  if (loadedModules()?.includes("NativeModule child_process")) spoil("node:child_process was loaded");
  const r = slot.get();
  slot.set(undefined);
  return r;
}
