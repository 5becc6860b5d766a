import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import type FastGlob from "fast-glob";
import ignore, { type Ignore } from "ignore";
import { describeFsError, FileError } from "./engine/analyze.js";
import { readRegularText } from "./engine/read-file.js";

const require = createRequire(import.meta.url);
let fg: typeof FastGlob | undefined;

/**
 * fast-glob, loaded when a folder is first walked: a run over named files (pre-commit, an editor)
 * never loads it. `require`d from node_modules, not bundled: the bundle evaluates its imports at start.
 */
export function fastGlob(): typeof FastGlob {
  return (fg ??= require("fast-glob") as typeof FastGlob);
}

/** Folders never searched (named paths inside them are still checked). */
export const DEFAULT_EXCLUDED_DIRS = [".git", ".venv", "venv", "node_modules", "__pycache__", "build", "dist", ".tox", ".nox", "site-packages", ".hg", ".mypy_cache", ".pytest_cache", ".ruff_cache"];

export interface DiscoveredFile {
  path: string;
  /** Named on the command line: always checked, as a test file. */
  explicit: boolean;
}

export interface Discovery {
  files: DiscoveredFile[];
  errors: FileError[];
}

export interface DiscoverOptions {
  cwd: string;
  /** Tells whether a path is excluded by the configuration's `exclude`. */
  isExcluded?: ((absolutePath: string) => boolean) | undefined;
  /**
   * The project root when no git repository holds the walked folder (as ruff: the configuration
   * file's folder, else the working directory): `.gitignore` files above it do not apply.
   */
  projectRoot?: string;
  /** `--force-exclude`: `exclude` applies to files named directly too (pre-commit names every file). */
  forceExclude?: boolean | undefined;
}

/**
 * Python files under each path, sorted, each once: `*.py` files in folders (test files are told
 * apart later, by the pytest configuration that applies), skipping the default folders, what
 * `.gitignore` files ignore and what `exclude` names; files named directly are always kept.
 */
export function discover(paths: readonly string[], options: DiscoverOptions): Discovery {
  const found = new Map<string, DiscoveredFile>();
  const errors: FileError[] = [];
  for (const given of paths) {
    const abs = path.resolve(options.cwd, given);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch (e) {
      errors.push(new FileError(abs, describeFsError(e)));
      continue;
    }
    if (!stat.isDirectory()) {
      if (options.forceExclude && options.isExcluded && isExcludedWithFolders(abs, options.isExcluded)) continue;
      found.set(abs, { path: abs, explicit: true });
      continue;
    }
    const walked = globPython(abs, errors);
    const gitignores = new GitignoreSet(abs, options.projectRoot ?? options.cwd, walked.gitignores);
    const excluded = excludedBelow(abs, options.isExcluded);
    for (const file of walked.python) {
      if (found.has(file) || gitignores.ignores(file) || excluded(file)) continue;
      found.set(file, { path: file, explicit: false });
    }
  }
  const files = [...found.values()].sort((a, b) => compareStrings(a.path, b.path));
  return { files, errors };
}

/** Whether `exclude` names the file or any folder above it (for a file named directly, with `--force-exclude`). */
export function isExcludedWithFolders(file: string, isExcluded: (absolutePath: string) => boolean): boolean {
  for (let p = file; ; p = path.dirname(p)) {
    if (isExcluded(p)) return true;
    if (path.dirname(p) === p) return false;
  }
}

/**
 * Whether `exclude` names a file or a folder between the walked folder and it (as ruff prunes
 * while walking: a folder given on the command line is walked even when `exclude` names it).
 */
function excludedBelow(root: string, isExcluded: ((absolutePath: string) => boolean) | undefined): (file: string) => boolean {
  if (!isExcluded) return () => false;
  const folders = new Map<string, boolean>();
  const folderExcluded = (dir: string): boolean => {
    const chain: string[] = [];
    let result = false;
    for (let d = dir; d !== root && d.length > root.length; d = path.dirname(d)) {
      const known = folders.get(d);
      if (known !== undefined) {
        result = known;
        break;
      }
      chain.push(d);
    }
    // Resolve from the top down so that an excluded folder excludes everything below it.
    for (let i = chain.length - 1; i >= 0; i--) {
      const d = chain[i] ?? "";
      result = result || isExcluded(d);
      folders.set(d, result);
    }
    return result;
  };
  return (file) => folderExcluded(path.dirname(file)) || isExcluded(file);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Globs `**\/*.py`, and the `.gitignore` files in the same walk; an unreadable folder is reported
 * once and the walk goes on without it.
 */
function globPython(root: string, errors: FileError[]): { python: string[]; gitignores: string[] } {
  const unreadable: string[] = [];
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      const found = fastGlob().sync(["**/*.py", "**/.gitignore"], {
        cwd: root,
        dot: true,
        // Symlinked files are listed (and a loop or a dangling link reported when read); symlinked
        // folders are not followed, so a link back up the tree cannot loop the walk.
        onlyFiles: false,
        markDirectories: true,
        followSymbolicLinks: false,
        ignore: [EXCLUDED_DIRS_GLOB, ...unreadable.map((d) => `${fastGlob().escapePath(path.relative(root, d))}/**`)],
        suppressErrors: false,
        throwErrorOnBrokenSymbolicLink: false,
        // The two patterns cannot match the same path: no index of the paths found is needed.
        unique: false,
      });
      return absoluteFound(root, found);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (!err.path || unreadable.includes(err.path) || path.resolve(err.path) === root) {
        errors.push(new FileError(err.path ?? root, describeFsError(e)));
        return { python: [], gitignores: [] };
      }
      unreadable.push(err.path);
      errors.push(new FileError(err.path, describeFsError(e)));
    }
  }
  return { python: [], gitignores: [] };
}

/**
 * The default folders as one pattern: fast-glob tries each ignore pattern on every folder it walks
 * and on every file it finds (one pattern each instead of fourteen: the walk of prowler's 4,761
 * folders costs ~90 ms instead of ~150 ms).
 */
const EXCLUDED_DIRS_GLOB = `**/@(${DEFAULT_EXCLUDED_DIRS.join("|")})/**`;

/**
 * The files found (paths relative to `root`, `/`-separated; folders marked with a trailing `/`),
 * absolute, as fast-glob's `absolute` option makes them: on POSIX a found path is already normal, so
 * joining it to `root` gives what `path.resolve` would, without resolving 7,000 paths.
 */
function absoluteFound(root: string, found: readonly string[]): { python: string[]; gitignores: string[] } {
  const python: string[] = [];
  const gitignores: string[] = [];
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  for (const rel of found) {
    if (rel.endsWith("/")) continue;
    const abs = path.sep === "/" ? prefix + rel : path.resolve(root, rel);
    if (rel === ".gitignore" || rel.endsWith("/.gitignore")) gitignores.push(abs);
    else python.push(abs);
  }
  return { python, gitignores };
}

/**
 * The `.gitignore` files that apply under a folder: in it, below it, and above it up to the git
 * repository's top level; with no repository, only up to the project root (a stray `.gitignore`
 * in a home folder must not hide a project outside any repository).
 */
class GitignoreSet {
  private readonly byDir = new Map<string, Ignore>();

  /** `below`: the `.gitignore` files in `root` and the folders under it (found by the same walk as the Python files). */
  constructor(root: string, projectRoot: string, below: readonly string[]) {
    for (const file of below) this.load(file);
    if (fs.existsSync(path.join(root, ".git"))) return;
    const above: string[] = [];
    let top: string | undefined;
    for (let dir = path.dirname(root); ; dir = path.dirname(dir)) {
      above.push(dir);
      if (fs.existsSync(path.join(dir, ".git"))) {
        top = dir;
        break;
      }
      if (path.dirname(dir) === dir) break;
    }
    const rel = path.relative(path.resolve(projectRoot), root);
    const insideProject = rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
    for (const dir of above) {
      if (top === undefined && (!insideProject || path.relative(path.resolve(projectRoot), dir).startsWith(".."))) break;
      this.load(path.join(dir, ".gitignore"));
    }
  }

  private load(file: string): void {
    let text: string;
    try {
      text = readRegularText(file);
    } catch {
      return;
    }
    this.byDir.set(path.dirname(file), ignore().add(text));
  }

  ignores(file: string): boolean {
    for (const [dir, ig] of this.byDir) {
      const rel = relativeBelow(dir, file);
      if (rel === undefined || rel.startsWith("..")) continue;
      if (ig.ignores(rel)) return true;
    }
    return false;
  }
}

/**
 * The path of `file` relative to `dir` with `/` separators, or undefined when it is not below it.
 * Asked for every file and every `.gitignore`: on POSIX, where both are absolute and normalised (fast-glob
 * resolves what it finds), a prefix test and a slice give what `path.relative` gives.
 */
function relativeBelow(dir: string, file: string): string | undefined {
  if (path.sep === "/") {
    const prefix = dir.endsWith("/") ? dir : `${dir}/`;
    return file.startsWith(prefix) ? file.slice(prefix.length) : undefined;
  }
  const rel = path.relative(dir, file);
  return rel.startsWith("..") || path.isAbsolute(rel) ? undefined : rel.split(path.sep).join("/");
}
