import path from "node:path";
import { Collection, collectionRules } from "./collection.js";
import { LineIndex } from "./lines.js";
import { ModuleModel } from "./model.js";
import { parsePython } from "./parse-gaps.js";
import type { Tree } from "./parser.js";
import { readRegularFile, RefusedFileError, type FileStamp } from "./read-file.js";
import { decodeSource, type SourceText } from "./source.js";
import type { TextFile } from "./types.js";
import type { PytestConfig } from "../config/pytest-config.js";

/** A Python file read, decoded, parsed and modelled. */
export interface AnalyzedFile {
  file: TextFile;
  source: SourceText;
  tree: Tree;
  collection: Collection;
  isConftest: boolean;
  pytestConfig: PytestConfig | undefined;
}

/** A path that could not be read or decoded: one line for the user. */
export class FileError extends Error {
  constructor(readonly path: string, message: string) {
    super(message);
  }
}

export function readSource(filePath: string): SourceText {
  return readSourceFile(filePath).source;
}

/** Reads and decodes a regular file, with the stamp `--fix` compares before replacing it. */
export function readSourceFile(filePath: string): { source: SourceText; stamp: FileStamp } {
  let read: { bytes: Buffer; stamp: FileStamp };
  try {
    read = readRegularFile(filePath);
  } catch (e) {
    throw new FileError(filePath, describeFsError(e));
  }
  return { source: decodeBytes(filePath, read.bytes), stamp: read.stamp };
}

/** Decodes a file's bytes; a file that cannot be decoded is a FileError naming it. */
export function decodeBytes(filePath: string, bytes: Buffer): SourceText {
  try {
    return decodeSource(bytes);
  } catch (e) {
    throw new FileError(filePath, (e as Error).message);
  }
}

export function describeFsError(e: unknown): string {
  if (e instanceof RefusedFileError) return e.message;
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case "ENOENT":
      return "no such file or directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ELOOP":
      return "too many levels of symbolic links (a symlink loop)";
    case "EISDIR":
      return "is a directory";
    default:
      return err.code ? `cannot be read (${err.code})` : "cannot be read";
  }
}

export function analyzeText(
  filePath: string,
  source: SourceText,
  text: string,
  pytestConfig: PytestConfig | undefined,
  forceTestModule: boolean,
): AnalyzedFile {
  const tree = parsePython(text);
  const model = new ModuleModel(tree, text);
  const base = path.basename(filePath);
  const isConftest = base === "conftest.py";
  const rules = collectionRules(pytestConfig);
  const isTestModule = !isConftest && (forceTestModule || rules.isTestFileName(base));
  return {
    file: { path: filePath, text, lines: new LineIndex(text) },
    source,
    tree,
    collection: new Collection(model, rules, isTestModule),
    isConftest,
    pytestConfig,
  };
}
