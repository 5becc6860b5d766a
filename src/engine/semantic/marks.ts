import type { ClassInfo, FunctionInfo, ModuleModel } from "../model.js";
import type { SyntaxNode, Tree } from "../parser.js";
import type { FileContext } from "../rule.js";

/**
 * Which pytest marks apply to a test function or a test class, answered in one place: the marks
 * written on it, on the classes around it and their same-file bases, and in the module's
 * `pytestmark`; and whether it may carry marks the file cannot show (a base class from elsewhere).
 */

export interface MarkUse {
  /** The mark's name: `performance` for `pytest.mark.performance`. */
  name: string;
  /** The `pytest.mark.NAME` attribute chain. */
  node: SyntaxNode;
}

const MARK_RE = /\bmark\s*\.\s*[A-Za-z_]/g;

const markCache = new WeakMap<Tree, MarkUse[]>();

/**
 * Every `pytest.mark.NAME` (through any import of pytest or of `pytest.mark`), in source order.
 * Found in the text and confirmed in the tree (a whole-tree query costs about a third of a parse).
 */
export function markUses(tree: Tree, model: ModuleModel): MarkUse[] {
  let uses = markCache.get(tree);
  if (uses) return uses;
  uses = [];
  const root = tree.rootNode;
  for (const m of root.text.matchAll(MARK_RE)) {
    const mark = root.descendantForIndex(m.index);
    if (mark.type !== "identifier" || mark.text !== "mark") continue;
    const parent = mark.parent;
    if (parent?.type !== "attribute") continue;
    let chain: SyntaxNode | null;
    if (parent.childForFieldName("object")?.startIndex === mark.startIndex) chain = parent; // mark.NAME
    else {
      chain = parent.parent; // <pytest>.mark.NAME
      if (chain?.type !== "attribute" || chain.childForFieldName("object")?.startIndex !== parent.startIndex) continue;
    }
    const name = chain.childForFieldName("attribute")?.text;
    if (name && model.resolver.resolve(chain) === `pytest.mark.${name}`) uses.push({ name, node: chain });
  }
  uses.sort((a, b) => a.node.startIndex - b.node.startIndex);
  markCache.set(tree, uses);
  return uses;
}

/**
 * The marks written in some mark expressions (decorators, `pytestmark` values). A name bound at module
 * level to a mark (`perf = pytest.mark.performance`, then `@perf`) counts as that mark.
 */
export function marksIn(tree: Tree, model: ModuleModel, exprs: readonly SyntaxNode[]): MarkUse[] {
  const uses = markUses(tree, model);
  if (uses.length === 0 || exprs.length === 0) return [];
  const ranges: SyntaxNode[] = [];
  for (const expr of exprs) {
    ranges.push(expr);
    const target = expr.type === "call" ? expr.childForFieldName("function") : expr;
    if (target?.type === "identifier") {
      const bound = model.moduleAssignments.get(target.text);
      if (bound) ranges.push(bound);
    }
  }
  // Each offset read once: a node's end is a call into the parser.
  const spans = ranges.map((r) => ({ start: r.startIndex, end: r.endIndex }));
  const ends = markEnds(tree, uses);
  return uses.filter((u, i) => spans.some((r) => u.node.startIndex >= r.start && (ends[i] as number) <= r.end));
}

const markEndCache = new WeakMap<Tree, number[]>();

/** The end offsets of a file's mark uses (as `markUses` gives them), read once per file. */
function markEnds(tree: Tree, uses: readonly MarkUse[]): number[] {
  let ends = markEndCache.get(tree);
  if (!ends) {
    ends = uses.map((u) => u.node.endIndex);
    markEndCache.set(tree, ends);
  }
  return ends;
}

/** Where the marks of a test function or class come from, nearest first. */
export interface MarkSources {
  /** The function's or class's own decorators (and a class's `pytestmark`). */
  own: SyntaxNode[];
  /** Enclosing classes and same-file base classes (their decorators and `pytestmark`). */
  classes: SyntaxNode[];
  /** The module's `pytestmark`. */
  module: SyntaxNode[];
}

/** The mark expressions of a class's own decorators and its `pytestmark` attribute. */
function ownClassMarkExprs(cls: ClassInfo): SyntaxNode[] {
  const exprs = [...cls.decorators];
  const pytestmark = cls.attributes.get("pytestmark");
  if (pytestmark) exprs.push(pytestmark);
  return exprs;
}

function moduleMarkExprs(model: ModuleModel): SyntaxNode[] {
  const pytestmark = model.moduleAssignments.get("pytestmark");
  return pytestmark ? [pytestmark] : [];
}

/** The classes around `start` (itself included) and each one's same-file bases; `skipFirstOwn` leaves out `start`'s own marks. */
function classChainExprs(ctx: FileContext, start: ClassInfo | undefined, skipFirstOwn: boolean): SyntaxNode[] {
  const exprs: SyntaxNode[] = [];
  for (let c = start; c; c = c.parentClass) {
    for (const k of ctx.collection.lineage(c)) {
      if (skipFirstOwn && k === start) continue;
      exprs.push(...ownClassMarkExprs(k));
    }
  }
  return exprs;
}

function isClass(item: FunctionInfo | ClassInfo): item is ClassInfo {
  return "methods" in item;
}

/** The mark expressions that apply to a test function or class, by where they are written. */
export function markSourcesOf(ctx: FileContext, item: FunctionInfo | ClassInfo): MarkSources {
  if (isClass(item)) return { own: ownClassMarkExprs(item), classes: classChainExprs(ctx, item, true), module: moduleMarkExprs(ctx.model) };
  return { own: [...item.decorators], classes: classChainExprs(ctx, item.cls, false), module: moduleMarkExprs(ctx.model) };
}

/** Every mark expression of the sources, nearest first. */
export function allSources(s: MarkSources): SyntaxNode[] {
  return [...s.own, ...s.classes, ...s.module];
}

/** The marks that apply to a test function or class as the file shows them: its own, its classes' (and their same-file bases'), the module's. */
export function marksOf(ctx: FileContext, item: FunctionInfo | ClassInfo): MarkUse[] {
  return marksIn(ctx.tree, ctx.model, allSources(markSourcesOf(ctx, item)));
}

/**
 * A class (or one of its same-file bases) with a base from another module, other than the standard
 * library's `unittest`: it may inherit what the file cannot show (an autouse fixture that closes every
 * figure, a teardown, a mark), so rules that depend on that do not judge it.
 */
export function hasBaseFromElsewhere(ctx: FileContext, cls: ClassInfo): boolean {
  for (const k of ctx.collection.lineage(cls)) {
    for (const base of k.bases) {
      if (base.type === "identifier" && (base.text === "object" || ctx.model.topLevelClasses.has(base.text))) continue;
      const resolved = ctx.model.resolver.resolve(base) ?? "";
      if (!resolved.startsWith("unittest.")) return true;
    }
  }
  return false;
}

/** Marks may apply that the file does not show: the item is (in) a class with a base from another module. */
export function mayInheritMarks(ctx: FileContext, item: FunctionInfo | ClassInfo): boolean {
  for (let cls = isClass(item) ? item : item.cls; cls; cls = cls.parentClass) if (hasBaseFromElsewhere(ctx, cls)) return true;
  return false;
}
