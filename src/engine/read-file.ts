import fs from "node:fs";

/** The default of `max-file-size-mb`: far above any real test file, far below what exhausts memory. */
export const DEFAULT_MAX_FILE_MB = 64;

let maxFileBytes = DEFAULT_MAX_FILE_MB * 1024 * 1024;

/** Sets the per-file size limit of this thread (from `max-file-size-mb`). */
export function setMaxFileSize(megabytes: number): void {
  maxFileBytes = megabytes * 1024 * 1024;
}

/** What `--fix` compares just before replacing a file: it is still the file that was read. */
export interface FileStamp {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  mode: number;
  uid: number;
  gid: number;
}

/** A path that is not read: not a regular file, or over the size limit. One line for the user. */
export class RefusedFileError extends Error {}

function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a FIFO";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

export function stampOf(st: fs.Stats): FileStamp {
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, mode: st.mode, uid: st.uid, gid: st.gid };
}

export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/**
 * Reads a regular file, and only that: a FIFO is opened without blocking and refused (a FIFO or a
 * device named by mistake would hang the run or fill memory), as is a file over `limit` bytes.
 * Throws the `fs` error (ENOENT, EACCES, ...) or a RefusedFileError.
 */
export function readRegularFile(file: string, limit: number = maxFileBytes): { bytes: Buffer; stamp: FileStamp } {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new RefusedFileError(`not a regular file (${kindOf(st)}); not read`);
    if (st.size > limit) throw new RefusedFileError(`larger than the ${formatSize(limit)} limit (max-file-size-mb); not read`);
    const bytes = fs.readFileSync(fd);
    if (bytes.length > limit) throw new RefusedFileError(`larger than the ${formatSize(limit)} limit (max-file-size-mb); not read`);
    return { bytes, stamp: stampOf(st) };
  } finally {
    fs.closeSync(fd);
  }
}

/** A regular file's text (UTF-8), for configuration and baseline files. */
export function readRegularText(file: string): string {
  return readRegularFile(file).bytes.toString("utf8");
}

function formatSize(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return Number.isInteger(mb) ? `${mb} MB` : `${bytes} byte`;
}
