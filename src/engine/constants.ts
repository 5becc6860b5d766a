import { compileQuery, type SyntaxNode } from "./parser.js";
import type { ModuleModel } from "./model.js";

/**
 * Constant evaluation of sizes: `10000`, `10_000`, `10**6`, `int(1e6)`, `1024 * 1024`, shapes such as
 * `(1000, 1000)`, `range(a, b, s)` lengths, and names bound once to a constant (`N = 10_000` at module
 * level, or once in the enclosing function). Anything else is unknown (undefined): an unknown size is
 * never flagged. Nothing is executed; the evaluation reads literals and operators only.
 */

export type ConstValue =
  | { kind: "int"; value: number }
  | { kind: "float"; value: number }
  | { kind: "tuple"; items: ConstValue[] };

/** Expressions nested deeper than this are unknown (keeps the evaluation's recursion bounded). */
const MAX_DEPTH = 48;
/** Shapes with more dimensions than this are unknown. */
const MAX_SHAPE_ITEMS = 32;

const SCOPE_TYPES = new Set(["function_definition", "lambda", "class_definition"]);

const bindingQuery = compileQuery(`
(assignment left: (_) @target)
(augmented_assignment left: (_) @target)
(for_statement left: (_) @target)
(for_in_clause left: (_) @target)
(named_expression name: (identifier) @target)
(as_pattern alias: (as_pattern_target) @target)
(import_statement) @import
(import_from_statement) @import
(global_statement (identifier) @global)
(nonlocal_statement (identifier) @global)
(function_definition name: (identifier) @target)
(class_definition name: (identifier) @target)
(delete_statement) @target
`);

interface ScopeBindings {
  /** Names bound exactly once by a plain `name = value` (or `name: T = value`), with that value. */
  constants: Map<string, SyntaxNode>;
  /** Every name bound in the scope in any way. */
  bound: Set<string>;
}

function identifiersIn(node: SyntaxNode): string[] {
  if (node.type === "identifier") return [node.text];
  return node.descendantsOfType("identifier").map((n) => n.text);
}

/** Names bound in a scope node (module, function, lambda or class), counting nested scopes too (conservative). */
function scopeBindings(scope: SyntaxNode): ScopeBindings {
  const counts = new Map<string, number>();
  const constants = new Map<string, SyntaxNode>();
  const bump = (name: string, n = 1) => counts.set(name, (counts.get(name) ?? 0) + n);
  for (const { name, node } of bindingQuery.captures(scope)) {
    if (name === "import") {
      for (const n of importedNames(node)) bump(n, 2);
      continue;
    }
    if (name === "global") {
      bump(node.text, 2);
      continue;
    }
    const parent = node.parent;
    if (node.type === "identifier" && parent?.type === "assignment" && parent.childForFieldName("left")?.startIndex === node.startIndex) {
      const value = parent.childForFieldName("right");
      bump(node.text);
      if (value && value.type !== "assignment") constants.set(node.text, value);
      else if (value?.type === "assignment") {
        // `a = b = 5`: every target takes the innermost value.
        let inner: SyntaxNode | null = value;
        while (inner?.type === "assignment") inner = inner.childForFieldName("right");
        if (inner) constants.set(node.text, inner);
      }
      continue;
    }
    for (const id of identifiersIn(node)) bump(id, 2);
  }
  // Parameters of a function or lambda are bound by the caller: never constants.
  if (scope.type === "function_definition" || scope.type === "lambda") {
    for (const id of parameterNamesOf(scope.childForFieldName("parameters"))) bump(id, 2);
  }
  const result = new Map<string, SyntaxNode>();
  for (const [n, value] of constants) if (counts.get(n) === 1) result.set(n, value);
  return { constants: result, bound: new Set(counts.keys()) };
}

/** Every name a parameter list binds, `*args` and `**kwargs` included (not names in defaults or annotations). */
function parameterNamesOf(params: SyntaxNode | null): string[] {
  const names: string[] = [];
  if (!params) return names;
  for (const p of params.namedChildren) {
    if (p.type === "identifier") names.push(p.text);
    else if (p.type === "default_parameter" || p.type === "typed_default_parameter") {
      const n = p.childForFieldName("name");
      if (n) names.push(n.text);
    } else if (p.type === "typed_parameter" || p.type === "list_splat_pattern" || p.type === "dictionary_splat_pattern") {
      const first = p.namedChildren.find((c) => c.type === "identifier" || c.type === "list_splat_pattern" || c.type === "dictionary_splat_pattern");
      if (first?.type === "identifier") names.push(first.text);
      else if (first) names.push(...first.namedChildren.filter((c) => c.type === "identifier").map((c) => c.text));
    }
  }
  return names;
}

function importedNames(node: SyntaxNode): string[] {
  const names: string[] = [];
  for (const child of node.namedChildren) {
    if (child.type === "aliased_import") {
      const alias = child.childForFieldName("alias");
      if (alias) names.push(alias.text);
    } else if (child.type === "dotted_name" && child.startIndex !== node.childForFieldName("module_name")?.startIndex) {
      names.push(child.text.split(".")[0] ?? child.text);
    }
  }
  return names;
}

const EVALUATOR = Symbol("constants");

/**
 * The evaluator of one file, cached on its model (not in a WeakMap, whose values V8 keeps alive, with
 * their parse trees, until a full garbage collection).
 */
export function constantsOf(model: ModuleModel): ConstantEvaluator {
  const slots = model as unknown as Record<symbol, ConstantEvaluator | undefined>;
  const existing = slots[EVALUATOR];
  if (existing) return existing;
  const evaluator = new ConstantEvaluator(model);
  Object.defineProperty(model, EVALUATOR, { value: evaluator, enumerable: false, configurable: true });
  return evaluator;
}

export class ConstantEvaluator {
  private moduleScope: ScopeBindings | undefined;
  /** Bindings of function, lambda and class scopes, by the scope node's start offset. */
  private readonly scopes = new Map<number, ScopeBindings>();

  constructor(readonly model: ModuleModel) {}

  private module(): ScopeBindings {
    this.moduleScope ??= moduleBindings(this.model.tree.rootNode);
    return this.moduleScope;
  }

  private scope(node: SyntaxNode): ScopeBindings {
    let s = this.scopes.get(node.startIndex);
    if (!s) {
      s = scopeBindings(node);
      this.scopes.set(node.startIndex, s);
    }
    return s;
  }

  /** The value of a constant expression, or undefined. */
  evaluate(node: SyntaxNode | null | undefined): ConstValue | undefined {
    return node ? this.eval(node, 0, new Set()) : undefined;
  }

  /** An integer constant (a float only through `int(...)`), or undefined. */
  int(node: SyntaxNode | null | undefined): number | undefined {
    const v = this.evaluate(node);
    return v?.kind === "int" ? v.value : undefined;
  }

  /** An int or a float constant, or undefined. */
  number(node: SyntaxNode | null | undefined): number | undefined {
    const v = this.evaluate(node);
    return v?.kind === "int" || v?.kind === "float" ? v.value : undefined;
  }

  /** The element count of a shape: an int, or a tuple/list of ints (their product); else undefined. */
  shapeSize(node: SyntaxNode | null | undefined): number | undefined {
    return shapeOf(this.evaluate(node));
  }

  /** The length of `range(...)` when the call is the builtin `range` with constant arguments. */
  rangeLength(node: SyntaxNode | null | undefined): number | undefined {
    if (!node || node.type !== "call") return undefined;
    if (this.model.resolver.resolve(node.childForFieldName("function")) !== "builtins.range") return undefined;
    const args = node.childForFieldName("arguments");
    if (args?.type !== "argument_list") return undefined;
    const items = args.namedChildren.filter((c) => c.type !== "comment");
    if (items.length < 1 || items.length > 3 || items.some((a) => a.type === "keyword_argument" || a.type === "list_splat" || a.type === "dictionary_splat")) return undefined;
    const values = items.map((a) => this.int(a));
    if (values.some((v) => v === undefined)) return undefined;
    const [a, b, c] = values as number[];
    if (items.length === 1) return Math.max(0, a ?? 0);
    return rangeCount(a ?? 0, b ?? 0, items.length === 3 ? (c ?? 0) : 1);
  }

  private eval(node: SyntaxNode, depth: number, visiting: Set<string>): ConstValue | undefined {
    if (depth > MAX_DEPTH) return undefined;
    switch (node.type) {
      case "integer":
        return parseInteger(node.text);
      case "float":
        return parseFloatLiteral(node.text);
      case "parenthesized_expression": {
        const inner = node.namedChildren.filter((c) => c.type !== "comment");
        return inner.length === 1 && inner[0] ? this.eval(inner[0], depth + 1, visiting) : undefined;
      }
      case "tuple":
      case "list": {
        const items = node.namedChildren.filter((c) => c.type !== "comment");
        if (items.length > MAX_SHAPE_ITEMS) return undefined;
        const values: ConstValue[] = [];
        for (const item of items) {
          const v = this.eval(item, depth + 1, visiting);
          if (!v || v.kind === "tuple") return undefined;
          values.push(v);
        }
        return { kind: "tuple", items: values };
      }
      case "unary_operator": {
        const arg = node.childForFieldName("argument");
        const op = node.childForFieldName("operator")?.type;
        const v = arg ? this.eval(arg, depth + 1, visiting) : undefined;
        if (!v || v.kind === "tuple") return undefined;
        if (op === "-") return { kind: v.kind, value: -v.value };
        if (op === "+") return v;
        return undefined;
      }
      case "binary_operator":
        return this.binary(node, depth, visiting);
      case "call":
        return this.call(node, depth, visiting);
      case "identifier":
        return this.name(node, depth, visiting);
      default:
        return undefined;
    }
  }

  private binary(node: SyntaxNode, depth: number, visiting: Set<string>): ConstValue | undefined {
    const l = node.childForFieldName("left");
    const r = node.childForFieldName("right");
    const op = node.childForFieldName("operator")?.type;
    if (!l || !r || !op) return undefined;
    const a = this.eval(l, depth + 1, visiting);
    if (!a || a.kind === "tuple") return undefined;
    const b = this.eval(r, depth + 1, visiting);
    if (!b || b.kind === "tuple") return undefined;
    const bothInt = a.kind === "int" && b.kind === "int";
    let value: number;
    let kind: "int" | "float" = bothInt ? "int" : "float";
    switch (op) {
      case "+":
        value = a.value + b.value;
        break;
      case "-":
        value = a.value - b.value;
        break;
      case "*":
        value = a.value * b.value;
        break;
      case "/":
        if (b.value === 0) return undefined;
        value = a.value / b.value;
        kind = "float";
        break;
      case "//":
        if (b.value === 0) return undefined;
        value = Math.floor(a.value / b.value);
        break;
      case "%":
        if (b.value === 0) return undefined;
        value = a.value - b.value * Math.floor(a.value / b.value);
        break;
      case "**":
        if (bothInt && b.value < 0) kind = "float";
        value = a.value ** b.value;
        break;
      case "<<":
      case ">>":
        if (!bothInt || b.value < 0 || b.value > 64) return undefined;
        value = op === "<<" ? a.value * 2 ** b.value : Math.floor(a.value / 2 ** b.value);
        break;
      default:
        return undefined;
    }
    if (!Number.isFinite(value)) return undefined;
    return { kind, value };
  }

  private call(node: SyntaxNode, depth: number, visiting: Set<string>): ConstValue | undefined {
    const callee = this.model.resolver.resolve(node.childForFieldName("function"));
    if (callee !== "builtins.int" && callee !== "builtins.float") return undefined;
    const args = node.childForFieldName("arguments");
    if (args?.type !== "argument_list") return undefined;
    const items = args.namedChildren.filter((c) => c.type !== "comment");
    if (items.length !== 1 || !items[0]) return undefined;
    const v = this.eval(items[0], depth + 1, visiting);
    if (!v || v.kind === "tuple") return undefined;
    return callee === "builtins.int" ? { kind: "int", value: Math.trunc(v.value) } : { kind: "float", value: v.value };
  }

  private name(node: SyntaxNode, depth: number, visiting: Set<string>): ConstValue | undefined {
    const name = node.text;
    // The innermost scope that binds the name decides; a name bound there more than once is unknown.
    let passedFunction = false;
    for (let scope = enclosingScope(node); scope; scope = enclosingScope(scope)) {
      if (scope.type === "class_definition" && passedFunction) continue; // class names are not visible in methods
      if (scope.type !== "class_definition") passedFunction = true;
      const s = this.scope(scope);
      if (s.bound.has(name)) return this.bindingValue(scope, s.constants.get(name), name, depth, visiting);
    }
    const m = this.module();
    if (!m.bound.has(name)) return undefined;
    return this.bindingValue(undefined, m.constants.get(name), name, depth, visiting);
  }

  private bindingValue(scope: SyntaxNode | undefined, value: SyntaxNode | undefined, name: string, depth: number, visiting: Set<string>): ConstValue | undefined {
    if (!value) return undefined;
    const key = `${scope?.startIndex ?? -1}:${name}`;
    if (visiting.has(key)) return undefined;
    visiting.add(key);
    try {
      return this.eval(value, depth + 1, visiting);
    } finally {
      visiting.delete(key);
    }
  }
}

/**
 * The scope a node's names are looked up in first: the nearest function or lambda whose body holds it,
 * or class whose body holds it. A parameter default or a decorator belongs to the enclosing scope.
 */
function enclosingScope(node: SyntaxNode): SyntaxNode | undefined {
  let child = node;
  for (let cur = node.parent; cur; child = cur, cur = cur.parent) {
    if (!SCOPE_TYPES.has(cur.type)) continue;
    const body = cur.childForFieldName("body");
    if (body && body.startIndex === child.startIndex && body.endIndex === child.endIndex) return cur;
  }
  return undefined;
}

/**
 * Module-level bindings. A constant is a name bound once at module level, by an assignment statement
 * directly in the module; a name also bound in an `if`/`try` block, by an import, a definition, or through
 * `global` in a function is ambiguous.
 */
function moduleBindings(root: SyntaxNode): ScopeBindings {
  const counts = new Map<string, number>();
  const bump = (name: string, n = 1) => counts.set(name, (counts.get(name) ?? 0) + n);
  for (const { name, node } of bindingQuery.captures(root)) {
    if (name === "global") {
      bump(node.text, 2);
      continue;
    }
    if (insideDefinition(node)) continue;
    if (name === "import") for (const n of importedNames(node)) bump(n, 2);
    else for (const id of identifiersIn(node)) bump(id, node.type === "identifier" && node.parent?.type === "assignment" ? 1 : 2);
  }
  const constants = new Map<string, SyntaxNode>();
  // `from x import *` after an assignment may rebind the name.
  const lastStarImport = Math.max(-1, ...root.namedChildren.filter((c) => c.type === "import_from_statement" && c.namedChildren.some((n) => n.type === "wildcard_import")).map((c) => c.startIndex));
  for (const stmt of root.namedChildren) {
    if (stmt.type !== "expression_statement" || stmt.startIndex < lastStarImport) continue;
    const assign = stmt.namedChild(0);
    if (assign?.type !== "assignment") continue;
    let value: SyntaxNode | null = assign;
    while (value?.type === "assignment") value = value.childForFieldName("right");
    if (!value) continue;
    for (let cur: SyntaxNode | null = assign; cur?.type === "assignment"; cur = cur.childForFieldName("right")) {
      const left = cur.childForFieldName("left");
      if (left?.type === "identifier" && counts.get(left.text) === 1) constants.set(left.text, value);
    }
  }
  return { constants, bound: new Set(counts.keys()) };
}

/** Inside a function, lambda or class (the name a definition binds is outside it). */
function insideDefinition(node: SyntaxNode): boolean {
  let child = node;
  for (let cur = node.parent; cur; child = cur, cur = cur.parent) {
    if (cur.type === "function_definition" || cur.type === "class_definition" || cur.type === "lambda") {
      const nameNode = cur.childForFieldName("name");
      if (nameNode && nameNode.startIndex === child.startIndex) continue;
      return true;
    }
  }
  return false;
}

function shapeOf(v: ConstValue | undefined): number | undefined {
  if (!v) return undefined;
  if (v.kind === "int") return v.value >= 0 ? v.value : undefined;
  if (v.kind === "float") return undefined;
  let product = 1;
  for (const item of v.items) {
    if (item.kind !== "int" || item.value < 0) return undefined;
    product *= item.value;
  }
  return product;
}

/** `len(range(start, stop, step))`. */
export function rangeCount(start: number, stop: number, step: number): number | undefined {
  if (step === 0) return undefined;
  const n = step > 0 ? Math.ceil((stop - start) / step) : Math.ceil((start - stop) / -step);
  return Math.max(0, n);
}

function parseInteger(text: string): ConstValue | undefined {
  const t = text.replace(/_/g, "").toLowerCase();
  if (/[jl]$/.test(t)) return undefined;
  let value: number;
  if (/^0x[0-9a-f]+$/.test(t)) value = parseInt(t.slice(2), 16);
  else if (/^0o[0-7]+$/.test(t)) value = parseInt(t.slice(2), 8);
  else if (/^0b[01]+$/.test(t)) value = parseInt(t.slice(2), 2);
  else if (/^\d+$/.test(t)) value = Number(t);
  else return undefined;
  return Number.isFinite(value) ? { kind: "int", value } : undefined;
}

function parseFloatLiteral(text: string): ConstValue | undefined {
  const t = text.replace(/_/g, "");
  if (/[jJ]$/.test(t)) return undefined;
  const value = Number(t);
  return Number.isFinite(value) ? { kind: "float", value } : undefined;
}
