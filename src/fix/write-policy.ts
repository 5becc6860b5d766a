import fs from "node:fs";
import path from "node:path";
import type { FileStamp } from "../engine/read-file.js";

/**
 * Where `--fix` may write (README, "What --fix writes"): only a regular file inside the paths
 * given. A symbolic link is linted through, but its target is written only when it lies inside
 * the same paths (then the target is replaced and the link stays a link); a file without write
 * permission for the user is left as it is. Each refusal is one warning; the findings stay.
 */
export type WriteDecision = { ok: true; target: string; stamp: FileStamp } | { ok: false; why: string };

/** The real paths of the folders the given paths name (a file's own folder), where fixes may be written. */
export function writeRootsOf(paths: readonly string[], cwd: string): string[] {
  const roots: string[] = [];
  for (const given of paths.length > 0 ? paths : ["."]) {
    const abs = path.resolve(cwd, given);
    try {
      const st = fs.statSync(abs);
      roots.push(fs.realpathSync(st.isDirectory() ? abs : path.dirname(abs)));
    } catch {
      // A path that cannot be read was reported by discovery; nothing under it is written.
    }
  }
  return roots;
}

function isInside(file: string, root: string): boolean {
  const rel = path.relative(root, file);
  return rel !== "" && !rel.startsWith(`..${path.sep}`) && rel !== ".." && !path.isAbsolute(rel);
}

export function mayWrite(filePath: string, read: FileStamp, roots: readonly string[] | undefined): WriteDecision {
  // `read` is the stamp of the file read (a link's target): replaceFile compares it again at the end.
  let target = filePath;
  try {
    if (fs.lstatSync(filePath).isSymbolicLink()) {
      target = fs.realpathSync(filePath);
      if (roots !== undefined && !roots.some((root) => isInside(target, root))) {
        return { ok: false, why: "a symbolic link to a file outside the paths given" };
      }
    }
  } catch {
    return { ok: false, why: "it was deleted while being fixed; not created again" };
  }
  if (!canWrite(target, read)) return { ok: false, why: "no write permission; left as it is" };
  return { ok: true, target, stamp: read };
}

/** Write permission for this user; for root (who may write anything) a file with no write bit counts as read-only. */
function canWrite(file: string, stamp: FileStamp): boolean {
  if (process.getuid?.() === 0) return (stamp.mode & 0o222) !== 0;
  try {
    fs.accessSync(file, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
