import type { SyntaxNode } from "./parser.js";

/** Helpers for reading Python syntax nodes. */

/**
 * The call whose callee ends with the identifier at `offset` (`name(...)` or `obj.name(...)`), for
 * rules that find candidate names in the text and confirm them in the tree. Undefined when that
 * spot is not a callee's name (a string, a comment, an argument, `name.attr(...)`).
 */
export function callNamedAt(root: SyntaxNode, offset: number): { call: SyntaxNode; callee: SyntaxNode; name: SyntaxNode } | undefined {
  const name = root.descendantForIndex(offset, offset + 1);
  if (name.type !== "identifier") return undefined;
  const parent = name.parent;
  const callee = parent?.type === "attribute" && parent.childForFieldName("attribute")?.startIndex === name.startIndex ? parent : name;
  const call = callee.parent;
  if (call?.type !== "call" || call.childForFieldName("function")?.startIndex !== callee.startIndex) return undefined;
  return { call, callee, name };
}

export interface CallArguments {
  positional: SyntaxNode[];
  keywords: Map<string, SyntaxNode>;
  /** `*args` or `**kwargs` present: the call may pass anything. */
  hasSplat: boolean;
}

export function callArguments(call: SyntaxNode): CallArguments {
  const result: CallArguments = { positional: [], keywords: new Map(), hasSplat: false };
  const args = call.childForFieldName("arguments");
  if (!args || args.type !== "argument_list") return result;
  for (const arg of args.namedChildren) {
    if (arg.type === "comment") continue;
    if (arg.type === "keyword_argument") {
      const name = arg.childForFieldName("name");
      const value = arg.childForFieldName("value");
      if (name && value) result.keywords.set(name.text, value);
    } else if (arg.type === "list_splat" || arg.type === "dictionary_splat") {
      result.hasSplat = true;
    } else {
      result.positional.push(arg);
    }
  }
  return result;
}

/** The value of a plain string literal (no f-string interpolation, no implicit concatenation); else undefined. */
export function stringValue(node: SyntaxNode | null | undefined): string | undefined {
  if (!node || node.type !== "string") return undefined;
  let value = "";
  for (const child of node.namedChildren) {
    if (child.type === "string_content") value += child.text;
    else if (child.type === "interpolation") return undefined;
    else if (child.type === "escape_sequence") value += unescape(child.text);
  }
  return value;
}

function unescape(seq: string): string {
  const simple: Record<string, string> = { "\\n": "\n", "\\t": "\t", "\\\\": "\\", "\\'": "'", '\\"': '"', "\\r": "\r", "\\0": "\0" };
  return simple[seq] ?? seq;
}

export function isTrueLiteral(node: SyntaxNode | null | undefined): boolean {
  return node?.type === "true";
}

/** Names bound by a function's parameters, in order (`self` included). */
export function parameterNames(parameters: SyntaxNode | null): string[] {
  const names: string[] = [];
  if (!parameters) return names;
  for (const p of parameters.namedChildren) {
    const name = parameterName(p);
    if (name !== undefined) names.push(name);
  }
  return names;
}

function parameterName(p: SyntaxNode): string | undefined {
  switch (p.type) {
    case "identifier":
      return p.text;
    case "default_parameter":
    case "typed_default_parameter":
      return p.childForFieldName("name")?.text;
    case "typed_parameter": {
      const first = p.namedChild(0);
      return first?.type === "identifier" ? first.text : undefined;
    }
    default:
      return undefined;
  }
}

/** The expressions of a mark value: `[a, b]`, `(a, b)` or a single expression. */
export function listElements(node: SyntaxNode): SyntaxNode[] {
  if (node.type === "list" || node.type === "tuple" || node.type === "parenthesized_expression") {
    return node.namedChildren.filter((c) => c.type !== "comment");
  }
  return [node];
}

/** The body statements of a block, comments excluded. */
export function statements(block: SyntaxNode | null): SyntaxNode[] {
  if (!block) return [];
  return block.namedChildren.filter((c) => c.type !== "comment");
}

/** The first body statement of a block (`statements(block)[0]`), without reading the others from the parser. */
export function firstStatement(block: SyntaxNode | null): SyntaxNode | undefined {
  if (!block) return undefined;
  const count = block.namedChildCount;
  for (let i = 0; i < count; i++) {
    const child = block.namedChild(i);
    if (child && child.type !== "comment") return child;
  }
  return undefined;
}

/** The docstring statement of a block, if its first statement is a string. */
export function docstringStatement(block: SyntaxNode | null): SyntaxNode | undefined {
  const first = firstStatement(block);
  if (first?.type === "expression_statement" && first.namedChildCount === 1) {
    const expr = first.namedChild(0);
    if (expr?.type === "string" || expr?.type === "concatenated_string") return first;
  }
  return undefined;
}
