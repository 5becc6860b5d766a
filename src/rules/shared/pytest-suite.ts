import path from "node:path";
import { DEFAULT_EXCLUDED_DIRS, fastGlob } from "../../discover.js";
import type { PytestConfig } from "../../config/pytest-config.js";
import { configLineSuppressed, isTomlPath } from "../../engine/suppress.js";
import type { FilePytestFacts } from "../../engine/facts.js";
import { LineIndex } from "../../engine/lines.js";
import type { ModuleModel } from "../../engine/model.js";
import type { SyntaxNode } from "../../engine/parser.js";
import type { FileContext, FileListeners, ReportOptions, RuleContext, SuiteContext, SuiteRuleContext } from "../../engine/rule.js";
import { filePytestFacts } from "../../engine/semantic/pytest-facts.js";
import type { TextFile } from "../../engine/types.js";

/**
 * Shared logic of MEM4xx/MEM5xx over the per-file pytest facts (src/engine/semantic/pytest-facts.ts):
 * recording them into the suite index, and the suite side: which files share a pytest configuration, and
 * findings pointing into that configuration file.
 */

// ---------------------------------------------------------------------------------------------
// Names

/** Resolves a name or attribute chain through imports (`x = pytest.importorskip("m")` included: the model binds it). */
export function resolveName(model: ModuleModel, node: SyntaxNode | null | undefined): string | undefined {
  return model.resolver.resolve(node);
}

// Which marks apply to a test or class is answered in one place, the semantic model.
export { hasBaseFromElsewhere } from "../../engine/semantic/marks.js";

// ---------------------------------------------------------------------------------------------
// Per-file facts

const BUILTIN_MARKS = new Set(["skip", "skipif", "xfail", "parametrize", "usefixtures", "filterwarnings"]);

const recorded = new WeakSet<FileContext>();

/** Adds a checked file's facts to the suite facts (once per lint of the file; each fix pass re-records). */
export function recordPytestFacts(ctx: FileContext): FilePytestFacts {
  const facts = filePytestFacts(ctx.tree, ctx.model);
  if (!recorded.has(ctx)) {
    recorded.add(ctx);
    ctx.facts.notePytestFile(ctx.file.path, ctx.isConftest, facts);
  }
  return facts;
}

/** The file listeners of a suite rule that reads every file's pytest facts: they go into the suite index once per file. */
export function recordingPytestFacts(ctx: RuleContext): FileListeners {
  return {
    module() {
      recordPytestFacts(ctx.shared);
    },
  };
}

/** Facts of the conftest.py files above a file (nearest first), from their summaries. */
export function conftestFacts(ctx: FileContext): { path: string; facts: FilePytestFacts }[] {
  return ctx.project.conftestsAbove(ctx.file.path).map((c) => ({ path: c.path, facts: c.pytestFacts }));
}

export function isBuiltinMark(name: string): boolean {
  return BUILTIN_MARKS.has(name);
}

// ---------------------------------------------------------------------------------------------
// The suite: files grouped by the pytest configuration that applies to them

export interface SuiteFile {
  path: string;
  isConftest: boolean;
  facts: FilePytestFacts;
}

export interface ConfigGroup {
  config: PytestConfig;
  /** The configuration file, for findings pointing into it. */
  file: TextFile;
  /** Checked files under this configuration, and the conftest.py files above them, each once. */
  files: SuiteFile[];
}

const groupCache = new WeakMap<SuiteContext, ConfigGroup[]>();
const textFileCache = new WeakMap<PytestConfig, TextFile>();

export function configTextFile(config: PytestConfig): TextFile {
  let file = textFileCache.get(config);
  if (!file) {
    file = { path: config.path, text: config.text, lines: new LineIndex(config.text) };
    textFileCache.set(config, file);
  }
  return file;
}

/** The checked files grouped by the pytest configuration that applies to each (files without one are left out). */
export function configGroups(ctx: SuiteContext): ConfigGroup[] {
  const cached = groupCache.get(ctx);
  if (cached) return cached;
  const groups = new Map<string, ConfigGroup & { seen: Set<string> }>();
  for (const filePath of ctx.files) {
    let config: PytestConfig | undefined;
    try {
      config = ctx.project.pytestConfigFor(filePath);
    } catch {
      continue; // a malformed configuration is reported once by the run
    }
    if (!config) continue;
    let group = groups.get(config.path);
    if (!group) {
      group = { config, file: configTextFile(config), files: [], seen: new Set() };
      groups.set(config.path, group);
    }
    const add = (p: string, isConftest: boolean, compute: () => FilePytestFacts | undefined) => {
      if (group.seen.has(p)) return;
      const facts = ctx.facts.pytestFiles.get(p) ?? compute();
      if (!facts) return;
      group.seen.add(p);
      group.files.push({ path: p, isConftest, facts });
    };
    add(filePath, path.basename(filePath) === "conftest.py", () => undefined);
    // Parsed only when no checked (or cached) file gave its facts already.
    for (const conftestPath of ctx.project.conftestPathsAbove(filePath)) {
      add(conftestPath, true, () => ctx.project.conftest(conftestPath)?.pytestFacts);
    }
  }
  // A configuration file named on the command line with none of its test files: what its conftest.py files tell.
  for (const configPath of ctx.configFiles) {
    let config: PytestConfig | null;
    try {
      config = ctx.project.pytestConfigs.inDir(path.dirname(configPath));
    } catch {
      continue;
    }
    if (!config || config.path !== configPath || groups.has(config.path)) continue;
    const group = { config, file: configTextFile(config), files: [] as SuiteFile[], seen: new Set<string>() };
    groups.set(config.path, group);
    for (const conftestPath of conftestsBelow(path.dirname(configPath))) {
      const summary = ctx.project.conftest(conftestPath);
      if (summary) group.files.push({ path: conftestPath, isConftest: true, facts: ctx.facts.pytestFiles.get(conftestPath) ?? summary.pytestFacts });
    }
  }
  const result = [...groups.values()].map(({ seen: _seen, ...g }) => g);
  groupCache.set(ctx, result);
  return result;
}

/** Every conftest.py under a folder, skipping the folders discovery skips. */
function conftestsBelow(dir: string): string[] {
  return fastGlob().sync("**/conftest.py", { cwd: dir, absolute: true, dot: true, onlyFiles: true, followSymbolicLinks: false, suppressErrors: true, ignore: DEFAULT_EXCLUDED_DIRS.map((d) => `**/${d}/**`) }).map((p) => path.resolve(p)).sort();
}

/** A path relative to the configuration's folder, `/`-separated, for messages. */
export function relativeToConfig(config: PytestConfig, file: string): string {
  return path.relative(path.dirname(config.path), file).split(path.sep).join("/") || path.basename(file);
}

/** The span of a 1-based line without its indentation and trailing blanks. */
export function lineSpan(file: TextFile, line: number): { start: number; end: number } {
  const line0 = Math.max(0, Math.min(line - 1, file.lines.lineCount - 1));
  const start = file.lines.lineStart(line0);
  const text = file.lines.lineText(line0);
  const indent = text.length - text.trimStart().length;
  return { start: start + indent, end: start + text.trimEnd().length };
}

/** Reports a finding on a line of a configuration file, unless a `# noqa` line above suppresses it (as the run's suppressions read them). */
export function reportConfigLine<M extends string>(ctx: SuiteRuleContext<M>, group: ConfigGroup, line: number, opts: ReportOptions<M>): void {
  if (configLineSuppressed(group.file.lines, line - 1, ctx.code, !isTomlPath(group.config.path))) return;
  ctx.report({ ...opts, file: group.file, range: lineSpan(group.file, line) });
}
