/** Files at which a run is long enough to show progress. */
export const PROGRESS_MIN_FILES = 200;

export interface Progress {
  tick(): void;
  /** Writes a line (an error or a warning) above the bar: the bar's line is cleared first and redrawn on the next tick. */
  print(text: string, write: (text: string) => void): void;
  stop(): void;
}

export const NO_PROGRESS: Progress = { tick: () => undefined, print: (text, write) => write(text), stop: () => undefined };

/**
 * Files done / total and elapsed time on standard error, for long runs on a terminal only: nothing
 * on a pipe or in a file. The bar is cleared when the run ends, before the report is written.
 * cli-progress is loaded only when a bar is shown.
 */
export async function startProgress(total: number, stream: NodeJS.WriteStream | undefined): Promise<Progress> {
  if (!stream || stream.isTTY !== true || total <= PROGRESS_MIN_FILES) return NO_PROGRESS;
  const { default: cliProgress } = await import("cli-progress");
  const bar = new cliProgress.SingleBar(
    { stream, format: "Checking {bar} {value}/{total} files | {duration_formatted}", clearOnComplete: true, hideCursor: true, fps: 5, barsize: 30 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  let done = 0;
  let stopped = false;
  return {
    tick: () => {
      if (!stopped) bar.update(++done);
    },
    print: (text, write) => {
      if (!stopped) {
        stream.cursorTo(0);
        stream.clearLine(0);
      }
      write(text);
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
