import fs from "node:fs";
import path from "node:path";
import type { BaselineSetup } from "./baseline.js";
import { finishBaseline } from "./baseline.js";
import { answerWithoutParsing, checkFile, type CheckEnv, type FileResult } from "./check-file.js";
import { ConfigError, UsageError } from "./config/errors.js";
import type { PathRules } from "./config/per-file-ignores.js";
import { openFileCache } from "./cache/open.js";
import { discover, isExcludedWithFolders } from "./discover.js";
import { SuiteFacts } from "./engine/facts.js";
import { withParser } from "./engine/parser.js";
import { runSuiteRules, type LintSettings } from "./engine/lint.js";
import { Project } from "./engine/project.js";
import { SuiteContext } from "./engine/rule.js";
import { readSource } from "./engine/analyze.js";
import { toRecord } from "./engine/record.js";
import { decodeSource } from "./engine/source.js";
import { suppressionsFor } from "./engine/suppress.js";
import { setWriting, stopExitCode, stopRequested, yieldToSignals } from "./fix/interrupt.js";
import { writeRootsOf } from "./fix/write-policy.js";
import { chooseParser, planJobs } from "./jobs.js";
import { NO_PROGRESS, startProgress } from "./progress.js";
import { REPORTERS } from "./report/index.js";
import { jobSummary } from "./report/job-summary.js";
import { sarifReporter } from "./report/sarif.js";
import type { ReporterFactory, ReportInput, ReportProblem } from "./report/types.js";
import { displayPath, escapeControl } from "./report/paths.js";
import { FindingStore } from "./report/finding-store.js";
import { statisticsReporter } from "./report/statistics.js";
import { renderReport, streamReport } from "./report/stream.js";
import type { RunOptions } from "./run-options.js";
import { resolveRunSettings } from "./settings.js";

export type { RunOptions } from "./run-options.js";

export interface RunIO {
  stdout: (text: string | Buffer) => void;
  stderr: (text: string) => void;
  /** Standard output is a terminal (colours, excerpts, the time taken). */
  isTTY: boolean;
  /** Where progress goes when it is a terminal (standard error); none in tests. */
  progress?: NodeJS.WriteStream | undefined;
}

/** One run of `check`: discover, lint, fix, report. Returns the exit code. */
export async function run(opts: RunOptions, io: RunIO): Promise<number> {
  const startedAt = process.hrtime.bigint();
  let hadErrors = false;
  let errorCount = 0;
  // The same errors, for the formats that carry them (SARIF notifications, JUnit error cases).
  const problems: ReportProblem[] = [];
  // Progress on a terminal: lines for standard error are written above its bar.
  let progress = NO_PROGRESS;
  const error = (line: string, file?: string) => {
    hadErrors = true;
    errorCount++;
    problems.push({ path: file, message: line });
    progress.print(`error: ${escapeControl(line)}\n`, io.stderr);
  };

  let settings: LintSettings;
  let pathRules: PathRules;
  let baselines: BaselineSetup;
  let cacheDir: string | undefined;
  let configPath: string | undefined;
  try {
    checkAdoptionFlags(opts);
    ({ lint: settings, pathRules, baselines, cacheDir, configPath } = resolveRunSettings(opts));
  } catch (e) {
    if (e instanceof ConfigError || e instanceof UsageError) {
      io.stderr(`error: ${escapeControl(e.message)}\n`);
      // A SARIF log is still written, empty but for the error, so that CI shows why nothing was checked.
      if (e instanceof ConfigError) writeSarifOfConfigError(opts, io, e.message);
      return 2;
    }
    throw e;
  }

  const project = new Project();
  const facts = new SuiteFacts();
  let findings = new FindingStore();
  const checked: string[] = [];
  const configFiles: string[] = [];
  let fixedFindings = 0;
  let fixedFiles = 0;
  const diffs: string[] = [];

  // The same error line (a malformed pytest configuration shared by many files) is printed once.
  const printedErrors = new Set<string>();
  const take = (file: string, r: FileResult) => {
    progress.tick();
    for (const line of r.warnings ?? []) progress.print(`warning: ${escapeControl(line)}\n`, io.stderr);
    for (const line of r.errors) {
      if (printedErrors.has(line)) continue;
      printedErrors.add(line);
      error(line, line.startsWith(`${displayPath(opts.cwd, file)}:`) ? file : undefined);
    }
    if (r.kind === "config") configFiles.push(file);
    if (r.kind !== "checked") return;
    checked.push(file);
    findings.add(r.findings);
    fixedFindings += r.fixed;
    if (r.wroteFile) fixedFiles++;
    if (r.diff !== undefined) diffs.push(r.diff);
  };
  const cache = openFileCache(cacheDir, settings, (message) => io.stderr(`warning: ${message}\n`));
  const env: CheckEnv = { cwd: opts.cwd, fix: opts.fix, unsafeFixes: opts.unsafeFixes, diff: opts.diff, settings, project, facts, cache, writeRoots: writeRootsOf(opts.paths, opts.cwd) };

  // Terminal excerpts read a file back; source given on standard input is the one file not on disk.
  let readText = (absolutePath: string): string | undefined => {
    try {
      return readSource(absolutePath).text;
    } catch {
      return undefined;
    }
  };
  const forceExcluded = (filePath: string) => opts.forceExclude === true && pathRules.active && isExcludedWithFolders(filePath, (p) => pathRules.isExcluded(p));
  if (opts.stdinFilename !== undefined && forceExcluded(path.resolve(opts.cwd, opts.stdinFilename))) {
    // Excluded: nothing to report; with --fix, the source goes through unchanged.
    if (opts.fix) io.stdout(opts.stdin ?? Buffer.alloc(0));
  } else if (opts.stdinFilename !== undefined) {
    const filePath = path.resolve(opts.cwd, opts.stdinFilename);
    const given = opts.stdin ?? Buffer.alloc(0);
    const r = await withParser(() => checkFile(filePath, true, env, given));
    const readFromDisk = readText;
    readText = (p) => {
      if (p !== filePath) return readFromDisk(p);
      try {
        return decodeSource(r.fixedSource ?? given).text;
      } catch {
        return undefined;
      }
    };
    take(filePath, r);
    // With --fix, standard output is the source: fixed, or as it came when nothing was fixed.
    if (opts.fix) io.stdout(r.fixedSource ?? given);
    if (r.fixedSource) fixedFiles++;
  } else {
    const discovery = discover(opts.paths.length > 0 ? opts.paths : ["."], {
      cwd: opts.cwd,
      isExcluded: pathRules.active ? (p) => pathRules.isExcluded(p) : undefined,
      projectRoot: configPath !== undefined ? path.dirname(configPath) : opts.cwd,
      forceExclude: opts.forceExclude,
    });
    for (const e of discovery.errors) error(`${displayPath(opts.cwd, e.path)}: ${e.message}`, e.path);
    const files = discovery.files;
    progress = await startProgress(files.length, io.progress);
    // Cache hits (and files that are not tests) are answered here first: only the other files are
    // parsed, and the number of threads (and whether the worker pool starts at all) depends on them.
    const answered = files.map((f) => answerFromCache(f.path, f.explicit, env));
    const toCheck = files.filter((_, i) => answered[i] === undefined);
    // Results are taken in discovery order (error lines, and the first file of each mark for the suite rules).
    let next = 0;
    const takeAnswered = () => {
      for (let a = answered[next]; next < files.length && a !== undefined; a = answered[++next]) {
        a.noteFacts(facts);
        take(a.path, a.result);
      }
    };
    const jobs = planJobs(opts.jobs, toCheck.length);
    // A large run parses with web-tree-sitter, whose trees are freed file by file (see preferParser and chooseParser).
    const parser = chooseParser(toCheck.length);
    if (opts.fix) setWriting(true);
    if (jobs > 1) {
      // The worker pool (and its threads) only for runs that use it.
      const { checkInParallel } = await import("./parallel.js");
      for await (const [file, r] of checkInParallel(toCheck, opts, jobs, project, facts, parser)) {
        takeAnswered();
        take(file.path, r);
        next++;
      }
    } else {
      let sinceYield = 0;
      for (const file of toCheck) {
        takeAnswered();
        next++;
        // The parser loads on the first file that needs parsing (a cached run never loads it).
        take(file.path, await withParser(() => checkFile(file.path, file.explicit, env)));
        // With --fix, a signal is handled after each file (then no other file is written).
        if (opts.fix) {
          await yieldToSignals();
          if (stopRequested()) break;
        }
        // Let parse trees of finished files be collected before the next batch.
        if (++sinceYield >= 32) {
          sinceYield = 0;
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
    }
    if (!stopRequested()) takeAnswered();
    progress.stop();
  }

  if (stopRequested()) {
    io.stderr(`Interrupted: stopped before writing any other file (${fixedFiles} file${fixedFiles === 1 ? "" : "s"} fixed).\n`);
    return stopExitCode();
  }
  setWriting(false);
  // Entries of files that are gone are dropped when a run walked folders (a run over named files stays quick).
  if (cache && (opts.paths.length === 0 || opts.paths.some((p) => isFolder(path.resolve(opts.cwd, p))))) cache.store.prune();
  for (const line of configWarnings(project, [...checked, ...configFiles], opts.cwd)) io.stderr(`warning: ${line}\n`);

  // Run again from the start if it needed the parser loaded first (withParser), so it only collects here.
  const suiteRun = await withParser(() => {
    const suite = new SuiteContext(project, settings.options, facts, checked, configFiles);
    const crashes = runSuiteRules(suite, settings.enabled).map((c) => c.message);
    // Suite findings (MEM5xx on configuration files) were not linted file by file: silence them here.
    return { crashes, findings: suite.findings.filter((f) => !pathRules.ignoredCodes(f.file.path).has(f.code) && !suppressionsFor(f.file).isSuppressed(f)) };
  });
  for (const line of suiteRun.crashes) error(line);
  findings.add(suiteRun.findings.map(toRecord));

  if (opts.diff) {
    if (diffs.length > 0) io.stdout(diffs.join(""));
    io.stderr(`Would fix ${fixedFindings} finding${fixedFindings === 1 ? "" : "s"}.\n`);
    if (hadErrors) return 2;
    return diffs.length > 0 && !opts.exitZero ? 1 : 0;
  }

  if (baselines.read || baselines.write) {
    const inScope = baselineScope(project, [...checked, ...configFiles], settings.enabled);
    try {
      const reported = finishBaseline(baselines, findings.records(opts.cwd), inScope, io.stderr, opts.quiet);
      if (reported) findings = FindingStore.of(reported);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      io.stderr(`error: ${escapeControl(e.message)}\n`);
      return 2;
    }
  }

  const color = opts.color === "always" || (opts.color === "auto" && autoColor(io.isTTY) && opts.outputFile === undefined && opts.format === "text");
  const reporter = opts.statistics ? statisticsReporter(opts.format) : REPORTERS[opts.format];
  if (!reporter) {
    io.stderr(`error: --format ${opts.format} is not available\n`);
    return 2;
  }
  const input: ReportInput = {
    findings,
    cwd: opts.cwd,
    files: checked,
    fixed: { findings: fixedFindings, files: fixedFiles },
    fixable: findings.fixable,
    fixMode: opts.fix,
    unsafeFixes: opts.unsafeFixes,
    color,
    showSource: color && io.isTTY,
    quiet: opts.quiet,
    errors: errorCount,
    nothingChecked: checked.length === 0 && configFiles.length === 0,
    problems,
    // The time taken only on a terminal: a report in a pipe or a file is the same on every run.
    timing: io.isTTY && opts.format === "text" && opts.outputFile === undefined ? { files: checked.length, ms: Number(process.hrtime.bigint() - startedAt) / 1e6 } : undefined,
    readText,
  };
  if (opts.outputFile !== undefined) {
    if (!writeReportFile(opts, io, opts.outputFile, reporter, input)) return 2;
  } else if (!(opts.stdinFilename !== undefined && opts.fix)) {
    const out = bufferedWriter((chunk) => io.stdout(chunk));
    streamReport(reporter, input, out.write);
    out.flush();
  } else {
    // With --fix on standard input, standard output holds the source: the report goes to standard error.
    let output = "";
    streamReport(reporter, input, (t) => (output += t));
    if (output.trim() !== "") io.stderr(output);
  }
  // `--format FORMAT:FILE`: the same run, in other formats, to files (CI lints once).
  for (const extra of opts.extraOutputs ?? []) {
    const extraReporter = REPORTERS[extra.format];
    if (extraReporter && !writeReportFile(opts, io, extra.file, extraReporter, { ...input, color: false, showSource: false, timing: undefined })) return 2;
  }
  const summaryFile = process.env["GITHUB_STEP_SUMMARY"];
  if (summaryFile) {
    try {
      fs.appendFileSync(summaryFile, jobSummary({ findings: findings.records(opts.cwd), cwd: opts.cwd, checked: checked.length, errors: errorCount, command: reproduceCommand(opts) }));
    } catch (e) {
      io.stderr(`warning: GITHUB_STEP_SUMMARY: ${summaryFile}: could not be written (${(e as NodeJS.ErrnoException).code ?? "error"})\n`);
    }
  }
  if (hadErrors) return 2;
  if (opts.exitZero) return 0;
  return findings.count > 0 ? 1 : 0;
}

/** Writes a report to a file (relative to the working directory), a piece at a time; false, after an error line, when it cannot. */
function writeReportFile(opts: RunOptions, io: RunIO, file: string, reporter: ReporterFactory, input: ReportInput): boolean {
  try {
    const fd = fs.openSync(path.resolve(opts.cwd, file), "w");
    try {
      const out = bufferedWriter((chunk) => fs.writeSync(fd, chunk));
      streamReport(reporter, input, out.write);
      out.flush();
    } finally {
      fs.closeSync(fd);
    }
    return true;
  } catch (e) {
    io.stderr(`error: ${file}: could not be written (${(e as NodeJS.ErrnoException).code ?? "error"})\n`);
    return false;
  }
}

/** With a configuration error nothing is checked; a SARIF output still gets a log that says why. */
function writeSarifOfConfigError(opts: RunOptions, io: RunIO, message: string): void {
  const input: ReportInput = {
    findings: [],
    cwd: opts.cwd,
    files: [],
    fixed: { findings: 0, files: 0 },
    fixable: { safe: 0, unsafe: 0 },
    fixMode: opts.fix,
    unsafeFixes: opts.unsafeFixes,
    color: false,
    showSource: false,
    quiet: opts.quiet,
    errors: 1,
    problems: [{ message }],
  };
  if (opts.format === "sarif") {
    if (opts.outputFile !== undefined) writeReportFile(opts, io, opts.outputFile, sarifReporter, input);
    else io.stdout(renderReport(sarifReporter, input));
  }
  for (const extra of opts.extraOutputs ?? []) if (extra.format === "sarif") writeReportFile(opts, io, extra.file, sarifReporter, input);
}

/** The command that checks the same files with the same rules locally, for the job summary. */
function reproduceCommand(opts: RunOptions): string {
  const args = ["npx", "pytest-memlint", "check"];
  const list = (flag: string, codes: readonly string[] | undefined) => {
    if (codes && codes.length > 0) args.push(flag, codes.join(","));
  };
  list("--select", opts.select);
  list("--extend-select", opts.extendSelect);
  list("--ignore", opts.ignore);
  if (opts.config !== undefined) args.push("--config", opts.config);
  if (opts.noConfig) args.push("--no-config");
  args.push(...opts.paths);
  return args.map(shellQuote).join(" ");
}

/** A word for a POSIX shell: as it is when it is plain, else in single quotes. */
function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/** One line for each pytest configuration read with a warning (pytest 8 reads it, pytest 9 refuses it), once per file. */
function configWarnings(project: Project, files: readonly string[], cwd: string): string[] {
  const lines = new Map<string, string>();
  for (const file of files) {
    let config;
    try {
      config = project.pytestConfigFor(file);
    } catch {
      continue; // A malformed configuration was reported as an error already.
    }
    if (config?.warning && !lines.has(config.path)) lines.set(config.path, `${displayPath(cwd, config.path)}${config.warning.line !== undefined ? `:${config.warning.line}` : ""}: ${config.warning.detail}`);
  }
  return [...lines.values()];
}

/**
 * `--color auto`: NO_COLOR (any non-empty value) turns colours off; FORCE_COLOR turns them on in a pipe
 * too (CI logs render them), except FORCE_COLOR=0 or false, which turns them off; else colours on a terminal.
 */
function autoColor(isTTY: boolean): boolean {
  if (process.env["NO_COLOR"]) return false;
  const force = process.env["FORCE_COLOR"];
  if (force === "0" || force === "false") return false;
  if (force !== undefined) return true;
  return isTTY;
}

/** Collects report pieces into writes of about 64 KB. */
function bufferedWriter(flushTo: (chunk: string) => void): { write: (text: string) => void; flush: () => void } {
  let parts: string[] = [];
  let size = 0;
  const flush = () => {
    if (size === 0) return;
    flushTo(parts.join(""));
    parts = [];
    size = 0;
  };
  return {
    write: (text) => {
      parts.push(text);
      size += text.length;
      if (size >= 1 << 16) flush();
    },
    flush,
  };
}

/** Flags of adoption (baseline, statistics) that cannot be combined. */
function checkAdoptionFlags(opts: RunOptions): void {
  if (opts.statistics && !statisticsReporter(opts.format)) throw new UsageError(`--statistics works with --format text or json, not ${opts.format}`);
  if (opts.writeBaseline !== undefined && opts.diff) throw new UsageError("--write-baseline and --diff cannot be used together");
}

/**
 * Which baseline entries this run can judge: files it checked (and the pytest configurations that
 * apply to them), for the codes it ran; a file deleted since counts too, so its entries go stale.
 */
function baselineScope(project: Project, checked: readonly string[], enabled: ReadonlySet<string>): (absolutePath: string, code: string) => boolean {
  const files = new Set(checked);
  for (const file of checked) {
    try {
      const config = project.pytestConfigFor(file);
      if (config) files.add(config.path);
    } catch {
      // A malformed pytest configuration was reported already.
    }
  }
  return (absolutePath, code) => enabled.has(code) && (files.has(absolutePath) || !fs.existsSync(absolutePath));
}

/** A file's result found without parsing it, and the suite facts its cache entry holds (noted when the result is taken). */
interface AnsweredFile {
  path: string;
  result: FileResult;
  noteFacts(into: SuiteFacts): void;
}

function answerFromCache(filePath: string, explicit: boolean, env: CheckEnv): AnsweredFile | undefined {
  // The entry's facts go to a facts object of this file's own, and into the run's when the result is taken.
  const own = new SuiteFacts();
  const result = answerWithoutParsing(filePath, explicit, { ...env, facts: own });
  if (!result) return undefined;
  return {
    path: filePath,
    result,
    noteFacts(into) {
      for (const [p, f] of own.pytestFiles) {
        if (p === filePath) into.notePytestFile(p, path.basename(p) === "conftest.py", f);
        else if (!into.pytestFiles.has(p)) into.pytestFiles.set(p, f);
      }
    },
  };
}

function isFolder(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
