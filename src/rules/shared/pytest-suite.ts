import path from "node:path";
import { DEFAULT_EXCLUDED_DIRS, fastGlob } from "../../discover.js";
import type { PytestConfig } from "../../config/pytest-config.js";
import { configLineSuppressed, isTomlPath } from "../../engine/suppress.js";
import type { FilePytestFacts } from "../../engine/facts.js";
import { LineIndex } from "../../engine/lines.js";
import type { FunctionInfo, ModuleModel } from "../../engine/model.js";
import { compileQuery, type SyntaxNode, type Tree } from "../../engine/parser.js";
import type { FileContext, FileListeners, ReportOptions, RuleContext, SuiteContext, SuiteRuleContext } from "../../engine/rule.js";
import { callArguments, stringValue } from "../../engine/syntax.js";
import type { TextFile } from "../../engine/types.js";

/**
 * Shared analysis of MEM4xx/MEM5xx: pytest marks and where they apply, marker registrations, xdist
 * hooks, pyplot figures; and the suite side: which files share a pytest configuration, and findings
 * pointing into that configuration file.
 */

// ---------------------------------------------------------------------------------------------
// Names

/** Resolves a name or attribute chain through imports (`x = pytest.importorskip("m")` included: the model binds it). */
export function resolveName(model: ModuleModel, node: SyntaxNode | null | undefined): string | undefined {
  return model.resolver.resolve(node);
}

/** The text of a string literal, or of implicitly concatenated literals; undefined for anything else. */
export function literalText(node: SyntaxNode | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === "string") return stringValue(node);
  if (node.type !== "concatenated_string") return undefined;
  let text = "";
  for (const part of node.namedChildren) {
    if (part.type === "comment") continue;
    const value = stringValue(part);
    if (value === undefined) return undefined;
    text += value;
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Marks: which marks apply to a test or class is answered in one place, the semantic model.

import { markUses } from "../../engine/semantic/marks.js";

export { hasBaseFromElsewhere } from "../../engine/semantic/marks.js";

function within(inner: SyntaxNode, outer: SyntaxNode): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}

// ---------------------------------------------------------------------------------------------
// Figures

const PYPLOT_MODULES = ["matplotlib.pyplot", "matplotlib.pylab", "pylab"];
const FIGURE_CREATORS = new Set(["figure", "subplots", "subplot", "subplot_mosaic"]);

const figureQuery = compileQuery(`
(call function: [(identifier) @fname (attribute attribute: (identifier) @fname)] (#any-of? @fname "figure" "subplots" "subplot" "subplot_mosaic" "close")) @figure_call
`);
const pytestCallQuery = compileQuery(`
(call function: (attribute attribute: (identifier) @method (#any-of? @method "add_marker" "applymarker" "addinivalue_line"))) @pytest_call
`);

export interface FigureCalls {
  /** `plt.figure()`, `plt.subplots()`, `plt.subplot()`, `plt.subplot_mosaic()`. */
  creates: SyntaxNode[];
  /** `plt.close(...)` calls; `all` for `plt.close("all")`. */
  closes: { node: SyntaxNode; all: boolean }[];
}

interface CallFacts extends FigureCalls {
  pytestCalls: { method: string; node: SyntaxNode }[];
}

const callCache = new WeakMap<Tree, CallFacts>();

function pyplotFunction(model: ModuleModel, callee: SyntaxNode | null): string | undefined {
  const qualified = resolveName(model, callee);
  if (qualified === undefined) return undefined;
  for (const module of PYPLOT_MODULES) if (qualified.startsWith(module + ".")) return qualified.slice(module.length + 1);
  return undefined;
}

function callFacts(tree: Tree, model: ModuleModel): CallFacts {
  let facts = callCache.get(tree);
  if (facts) return facts;
  facts = { creates: [], closes: [], pytestCalls: [] };
  // Each query match crosses into JavaScript: run a query only on files whose text can hold what it looks for.
  // The model read the file's text once already; asking the tree for it again copies it out of the parser.
  const text = model.hints.text;
  if (text.includes("pyplot") || text.includes("pylab")) {
    for (const match of figureQuery.matches(tree.rootNode)) {
      const figureCall = match.captures.find((c) => c.name === "figure_call")?.node;
      if (!figureCall) continue;
      const fn = pyplotFunction(model, figureCall.childForFieldName("function"));
      if (fn === "close") {
        const args = callArguments(figureCall);
        const target = args.positional[0] ?? args.keywords.get("fig");
        facts.closes.push({ node: figureCall, all: literalText(target) === "all" });
      } else if (fn !== undefined && FIGURE_CREATORS.has(fn)) {
        facts.creates.push(figureCall);
      }
    }
  }
  if (text.includes("add_marker") || text.includes("applymarker") || text.includes("addinivalue_line")) {
    for (const match of pytestCallQuery.matches(tree.rootNode)) {
      const pytestCall = match.captures.find((c) => c.name === "pytest_call")?.node;
      const method = match.captures.find((c) => c.name === "method")?.node.text;
      if (pytestCall && method) facts.pytestCalls.push({ method, node: pytestCall });
    }
  }
  callCache.set(tree, facts);
  return facts;
}

export function figureCalls(tree: Tree, model: ModuleModel): FigureCalls {
  return callFacts(tree, model);
}

/** Whether a function's body calls `plt.close("all")`. */
export function closesAllFigures(tree: Tree, model: ModuleModel, fn: FunctionInfo): boolean {
  return callFacts(tree, model).closes.some((c) => c.all && within(c.node, fn.node));
}

/** Module-level functions that run around every test below a conftest.py: autouse fixtures and `pytest_runtest_*` hooks. */
function runsAroundEveryTest(fn: FunctionInfo): boolean {
  return fn.fixture?.autouse === true || fn.name.startsWith("pytest_runtest_");
}

// ---------------------------------------------------------------------------------------------
// Per-file facts

const BUILTIN_MARKS = new Set(["skip", "skipif", "xfail", "parametrize", "usefixtures", "filterwarnings"]);

/** The name pytest registers for a `markers` line: the text before `:`, then before `(`. */
export function markerName(line: string): string {
  return (line.split(":")[0] ?? "").split("(")[0]?.trim() ?? "";
}

const factsCache = new WeakMap<Tree, FilePytestFacts>();

/** What one file tells about the suite (computed once per parse). */
export function filePytestFacts(tree: Tree, model: ModuleModel): FilePytestFacts {
  let facts = factsCache.get(tree);
  if (facts) return facts;
  facts = { marks: new Map(), addedMarks: new Set(), registeredMarkers: new Set(), unreadableRegistration: false, autoNumWorkersHook: false, closesAllFigures: false };
  const uses = markUses(tree, model);
  for (const use of uses) if (!facts.marks.has(use.name)) facts.marks.set(use.name, use.node.startIndex);
  const calls = callFacts(tree, model);
  for (const { method, node } of calls.pytestCalls) {
    const args = callArguments(node);
    if (method === "addinivalue_line") {
      const key = literalText(args.positional[0]);
      if (key === undefined) {
        if (args.positional.length > 0 || args.hasSplat) facts.unreadableRegistration = true;
        continue;
      }
      if (key !== "markers") continue;
      const line = literalText(args.positional[1] ?? args.keywords.get("line"));
      if (line === undefined) facts.unreadableRegistration = true;
      else facts.registeredMarkers.add(markerName(line));
      continue;
    }
    // add_marker / applymarker: a mark name as a string, or a mark object.
    const first = args.positional[0] ?? args.keywords.get("marker");
    if (!first) continue;
    const name = literalText(first);
    if (name !== undefined) {
      facts.addedMarks.add(name);
      if (!facts.marks.has(name)) facts.marks.set(name, first.startIndex);
    }
    for (const use of uses) if (within(use.node, first)) facts.addedMarks.add(use.name);
  }
  facts.autoNumWorkersHook = model.topLevelFunctions.has("pytest_xdist_auto_num_workers");
  for (const fn of model.topLevelFunctions.values()) {
    if (runsAroundEveryTest(fn) && closesAllFigures(tree, model, fn)) facts.closesAllFigures = true;
  }
  factsCache.set(tree, facts);
  return facts;
}

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
