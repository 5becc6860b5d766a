import type { FunctionInfo } from "../engine/model.js";
import type { SyntaxNode } from "../engine/parser.js";

const NESTED_SCOPES = new Set(["function_definition", "lambda", "class_definition"]);

/** Nodes of the given types in a function body, not inside nested functions, lambdas or classes. */
function ownNodes(fn: FunctionInfo, types: ReadonlySet<string>): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  const stack: SyntaxNode[] = [...fn.body.namedChildren];
  while (stack.length > 0) {
    const node = stack.pop() as SyntaxNode;
    if (NESTED_SCOPES.has(node.type)) continue;
    if (types.has(node.type)) found.push(node);
    for (const child of node.namedChildren) stack.push(child);
  }
  return found;
}

const YIELD_OR_CALL = new Set(["yield", "call"]);

/**
 * Whether a fixture tears down what it built: a `request.addfinalizer(...)` call, or a `yield` followed
 * by more statements in its block, or placed inside a `with` or a `try` with `finally`.
 */
export function hasCleanup(fn: FunctionInfo): boolean {
  const nodes = ownNodes(fn, YIELD_OR_CALL);
  for (const node of nodes) {
    if (node.type === "call") {
      const callee = node.childForFieldName("function");
      if (callee?.type === "attribute" && callee.childForFieldName("attribute")?.text === "addfinalizer") return true;
      continue;
    }
    for (let cur: SyntaxNode | null = node; cur && cur.type !== "function_definition"; cur = cur.parent) {
      if (cur.type === "with_statement") return true;
      if (cur.type === "try_statement" && cur.namedChildren.some((c) => c.type === "finally_clause")) return true;
      if (cur.parent?.type === "block" && cur.type !== "block") {
        const next = cur.nextNamedSibling;
        if (next && next.type !== "comment") return true;
      }
    }
  }
  return false;
}
