import fs from "node:fs";
import path from "node:path";
import { createTwoFilesPatch } from "diff";
import { analyzeText, FileError, readSource, type AnalyzedFile } from "./engine/analyze.js";
import { collectionRules } from "./engine/collection.js";
import { SuiteFacts } from "./engine/facts.js";
import { lintAnalyzed, lintText, type LintSettings, type RuleCrash } from "./engine/lint.js";
import { Project } from "./engine/project.js";
import { SuiteContext } from "./engine/rule.js";
import { canEncode, decodeSource, encodeSource } from "./engine/source.js";
import type { Finding } from "./engine/types.js";
import { ConfigError, UsageError } from "./config/errors.js";
import { resolveConfig } from "./config/load.js";
import { DEFAULT_OPTIONS, type RuleOptions } from "./config/options.js";
import { isPytestConfigFileName, PytestConfigError, type PytestConfig } from "./config/pytest-config.js";
import { selectCodes } from "./config/selection.js";
import { discover } from "./discover.js";
import { isApplicable, runFixLoop } from "./fix/apply.js";
import { writeFileAtomicallySync } from "./fix/write.js";
import { REPORTERS } from "./report/index.js";
import { compareFindings, displayPath } from "./report/paths.js";
import type { OutputFormat } from "./report/types.js";
import { RULES } from "./rules/index.js";
import { validateGroupTemplate } from "./rules/shared/group-name.js";
import { finishBaseline, openBaselines, type BaselineSetup } from "./baseline.js";
import { compilePathRules, configWhere, type PathRules } from "./config/per-file-ignores.js";
import { suppressionsFor } from "./engine/suppress.js";
import { statisticsReporter } from "./report/statistics.js";

export interface RunOptions {
  paths: string[];
  cwd: string;
  fix: boolean;
  unsafeFixes: boolean;
  diff: boolean;
  select?: string[] | undefined;
  ignore?: string[] | undefined;
  extendSelect?: string[] | undefined;
  format: OutputFormat;
  outputFile?: string | undefined;
  exitZero: boolean;
  config?: string | undefined;
  noConfig: boolean;
  xdistGroupName?: string | undefined;
  quiet: boolean;
  color: "auto" | "always" | "never";
  stdinFilename?: string | undefined;
  /** Source given on standard input (with stdinFilename). */
  stdin?: Buffer | undefined;
  /** `--statistics`: counts per rule instead of the findings (text and json). */
  statistics?: boolean | undefined;
  /** `--baseline FILE` (relative to cwd): report only findings beyond it. */
  baseline?: string | undefined;
  /** `--write-baseline FILE`: record the findings that remain (none is reported then). */
  writeBaseline?: string | undefined;
}

export interface RunIO {
  stdout: (text: string | Buffer) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
}

interface FileOutcome {
  findings: Finding[];
  fixed: number;
}

/** One run of `check`: discover, lint, fix, report. Returns the exit code. */
export async function run(opts: RunOptions, io: RunIO): Promise<number> {
  let hadErrors = false;
  const error = (line: string) => {
    hadErrors = true;
    io.stderr(`error: ${line}\n`);
  };

  let settings: LintSettings;
  let pathRules: PathRules;
  let baselines: BaselineSetup;
  try {
    checkAdoptionFlags(opts);
    const config = resolveConfig(opts.cwd, opts.config, opts.noConfig);
    const where = config.path ? configWhere(config.path) : "configuration";
    const values = config.values;
    const options: RuleOptions = {
      ...DEFAULT_OPTIONS,
      xdistGroupName: opts.xdistGroupName ?? values["xdist-group-name"] ?? DEFAULT_OPTIONS.xdistGroupName,
      classHygieneScope: values["class-hygiene-scope"] ?? DEFAULT_OPTIONS.classHygieneScope,
      acceptSpec: values["accept-spec"] ?? DEFAULT_OPTIONS.acceptSpec,
      maxMockChainDepth: values["max-mock-chain-depth"] ?? DEFAULT_OPTIONS.maxMockChainDepth,
      maxTestData: values["max-test-data"] ?? DEFAULT_OPTIONS.maxTestData,
      maxArrayElements: values["max-array-elements"] ?? DEFAULT_OPTIONS.maxArrayElements,
      memoryMarker: values["memory-marker"] ?? DEFAULT_OPTIONS.memoryMarker,
      heavyConstructors: values["heavy-constructors"] ?? DEFAULT_OPTIONS.heavyConstructors,
      closeableConstructors: values["closeable-constructors"] ?? DEFAULT_OPTIONS.closeableConstructors,
      heavyModules: values["heavy-modules"] ?? DEFAULT_OPTIONS.heavyModules,
      maxFixtureChain: values["max-fixture-chain"] ?? DEFAULT_OPTIONS.maxFixtureChain,
      maxWorkers: values["max-workers"] ?? DEFAULT_OPTIONS.maxWorkers,
    };
    validateGroupTemplate(options.xdistGroupName, opts.xdistGroupName !== undefined ? "--xdist-group-name" : where);
    const enabled = selectCodes([
      { select: values.select, extendSelect: values["extend-select"], ignore: values.ignore, where, label: (key) => `${where}: key '${key}'` },
      { select: opts.select, extendSelect: opts.extendSelect, ignore: opts.ignore, where: "command line", label: (key) => `--${key}` },
    ]);
    const rules = compilePathRules(values, config.path);
    pathRules = rules;
    settings = { enabled, options, ignoredCodes: rules.active ? (p) => rules.ignoredCodes(p) : undefined };
    baselines = openBaselines(opts, values.baseline, config.path);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof UsageError) {
      io.stderr(`error: ${e.message}\n`);
      return 2;
    }
    throw e;
  }

  const project = new Project();
  const facts = new SuiteFacts();
  const findings: Finding[] = [];
  const checked: string[] = [];
  const configFiles: string[] = [];
  let fixedFindings = 0;
  let fixedFiles = 0;
  const diffs: string[] = [];

  const reportedConfigErrors = new Set<string>();
  // With --stdin-filename --fix, standard output is the source (fixed, or as it came when nothing was fixed).
  let stdinWritten = false;
  const processOne = (filePath: string, explicit: boolean, given?: Buffer): FileOutcome | undefined => {
    let pytestConfig: PytestConfig | undefined;
    try {
      pytestConfig = project.pytestConfigFor(filePath);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      // One line per malformed pytest configuration, however many files it applies to.
      const line = e instanceof PytestConfigError ? `${displayPath(opts.cwd, e.path)}${e.line !== undefined ? `:${e.line}` : ""}: ${e.detail}` : e.message;
      if (!reportedConfigErrors.has(line)) {
        reportedConfigErrors.add(line);
        error(line);
      }
      pytestConfig = undefined;
    }
    // Found in a folder (not named): only test files by the applicable `python_files`, and conftest.py.
    const base = path.basename(filePath);
    // A pytest configuration file named on the command line (pre-commit passes changed files): for the MEM5xx rules, never read as Python.
    if (explicit && !given && isPytestConfigFileName(base)) {
      configFiles.push(filePath);
      return undefined;
    }
    if (!explicit && base !== "conftest.py" && !collectionRules(pytestConfig).isTestFileName(base)) return undefined;
    let analyzed: AnalyzedFile;
    try {
      const source = given ? decodeSourceOrThrow(filePath, given) : readSource(filePath);
      analyzed = analyzeText(filePath, source, source.text, pytestConfig, explicit);
    } catch (e) {
      if (e instanceof FileError) {
        error(`${displayPath(opts.cwd, e.path)}: ${e.message}`);
        return undefined;
      }
      throw e;
    }
    checked.push(filePath);
    const reportCrashes = (crashes: RuleCrash[]) => {
      for (const c of crashes) error(`${displayPath(opts.cwd, c.path)}: ${c.message}`);
    };
    const first = lintAnalyzed(analyzed, settings, project, facts);
    reportCrashes(first.crashes);
    if (!opts.fix && !opts.diff) return { findings: first.findings, fixed: 0 };
    const original = analyzed.file.text;
    if (first.syntaxErrors > 0 || !first.findings.some((f) => isApplicable(f.fix, opts.unsafeFixes))) {
      return { findings: first.findings, fixed: 0 };
    }
    let latest = first;
    const loop = runFixLoop(original, opts.unsafeFixes, {
      lint: (text) => {
        if (text === original) return first;
        latest = lintText(analyzed, text, settings, project, facts, explicit).result;
        return latest;
      },
      canWrite: (text) => canEncode(analyzed.source, text),
    });
    for (const p of loop.problems) error(`${displayPath(opts.cwd, filePath)}: ${p}`);
    const fixed = [...loop.fixedByCode.values()].reduce((a, b) => a + b, 0);
    if (loop.text === original) return { findings: first.findings, fixed: 0 };
    const final = lintText(analyzed, loop.text, settings, project, facts, explicit).result;
    if (opts.diff) {
      const rel = displayPath(opts.cwd, filePath);
      diffs.push(createTwoFilesPatch(`a/${rel}`, `b/${rel}`, original, loop.text, undefined, undefined, { context: 3 }));
      return { findings: first.findings, fixed };
    }
    if (given) {
      io.stdout(encodeSource(analyzed.source, loop.text));
      stdinWritten = true;
    } else {
      try {
        writeFileAtomicallySync(filePath, encodeSource(analyzed.source, loop.text));
      } catch (e) {
        error(`${displayPath(opts.cwd, filePath)}: could not be written (${(e as NodeJS.ErrnoException).code ?? "error"}); left unchanged`);
        return { findings: first.findings, fixed: 0 };
      }
    }
    fixedFiles++;
    return { findings: final.findings, fixed };
  };

  if (opts.stdinFilename !== undefined) {
    const filePath = path.resolve(opts.cwd, opts.stdinFilename);
    const given = opts.stdin ?? Buffer.alloc(0);
    const outcome = processOne(filePath, true, given);
    if (outcome) {
      findings.push(...outcome.findings);
      fixedFindings += outcome.fixed;
    }
    if (opts.fix && !stdinWritten) io.stdout(given);
  } else {
    const discovery = discover(opts.paths.length > 0 ? opts.paths : ["."], { cwd: opts.cwd, isExcluded: pathRules.active ? (p) => pathRules.isExcluded(p) : undefined });
    for (const e of discovery.errors) error(`${displayPath(opts.cwd, e.path)}: ${e.message}`);
    let sinceYield = 0;
    for (const file of discovery.files) {
      const outcome = processOne(file.path, file.explicit);
      if (outcome) {
        findings.push(...outcome.findings);
        fixedFindings += outcome.fixed;
      }
      // Let parse trees of finished files be collected before the next batch.
      if (++sinceYield >= 32) {
        sinceYield = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }

  const suite = new SuiteContext(project, settings.options, facts, checked, configFiles);
  for (const rule of RULES) {
    if (!rule.checkSuite || !settings.enabled.has(rule.meta.code)) continue;
    try {
      rule.checkSuite(suite);
    } catch (e) {
      error(`internal error in ${rule.meta.code}: ${(e as Error).message}`);
    }
  }
  // Suite findings (MEM5xx on configuration files) were not linted file by file: silence them here.
  findings.push(...suite.findings.filter((f) => !pathRules.ignoredCodes(f.file.path).has(f.code) && !suppressionsFor(f.file).isSuppressed(f)));
  findings.sort(compareFindings(opts.cwd));

  if (opts.diff) {
    if (diffs.length > 0) io.stdout(diffs.join(""));
    io.stderr(`Would fix ${fixedFindings} finding${fixedFindings === 1 ? "" : "s"}.\n`);
    if (hadErrors) return 2;
    return diffs.length > 0 && !opts.exitZero ? 1 : 0;
  }

  if (baselines.read || baselines.write) {
    const inScope = baselineScope(project, [...checked, ...configFiles], settings.enabled);
    try {
      const reported = finishBaseline(baselines, findings, inScope, io.stderr, opts.quiet);
      findings.splice(0, findings.length, ...reported);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      io.stderr(`error: ${e.message}\n`);
      return 2;
    }
  }

  const color = opts.color === "always" || (opts.color === "auto" && io.isTTY && !process.env["NO_COLOR"] && opts.outputFile === undefined && opts.format === "text");
  const reporter = opts.statistics ? statisticsReporter(opts.format) : REPORTERS[opts.format];
  if (!reporter) {
    io.stderr(`error: --format ${opts.format} is not available\n`);
    return 2;
  }
  const output = reporter({
    findings,
    cwd: opts.cwd,
    files: checked,
    fixed: { findings: fixedFindings, files: fixedFiles },
    fixable: {
      safe: findings.filter((f) => isApplicable(f.fix, false)).length,
      unsafe: findings.filter((f) => f.fix?.applicability === "unsafe").length,
    },
    fixMode: opts.fix,
    unsafeFixes: opts.unsafeFixes,
    color,
    showSource: color && io.isTTY,
    quiet: opts.quiet,
  });
  if (opts.outputFile !== undefined) {
    try {
      fs.writeFileSync(path.resolve(opts.cwd, opts.outputFile), output);
    } catch (e) {
      io.stderr(`error: ${opts.outputFile}: could not be written (${(e as NodeJS.ErrnoException).code ?? "error"})\n`);
      return 2;
    }
  } else if (!(opts.stdinFilename !== undefined && opts.fix)) {
    io.stdout(output);
  } else if (output.trim() !== "") {
    io.stderr(output);
  }
  if (hadErrors) return 2;
  if (opts.exitZero) return 0;
  return findings.length > 0 ? 1 : 0;
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

function decodeSourceOrThrow(filePath: string, bytes: Buffer) {
  try {
    return decodeSource(bytes);
  } catch (e) {
    throw new FileError(filePath, (e as Error).message);
  }
}
