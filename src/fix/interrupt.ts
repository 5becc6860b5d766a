/**
 * SIGINT/SIGTERM during `--fix`: no new file is written once a signal arrived, a write under way
 * finishes (its rename) or removes its temporary file, and the run exits 130/143.
 *
 * Node runs a signal handler between tasks of the main thread's event loop, never inside the
 * synchronous check of one file; the handler sets a flag in shared memory, which the worker
 * threads of `--jobs N` read too (they get no signals of their own). Before each file and right
 * before each rename the flag is read, so at most the rename already decided completes.
 */
const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 } as const;
type StopSignal = keyof typeof SIGNAL_NUMBERS;

let flag = new Int32Array(new SharedArrayBuffer(4));
let writing = false;

/** The shared flag, for the worker threads. */
export function stopFlagBuffer(): SharedArrayBuffer {
  return flag.buffer;
}

/** In a worker thread: read the main thread's flag. */
export function useStopFlag(buffer: SharedArrayBuffer): void {
  flag = new Int32Array(buffer);
}

/** Whether a signal asked the run to stop (no file may be written any more). */
export function stopRequested(): boolean {
  return Atomics.load(flag, 0) !== 0;
}

/** The exit code of a stopped run: 128 + the signal's number. */
export function stopExitCode(): number {
  return 128 + Atomics.load(flag, 0);
}

/**
 * While files may be written (`--fix`), a signal only sets the flag and the run winds down;
 * otherwise it ends the process at once, as an unhandled signal would.
 */
export function setWriting(active: boolean): void {
  writing = active;
}

export function installSignalHandlers(): void {
  for (const signal of Object.keys(SIGNAL_NUMBERS) as StopSignal[]) {
    process.on(signal, () => {
      if (Atomics.load(flag, 0) === 0) Atomics.store(flag, 0, SIGNAL_NUMBERS[signal]);
      if (!writing) process.exit(stopExitCode());
    });
  }
}

/** Lets a pending signal's handler run (between files of a --fix run in the main thread). */
export function yieldToSignals(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
