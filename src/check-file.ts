import path from "node:path";
import { createTwoFilesPatch } from "diff";
import { analyzeText, decodeBytes, FileError, readSourceFile, type AnalyzedFile } from "./engine/analyze.js";
import { collectionRules } from "./engine/collection.js";
import type { SuiteFacts } from "./engine/facts.js";
import { lintAnalyzed, lintText, type LintSettings } from "./engine/lint.js";
import type { Project } from "./engine/project.js";
import { canEncode, encodeSource } from "./engine/source.js";
import { maybeInjectFault } from "./engine/fault-injection.js";
import { freeTreesAfter, ParserLoadError, ParserNotLoaded } from "./engine/parser.js";
import { toRecord, type FindingRecord } from "./engine/record.js";
import type { Finding } from "./engine/types.js";
import { ConfigError } from "./config/errors.js";
import { isPytestConfigFileName, PytestConfigError, type PytestConfig } from "./config/pytest-config.js";
import { isApplicable, runFixLoop } from "./fix/apply.js";
import { stopRequested } from "./fix/interrupt.js";
import { mayWrite } from "./fix/write-policy.js";
import { replaceFile } from "./fix/write.js";
import type { FileStamp } from "./engine/read-file.js";
import { displayPath } from "./report/paths.js";
import type { CacheLookup, FileCache } from "./cache/file-cache.js";

/** What checking one file needs: the run's settings and the caches shared by the files of one thread. */
export interface CheckEnv {
  cwd: string;
  fix: boolean;
  unsafeFixes: boolean;
  diff: boolean;
  settings: LintSettings;
  project: Project;
  facts: SuiteFacts;
  /** The per-file result cache (none with --no-cache, for standard input, or when it cannot be used). */
  cache?: FileCache | undefined;
  /** Real paths of the folders `--fix` may write in (the paths given); see fix/write-policy.ts. */
  writeRoots?: readonly string[];
}

export interface FileResult {
  /** `skipped`: not a test file; `config`: a pytest configuration named on the command line (for MEM5xx). */
  kind: "checked" | "skipped" | "config" | "failed";
  /** Plain records: nothing of the file's text, tree or line index outlives its check. */
  findings: FindingRecord[];
  /** Fixes applied (or that --diff would apply). */
  fixed: number;
  wroteFile: boolean;
  /** Lines for standard error (without the `error: ` prefix). */
  errors: string[];
  /** Lines for standard error (without the `warning: ` prefix): a fix not written, by the write policy. */
  warnings?: string[];
  diff?: string;
  /** With source given on standard input and --fix: the fixed bytes. */
  fixedSource?: Buffer;
}

function result(kind: FileResult["kind"], errors: string[] = []): FileResult {
  return { kind, findings: [], fixed: 0, wroteFile: false, errors };
}

/** Where in a file's check an unexpected exception happened, for its `error:` line. */
type Stage = "reading" | "parsing" | "linting" | "fixing" | "writing";

/**
 * Reads, lints and (with --fix or --diff) fixes one file. Never throws: bad input is said in
 * `errors`, and so is an internal error anywhere in this file's check (one line naming the file
 * and the stage), so that the other files are still checked and reported.
 */
export function checkFile(filePath: string, explicit: boolean, env: CheckEnv, given?: Buffer): FileResult {
  const stage: { now: Stage } = { now: "reading" };
  try {
    return freeTreesAfter(() => checkFileUnguarded(filePath, explicit, env, given, stage));
  } catch (e) {
    // Not errors of this file: the run loads the parser and checks the file again (withParser), or stops (no parser).
    if (e instanceof ParserNotLoaded || e instanceof ParserLoadError) throw e;
    const message = (e as Error)?.message ?? String(e);
    return result("failed", [`${displayPath(env.cwd, filePath)}: internal error while ${stage.now}: ${message}`]);
  }
}

const records = (findings: readonly Finding[]): FindingRecord[] => findings.map(toRecord);

/**
 * The result of a file that needs no parse (a pytest configuration named on the command line, a file
 * that is not a test file, a cache hit), else undefined. The runner asks this on its main thread
 * first, so that only the other files go to the parser (and to worker threads). Never throws.
 */
export function answerWithoutParsing(filePath: string, explicit: boolean, env: CheckEnv): FileResult | undefined {
  try {
    return prelude(filePath, explicit, env, undefined).answer;
  } catch {
    return undefined; // The check itself says what went wrong.
  }
}

interface Prelude {
  answer?: FileResult;
  errors: string[];
  pytestConfig: PytestConfig | undefined;
  cached: CacheLookup | undefined;
}

/** What is known before reading the file as Python: the pytest configuration, whether it is checked at all, its cache entry. */
function prelude(filePath: string, explicit: boolean, env: CheckEnv, given: Buffer | undefined): Prelude {
  const errors: string[] = [];
  let pytestConfig: PytestConfig | undefined;
  try {
    pytestConfig = env.project.pytestConfigFor(filePath);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    errors.push(e instanceof PytestConfigError ? `${displayPath(env.cwd, e.path)}${e.line !== undefined ? `:${e.line}` : ""}: ${e.detail}` : e.message);
    pytestConfig = undefined;
  }
  const base = path.basename(filePath);
  const answer = (r: FileResult): Prelude => ({ answer: r, errors, pytestConfig, cached: undefined });
  // A pytest configuration file named on the command line (pre-commit passes changed files): for the MEM5xx rules, never read as Python.
  if (explicit && !given && isPytestConfigFileName(base)) return answer(result("config", errors));
  // Found in a folder (not named): only test files by the applicable `python_files`, and conftest.py.
  if (!explicit && base !== "conftest.py" && !collectionRules(pytestConfig).isTestFileName(base)) return answer(result("skipped", errors));
  // After SIGINT/SIGTERM during --fix, the files not started are not checked.
  if (env.fix && !given && stopRequested()) return answer(result("skipped", errors));
  const cached = !given && errors.length === 0 ? env.cache?.lookup(filePath, explicit, pytestConfig, env.project, env.facts) : undefined;
  // A hit is the result, unless this run fixes and the file has a fix to apply: then it is checked again.
  const hit = cached?.hit;
  if (hit && !((env.fix || env.diff) && hit.findings.some((f) => isApplicable(f.fix, env.unsafeFixes)))) return answer({ kind: "checked", findings: hit.findings, fixed: 0, wroteFile: false, errors });
  return { errors, pytestConfig, cached };
}

function checkFileUnguarded(filePath: string, explicit: boolean, env: CheckEnv, given: Buffer | undefined, stage: { now: Stage }): FileResult {
  const { answer, errors, pytestConfig, cached } = prelude(filePath, explicit, env, given);
  if (answer) return answer;
  let analyzed: AnalyzedFile;
  let stamp: FileStamp | undefined;
  try {
    maybeInjectFault("read", filePath);
    let source;
    if (given) source = decodeBytes(filePath, given);
    else ({ source, stamp } = readSourceFile(filePath));
    stage.now = "parsing";
    maybeInjectFault("parse", filePath);
    analyzed = analyzeText(filePath, source, source.text, pytestConfig, explicit);
  } catch (e) {
    if (!(e instanceof FileError)) throw e;
    errors.push(`${displayPath(env.cwd, e.path)}: ${e.message}`);
    return result("failed", errors);
  }
  const { settings, project, facts } = env;
  // A conftest.py found in a folder is parsed once: the files below it use this parse (unless --fix may change it).
  if (analyzed.isConftest && !explicit && !given && !env.fix) project.adoptConftest(analyzed);
  stage.now = "linting";
  const first = lintAnalyzed(analyzed, settings, project, facts);
  for (const c of first.crashes) errors.push(`${displayPath(env.cwd, c.path)}: ${c.message}`);
  const firstRecords = records(first.findings);
  if (cached && errors.length === 0) cached.save(firstRecords, facts);
  const unchanged: FileResult = { kind: "checked", findings: firstRecords, fixed: 0, wroteFile: false, errors };
  if (!env.fix && !env.diff) return unchanged;
  const original = analyzed.file.text;
  if (first.syntaxErrors > 0 || !first.findings.some((f) => isApplicable(f.fix, env.unsafeFixes))) return unchanged;
  stage.now = "fixing";
  maybeInjectFault("fix", filePath);
  // The loop lints every text it makes; the last one linted is usually the final text, reused below.
  let last = { text: original, result: first };
  const lintOnce = (text: string) => {
    if (text !== last.text) last = { text, result: lintText(analyzed, text, settings, project, facts, explicit).result };
    return last.result;
  };
  const loop = runFixLoop(original, env.unsafeFixes, { lint: lintOnce, canWrite: (text) => canEncode(analyzed.source, text) });
  for (const p of loop.problems) errors.push(`${displayPath(env.cwd, filePath)}: ${p}`);
  const fixed = [...loop.fixedByCode.values()].reduce((a, b) => a + b, 0);
  if (loop.text === original) return unchanged;
  if (env.diff) {
    const rel = displayPath(env.cwd, filePath);
    return { ...unchanged, fixed, diff: createTwoFilesPatch(`a/${rel}`, `b/${rel}`, original, loop.text, undefined, undefined, { context: 3 }) };
  }
  const final = lintOnce(loop.text);
  const bytes = encodeSource(analyzed.source, loop.text);
  stage.now = "writing";
  if (given) return { kind: "checked", findings: records(final.findings), fixed, wroteFile: false, errors, fixedSource: bytes };
  const shown = displayPath(env.cwd, filePath);
  const policy = mayWrite(filePath, stamp as FileStamp, env.writeRoots);
  if (!policy.ok) return { ...unchanged, warnings: [`${shown}: not fixed: ${policy.why}`] };
  let outcome;
  try {
    outcome = replaceFile(policy.target, bytes, policy.stamp);
  } catch (e) {
    errors.push(`${shown}: could not be written (${(e as NodeJS.ErrnoException).code ?? "error"}); left unchanged`);
    return unchanged;
  }
  if (outcome === "changed") return { ...unchanged, warnings: [`${shown}: not fixed: it changed while being fixed; left as it is`] };
  if (outcome === "gone") return { ...unchanged, warnings: [`${shown}: not fixed: it was deleted while being fixed; not created again`] };
  if (outcome === "stopped") return unchanged;
  return { kind: "checked", findings: records(final.findings), fixed, wroteFile: true, errors };
}
