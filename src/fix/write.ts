import fs from "node:fs";
import path from "node:path";
import { threadId } from "node:worker_threads";
import { sameStamp, stampOf, type FileStamp } from "../engine/read-file.js";
import { stopRequested } from "./interrupt.js";

let tempCounter = 0;

export type WriteOutcome = "written" | "changed" | "gone" | "stopped";

/**
 * Replaces a file atomically: the new bytes go to a temporary file in the same folder (same mode
 * and owner, fsynced), which is renamed over the file, so a crash or a kill leaves the old content
 * or the new, never a torn file. Just before the rename the file is compared with the one read
 * (`read`): a file edited meanwhile (size, modification time or inode differ) is left as it is
 * ("changed"), a file deleted meanwhile is not created again ("gone"), and after SIGINT/SIGTERM
 * nothing is renamed ("stopped"). The temporary file never outlives the call.
 *
 * (write-file-atomic was used before: its temporary signal handler came and went around each
 * write, so a signal between two writes was lost, and with worker threads a signal left its
 * temporary files behind.)
 */
export function replaceFile(filePath: string, bytes: Buffer, read: FileStamp): WriteOutcome {
  if (stopRequested()) return "stopped";
  const dir = path.dirname(filePath);
  const temp = path.join(dir, `.${path.basename(filePath)}.pytest-memlint-${process.pid}-${threadId}-${tempCounter++}.tmp`);
  const fd = fs.openSync(temp, "wx", read.mode & 0o7777);
  let renamed = false;
  try {
    try {
      fs.writeFileSync(fd, bytes);
      // The umask may have narrowed the mode given to open; the owner is kept when we may set it.
      fs.fchmodSync(fd, read.mode & 0o7777);
      if (process.getuid?.() === 0) fs.fchownSync(fd, read.uid, read.gid);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    let now: fs.Stats;
    try {
      now = fs.statSync(filePath);
    } catch {
      return "gone";
    }
    if (!sameStamp(read, stampOf(now))) return "changed";
    if (stopRequested()) return "stopped";
    fs.renameSync(temp, filePath);
    renamed = true;
    return "written";
  } finally {
    if (!renamed) fs.rmSync(temp, { force: true });
  }
}

/** Writes (or creates) a file atomically, for the run's own files (a baseline): temporary file, fsync, rename. */
export function writeFileAtomicallySync(filePath: string, bytes: Buffer | string): void {
  const temp = path.join(path.dirname(filePath), `.${path.basename(filePath)}.pytest-memlint-${process.pid}-${threadId}-${tempCounter++}.tmp`);
  let mode = 0o666;
  try {
    mode = fs.statSync(filePath).mode & 0o7777;
  } catch {
    // A new file: the umask decides.
  }
  let renamed = false;
  try {
    const fd = fs.openSync(temp, "wx", mode);
    try {
      fs.writeFileSync(fd, bytes);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, filePath);
    renamed = true;
  } finally {
    if (!renamed) fs.rmSync(temp, { force: true });
  }
}
