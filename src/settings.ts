import path from "node:path";
import { openBaselines, type BaselineSetup } from "./baseline.js";
import { resolveConfig } from "./config/load.js";
import { ruleOptionsFrom, type RuleOptions } from "./config/options.js";
import { compilePathRules, configWhere, type PathRules } from "./config/per-file-ignores.js";
import { selectCodes } from "./config/selection.js";
import type { LintSettings } from "./engine/lint.js";
import { DEFAULT_MAX_FILE_MB, setMaxFileSize } from "./engine/read-file.js";
import type { RunOptions } from "./run-options.js";
import { validateGroupTemplate } from "./rules/shared/group-name.js";

export interface RunSettings {
  lint: LintSettings;
  pathRules: PathRules;
  baselines: BaselineSetup;
  /** The result cache folder; undefined with --no-cache and for standard input. */
  cacheDir: string | undefined;
  /** The configuration file in use, if any. */
  configPath?: string | undefined;
}

/**
 * Everything a run derives from its configuration file and flags. Throws ConfigError or UsageError
 * (one line for the user). Worker threads call it too, so they lint with the same settings.
 */
export function resolveRunSettings(opts: RunOptions): RunSettings {
  const config = resolveConfig(opts.cwd, opts.config, opts.noConfig);
  const where = config.path ? configWhere(config.path) : "configuration";
  const values = config.values;
  const options: RuleOptions = ruleOptionsFrom(values);
  if (opts.xdistGroupName !== undefined) options.xdistGroupName = opts.xdistGroupName;
  setMaxFileSize(values["max-file-size-mb"] ?? DEFAULT_MAX_FILE_MB);
  validateGroupTemplate(options.xdistGroupName, opts.xdistGroupName !== undefined ? "--xdist-group-name" : where);
  const enabled = selectCodes([
    { select: values.select, extendSelect: values["extend-select"], ignore: values.ignore, where, label: (key) => `${where}: key '${key}'` },
    { select: opts.select, extendSelect: opts.extendSelect, ignore: opts.ignore, where: "command line", label: (key) => `--${key}` },
  ]);
  const pathRules = compilePathRules(values, config.path);
  return {
    lint: { enabled, options, ignoredCodes: pathRules.active ? (p) => pathRules.ignoredCodes(p) : undefined },
    pathRules,
    baselines: openBaselines(opts, values.baseline, config.path),
    cacheDir: cacheDirFor(opts, values["cache-dir"], config.path),
    configPath: config.path,
  };
}

/** `PYTEST_MEMLINT_CACHE_DIR` (relative to the working directory), else `cache-dir` (relative to its configuration file), else `.pytest-memlint_cache` at the project root. */
function cacheDirFor(opts: RunOptions, configured: string | undefined, configPath: string | undefined): string | undefined {
  if (opts.noCache || opts.stdinFilename !== undefined) return undefined;
  const fromEnv = process.env["PYTEST_MEMLINT_CACHE_DIR"];
  if (fromEnv) return path.resolve(opts.cwd, fromEnv);
  const root = configPath ? path.dirname(configPath) : opts.cwd;
  return path.resolve(root, configured ?? ".pytest-memlint_cache");
}
