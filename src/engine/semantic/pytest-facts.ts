import type { FilePytestFacts } from "../facts.js";
import type { FunctionInfo, ModuleModel } from "../model.js";
import { compileQuery, type SyntaxNode, type Tree } from "../parser.js";
import { callArguments, stringValue } from "../syntax.js";
import { markUses } from "./marks.js";

/**
 * What one file tells about the suite's pytest setup (`filePytestFacts`, the per-file entry of the suite
 * index, kept tree-free in conftest summaries): marks used and added, marker registrations, xdist hooks,
 * and the pyplot figure calls MEM401 reads.
 */

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

function within(inner: SyntaxNode, outer: SyntaxNode): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}

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
/** A call either query finds can only be in a file that holds one of these words. */
const MAY_HOLD_CALLS = /pyplot|pylab|add_marker|applymarker|addinivalue_line/;

function pyplotFunction(model: ModuleModel, callee: SyntaxNode | null): string | undefined {
  const qualified = model.resolver.resolve(callee);
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
  // One search for all five words (most files hold none): five `includes` cost three times as much.
  if (!MAY_HOLD_CALLS.test(text)) {
    callCache.set(tree, facts);
    return facts;
  }
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
