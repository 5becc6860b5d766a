import type { SyntaxNode, Tree } from "./parser.js";
import type { Finding } from "./types.js";

/**
 * Rules whose findings depend on where a statement sits (module level or not, which class it is
 * in, what the module imports). Inside a region tree-sitter could not place (an ERROR node), a
 * method's body may look like module-level code and an import may be missing, so these are not
 * reported from there.
 */
const SCOPE_DEPENDENT = new Set(["MEM101", "MEM102", "MEM103", "MEM204", "MEM302"]);
/** Reported at a class: not reported when an error node cuts the class. */
const CLASS_FINDINGS = new Set(["MEM102", "MEM103"]);

function insideError(node: SyntaxNode | null): boolean {
  for (let n = node; n; n = n.parent) if (n.type === "ERROR") return true;
  return false;
}

function enclosingClass(node: SyntaxNode | null): SyntaxNode | undefined {
  for (let n = node; n; n = n.parent) if (n.type === "class_definition") return n;
  return undefined;
}

function enclosingScope(node: SyntaxNode | null): SyntaxNode | undefined {
  for (let n = node?.parent ?? null; n; n = n.parent) if (n.type === "class_definition" || n.type === "function_definition") return n;
  return undefined;
}

/** Whether an error node's text mentions `gc` (an `import gc` the parser could not place). */
function errorMentionsGc(tree: Tree): boolean {
  const stack: SyntaxNode[] = [tree.rootNode];
  while (stack.length > 0) {
    const node = stack.pop() as SyntaxNode;
    if (node.type === "ERROR" && /\bgc\b/.test(node.text)) return true;
    if (node.hasError) stack.push(...node.children);
  }
  return false;
}

/** A statement the tree puts at module level although its line is indented: error recovery moved it out of its block. */
function misplacedAtModuleLevel(node: SyntaxNode | null, text: string): boolean {
  let top = node;
  while (top?.parent && top.parent.parent) top = top.parent;
  if (!top || top.parent?.type !== "module") return false;
  const start = top.startIndex;
  const lineStart = Math.max(text.lastIndexOf("\n", start - 1), text.lastIndexOf("\r", start - 1)) + 1;
  return start > lineStart;
}

/** Drops the scope-dependent findings that lie in regions of the file the parser could not place. */
export function outsideUnplacedRegions(findings: readonly Finding[], tree: Tree, text: string): Finding[] {
  if (!tree.rootNode.hasError) return [...findings];
  let gcHidden: boolean | undefined;
  return findings.filter((f) => {
    if (!SCOPE_DEPENDENT.has(f.code)) return true;
    const node = tree.rootNode.descendantForIndex(f.start, Math.max(f.start, f.end - 1));
    if (insideError(node) || misplacedAtModuleLevel(node, text)) return false;
    // Directly in the body of a class an error cuts: the statement may belong to a method.
    if (enclosingScope(node)?.type === "class_definition" && enclosingScope(node)?.hasError) return false;
    if (CLASS_FINDINGS.has(f.code) && enclosingClass(tree.rootNode.descendantForIndex(f.start, f.start))?.hasError) return false;
    if (f.code === "MEM101") return !(gcHidden ??= errorMentionsGc(tree));
    return true;
  });
}
