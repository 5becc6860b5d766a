import writeFileAtomic from "write-file-atomic";

/**
 * Writes a file atomically: a temporary file in the same folder, then a rename, so a crash or a kill
 * leaves the old content or the new, never a torn file. The file's mode and owner are kept.
 */
export function writeFileAtomicallySync(filePath: string, bytes: Buffer): void {
  writeFileAtomic.sync(filePath, bytes, { fsync: true });
}
