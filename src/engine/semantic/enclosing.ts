import type { FunctionInfo, ModuleModel } from "../model.js";
import type { SyntaxNode } from "../parser.js";

const FUNCTIONS = Symbol("functionsByStart");

/** The model's functions by their node's start offset, read once per file (each offset is a call into the parser). */
function functionsByStart(model: ModuleModel): Map<number, FunctionInfo> {
  const slots = model as unknown as Record<symbol, Map<number, FunctionInfo> | undefined>;
  const existing = slots[FUNCTIONS];
  if (existing) return existing;
  const byStart = new Map(model.functions.map((f) => [f.node.startIndex, f]));
  Object.defineProperty(model, FUNCTIONS, { value: byStart, enumerable: false, configurable: true });
  return byStart;
}

export interface Enclosing {
  /** Named functions around the node, innermost first. */
  functions: FunctionInfo[];
  /** The innermost function or lambda around the node (undefined at module or class level). */
  innermost: SyntaxNode | undefined;
}

/**
 * The functions (innermost first) whose body holds a node: the functions whose scope its names are
 * looked up in. A decorator or a parameter default runs in the enclosing scope, so it is not inside.
 */
export function enclosingFunctions(ctx: { readonly model: ModuleModel }, node: SyntaxNode): Enclosing {
  const byStart = functionsByStart(ctx.model);
  const functions: FunctionInfo[] = [];
  let innermost: SyntaxNode | undefined;
  let child = node;
  for (let cur = node.parent; cur; child = cur, cur = cur.parent) {
    if (cur.type !== "function_definition" && cur.type !== "lambda") continue;
    const body = cur.childForFieldName("body");
    if (!body || body.startIndex !== child.startIndex) continue;
    innermost ??= cur;
    if (cur.type === "function_definition") {
      const fn = byStart.get(cur.startIndex);
      if (fn) functions.push(fn);
    }
  }
  return { functions, innermost };
}

/** True when a node sits directly in a function's body (not in a nested function or lambda). */
export function directlyIn(ctx: { readonly model: ModuleModel }, node: SyntaxNode, fn: FunctionInfo): boolean {
  return enclosingFunctions(ctx, node).innermost?.startIndex === fn.node.startIndex;
}
