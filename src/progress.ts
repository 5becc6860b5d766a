import cliProgress from "cli-progress";

/** Files at which a run is long enough to show progress. */
export const PROGRESS_MIN_FILES = 200;

export interface Progress {
  tick(): void;
  stop(): void;
}

const NONE: Progress = { tick: () => undefined, stop: () => undefined };

/**
 * Files done / total and elapsed time on standard error, for long runs on a terminal only: nothing
 * on a pipe or in a file. The bar is cleared when the run ends, before the report is written.
 */
export function startProgress(total: number, stream: NodeJS.WriteStream | undefined): Progress {
  if (!stream || stream.isTTY !== true || total <= PROGRESS_MIN_FILES) return NONE;
  const bar = new cliProgress.SingleBar(
    { stream, format: "Checking {bar} {value}/{total} files | {duration_formatted}", clearOnComplete: true, hideCursor: true, fps: 5, barsize: 30 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  let done = 0;
  return {
    tick: () => bar.update(++done),
    stop: () => bar.stop(),
  };
}
