import path from "node:path";
import { ConfigError, UsageError } from "../config/errors.js";
import { isPytestConfigFileName, type PytestConfig } from "../config/pytest-config.js";
import { analyzeText, type AnalyzedFile } from "../engine/analyze.js";
import { collectionRules } from "../engine/collection.js";
import { SuiteFacts } from "../engine/facts.js";
import { lintAnalyzed, lintText, runSuiteRules } from "../engine/lint.js";
import { SuiteContext } from "../engine/rule.js";
import { suppressionsFor } from "../engine/suppress.js";
import type { Finding } from "../engine/types.js";
import { runFixLoop } from "../fix/apply.js";
import { resolveRunSettings, type RunSettings } from "../settings.js";
import { OverlayProject, type Overlay } from "./overlay-project.js";

/** What the server knows of one linted document. */
export interface DocumentLint {
  /** `python`: a test file or conftest.py; `config`: a pytest configuration (MEM5xx); `none`: not ours. */
  kind: "python" | "config" | "none";
  findings: Finding[];
  /** Problems for the log (a malformed configuration, a rule that threw), one line each. */
  problems: string[];
}

const NOT_OURS: DocumentLint = { kind: "none", findings: [], problems: [] };

/**
 * Lints documents as the editor holds them, with the configuration that applies to each file
 * (found walking up from its folder, as the CLI does from the working directory).
 */
export class DocumentLinter {
  private project: OverlayProject;
  private readonly settingsByDir = new Map<string, { settings: RunSettings; problem?: string }>();

  constructor(private readonly overlay: Overlay) {
    this.project = new OverlayProject(overlay);
  }

  /** Forgets every cached configuration and conftest fact (one of those files changed). */
  invalidate(): void {
    this.project = new OverlayProject(this.overlay);
    this.settingsByDir.clear();
  }

  lint(filePath: string, text: string, languageId: string): DocumentLint {
    const base = path.basename(filePath);
    if (isPytestConfigFileName(base)) return this.lintConfig(filePath);
    if (languageId !== "python" && !/\.pyi?$/i.test(base)) return NOT_OURS;
    const problems: string[] = [];
    const { settings, problem } = this.settingsFor(path.dirname(filePath));
    if (problem) problems.push(problem);
    if (isExcluded(settings, filePath)) return { ...NOT_OURS, problems };
    let pytestConfig: PytestConfig | undefined;
    try {
      pytestConfig = this.project.pytestConfigFor(filePath);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(e.message);
    }
    if (base !== "conftest.py" && !collectionRules(pytestConfig).isTestFileName(base)) return { ...NOT_OURS, problems };
    const analyzed = analyzeText(filePath, { text, encoding: "utf8", bom: false }, text, pytestConfig, false);
    const result = lintAnalyzed(analyzed, settings.lint, this.project, new SuiteFacts());
    for (const crash of result.crashes) problems.push(`${filePath}: ${crash.message}`);
    return { kind: "python", findings: result.findings, problems };
  }

  /** The text with every safe fix applied (the CLI's fix loop), or undefined when nothing changes. */
  fixAll(filePath: string, text: string, languageId: string): string | undefined {
    const first = this.lint(filePath, text, languageId);
    if (first.kind !== "python" || !first.findings.some((f) => f.fix?.applicability === "safe")) return undefined;
    const { settings } = this.settingsFor(path.dirname(filePath));
    const analyzed: AnalyzedFile = analyzeText(filePath, { text, encoding: "utf8", bom: false }, text, this.safePytestConfig(filePath), false);
    const lint = (next: string) => lintText(analyzed, next, settings.lint, this.project, new SuiteFacts(), false).result;
    const loop = runFixLoop(text, false, { lint, canWrite: () => true });
    return loop.text === text ? undefined : loop.text;
  }

  /** MEM5xx findings of a pytest configuration file that applies to its folder (the file as the editor holds it). */
  private lintConfig(filePath: string): DocumentLint {
    const problems: string[] = [];
    const { settings, problem } = this.settingsFor(path.dirname(filePath));
    if (problem) problems.push(problem);
    let config: PytestConfig | null;
    try {
      config = this.project.pytestConfigs.inDir(path.dirname(filePath));
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return { kind: "config", findings: [], problems: [...problems, e.message] };
    }
    if (!config || config.path !== filePath) return { kind: "config", findings: [], problems };
    const suite = new SuiteContext(this.project, settings.lint.options, new SuiteFacts(), [], [filePath]);
    for (const crash of runSuiteRules(suite, settings.lint.enabled)) problems.push(`${filePath}: ${crash.message}`);
    const ignored = settings.pathRules.ignoredCodes(filePath);
    const findings = suite.findings.filter((f) => f.file.path === filePath && !ignored.has(f.code) && !suppressionsFor(f.file).isSuppressed(f));
    return { kind: "config", findings, problems };
  }

  private safePytestConfig(filePath: string): PytestConfig | undefined {
    try {
      return this.project.pytestConfigFor(filePath);
    } catch {
      return undefined;
    }
  }

  /** The pytest-memlint settings for a folder; a bad configuration falls back to the defaults, with the problem to log. */
  private settingsFor(dir: string): { settings: RunSettings; problem?: string } {
    let entry = this.settingsByDir.get(dir);
    if (!entry) {
      try {
        entry = { settings: resolveRunSettings(runOptions(dir, false)) };
      } catch (e) {
        if (!(e instanceof ConfigError) && !(e instanceof UsageError)) throw e;
        entry = { settings: resolveRunSettings(runOptions(dir, true)), problem: `${e.message} (using the default settings)` };
      }
      this.settingsByDir.set(dir, entry);
    }
    return entry;
  }
}

function runOptions(cwd: string, noConfig: boolean) {
  return { paths: [], cwd, fix: false, unsafeFixes: false, diff: false, format: "text" as const, exitZero: false, noConfig, quiet: true, color: "never" as const };
}

/** `exclude` names the file or a folder above it (discovery would never reach it). */
function isExcluded(settings: RunSettings, filePath: string): boolean {
  if (!settings.pathRules.active) return false;
  for (let p = filePath; ; ) {
    if (settings.pathRules.isExcluded(p)) return true;
    const parent = path.dirname(p);
    if (parent === p) return false;
    p = parent;
  }
}
