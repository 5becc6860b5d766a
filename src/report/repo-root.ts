import fs from "node:fs";
import path from "node:path";

const roots = new Map<string, string>();

/**
 * The folder report paths are relative to where CI reads them (SARIF, GitLab): the top level of the
 * git repository holding `cwd` (the folder with `.git`, a folder or a worktree's file), else `cwd`.
 */
export function repositoryRoot(cwd: string): string {
  let root = roots.get(cwd);
  if (root === undefined) {
    root = cwd;
    for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
      if (fs.existsSync(path.join(dir, ".git"))) {
        root = dir;
        break;
      }
      if (path.dirname(dir) === dir) break;
    }
    roots.set(cwd, root);
  }
  return root;
}
