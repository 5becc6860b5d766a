/**
 * Standard output that never ends a run with a stack trace: a reader that goes away (`| head -1`,
 * EPIPE) is ignored quietly and later output dropped; any other failure (a full disk) is one
 * error line and exit code 2. The run itself goes on either way (a --fix run still finishes).
 */
let closed = false;
let failed = false;

/** Standard output failed (`e`): quietly closed for EPIPE, else an error line and exit code 2. */
export function onStdoutError(e: NodeJS.ErrnoException): void {
  if (closed) return;
  closed = true;
  if (e.code === "EPIPE") return;
  failed = true;
  process.stderr.write(`error: standard output could not be written (${e.code ?? "error"})\n`);
  process.exitCode = 2;
}

export function guardStdout(): void {
  process.stdout.on("error", onStdoutError);
}

/** Standard output still takes writes (it has not failed or been closed by its reader). */
export function stdoutOpen(): boolean {
  return !closed;
}

export function writeStdout(text: string | Buffer): void {
  if (closed) return;
  try {
    process.stdout.write(text);
  } catch (e) {
    // A file (`> /dev/full`) is written synchronously: the failure is thrown here.
    onStdoutError(e as NodeJS.ErrnoException);
  }
}

/** The exit code, made 2 when standard output failed. */
export function stdoutExitCode(code: number): number {
  return failed ? 2 : code;
}
