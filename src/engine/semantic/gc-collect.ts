import type { FunctionInfo, ModuleModel } from "../model.js";
import type { SyntaxNode } from "../parser.js";
import { callNamedAt } from "../syntax.js";

/**
 * The file's `gc.collect()` calls, and whether it collects after every test below it (MEM103's fact,
 * kept in conftest summaries for the files below a conftest.py).
 */

const COLLECT_RE = /\bcollect\s*\(/g;

const gcCollectCache = new WeakMap<ModuleModel, number[]>();

/** MEM103 asks for a file's own calls twice (its classes' teardowns, and whether it collects after each test). */
export function gcCollectOffsets(text: string, root: SyntaxNode, model: ModuleModel): number[] {
  let offsets = gcCollectCache.get(model);
  if (!offsets) {
    offsets = findGcCollectOffsets(text, root, model);
    gcCollectCache.set(model, offsets);
  }
  return [...offsets];
}

function findGcCollectOffsets(text: string, root: SyntaxNode, model: ModuleModel): number[] {
  const offsets: number[] = [];
  for (const m of text.matchAll(COLLECT_RE)) {
    const found = callNamedAt(root, m.index);
    if (!found) continue;
    const { call, callee } = found;
    const calleeText = callee.text.replace(/\s+/g, "");
    if (calleeText === "gc.collect" || model.resolver.resolve(callee) === "gc.collect") offsets.push(call.startIndex);
  }
  return offsets;
}

/** Offset of the first `yield` in a function's own body (not in a nested function), if any. */
function firstYield(fn: FunctionInfo): number | undefined {
  const body = fn.body;
  const text = body.text;
  for (const m of text.matchAll(/\byield\b/g)) {
    let node: SyntaxNode | null = body.descendantForIndex(body.startIndex + m.index, body.startIndex + m.index + 5);
    if (node?.type !== "yield") node = node?.parent ?? null;
    if (node?.type !== "yield") continue;
    let owner: SyntaxNode | null = node.parent;
    while (owner && owner.type !== "function_definition" && owner.type !== "lambda") owner = owner.parent;
    if (owner?.startIndex === fn.node.startIndex) return node.startIndex;
  }
  return undefined;
}

const collectsCache = new WeakMap<object, boolean>();

/**
 * Whether a module calls `gc.collect()` after every test below it: in a function-scoped autouse
 * fixture after its `yield`, in a `pytest_runtest_teardown` hook, or after the `yield` of a
 * `pytest_runtest_call`/`pytest_runtest_protocol` hook wrapper.
 */
export function collectsAfterEachTest(text: string, root: SyntaxNode, model: ModuleModel): boolean {
  const cached = collectsCache.get(model);
  if (cached !== undefined) return cached;
  let result = false;
  const calls = text.includes("collect") ? gcCollectOffsets(text, root, model) : [];
  for (const fn of calls.length > 0 ? model.topLevelFunctions.values() : []) {
    // Read once: each read of a node's offset crosses into the parser (functions x calls reads otherwise).
    const bodyStart = fn.body.startIndex;
    const bodyEnd = fn.body.endIndex;
    const inside = calls.filter((o) => o >= bodyStart && o < bodyEnd);
    if (inside.length === 0) continue;
    if (fn.name === "pytest_runtest_teardown") result = true;
    const wraps = (fn.fixture?.autouse === true && fn.fixture.scope === "function") || fn.name === "pytest_runtest_call" || fn.name === "pytest_runtest_protocol";
    const yieldAt = wraps ? firstYield(fn) : undefined;
    if (yieldAt !== undefined && inside.some((o) => o > yieldAt)) result = true;
    if (result) break;
  }
  collectsCache.set(model, result);
  return result;
}
