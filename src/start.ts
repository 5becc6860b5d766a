/**
 * The command's entry (bin/pytest-memlint.js): a run whose memo holds (cache/run-memo.ts) prints
 * its recorded output here, having loaded only this module; any other run loads the CLI, recorded
 * when it can be memoized. Bundled on its own as CommonJS (scripts/bundle.ts): Node starts a
 * CommonJS file without its ES module loader, which is most of what a memoized run costs.
 */
import fs from "node:fs";
import path from "node:path";
import { guardStdout, onStdoutError, stdoutExitCode, stdoutOpen, writeStdout } from "./cli/stdout.js";
import { memoKey, saveMemo, validMemo } from "./cache/run-memo.js";
import { startRecording, stopRecording } from "./cache/trace.js";

/** The bundle's build (scripts/bundle.ts writes it): a memo of another build is never used. */
function buildId(bundleDir: string): string | undefined {
  try {
    return fs.readFileSync(path.join(bundleDir, "build-id"), "utf8");
  } catch {
    return undefined;
  }
}

/**
 * Writes the recorded output, in its order. Straight to the descriptors (making process.stdout
 * loads Node's stream modules); through the streams from the first write a descriptor does not
 * take at once (a non-blocking pipe that is full), so that the order stays.
 */
function replay(output: readonly [1 | 2, Buffer][]): void {
  let streams = false;
  for (const [fd, bytes] of output) {
    if (fd === 1 && !stdoutOpen()) continue;
    let written = 0;
    if (!streams) {
      try {
        while (written < bytes.length) written += fs.writeSync(fd, bytes, written);
        continue;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EAGAIN") {
          if (fd === 1) onStdoutError(e as NodeJS.ErrnoException);
          continue;
        }
        streams = true;
        guardStdout();
      }
    }
    if (fd === 1) writeStdout(bytes.subarray(written));
    else process.stderr.write(bytes.subarray(written));
  }
}

/** Runs the command: from its memo, or by loading the CLI (`loadCli`, from `bundleDir`). */
export function start(bundleDir: string, loadCli: () => Promise<unknown>): void {
  const key = memoKey(process.argv.slice(2), process.cwd(), buildId(bundleDir));
  const memo = key ? validMemo(key) : undefined;
  if (memo) {
    replay(memo.output);
    process.exitCode = stdoutExitCode(memo.code);
    return;
  }
  if (key) {
    startRecording(bundleDir);
    process.on("exit", (code) => {
      const recording = stopRecording();
      if (recording) saveMemo(key, recording, code);
    });
  }
  loadCli().catch((e: unknown) => {
    process.stderr.write(`error: ${(e as Error)?.message ?? String(e)}\n`);
    process.exitCode = 2;
  });
}
