import { attached } from "../attached.js";
import type { SyntaxNode } from "../parser.js";
import type { ModuleModel } from "../model.js";
import { semanticOf } from "./bindings.js";

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

const EVALUATOR = Symbol("constants");

/** The evaluator of one file, cached on its model (see `attached`). */
export function constantsOf(model: ModuleModel): ConstantEvaluator {
  return attached(model, EVALUATOR, () => new ConstantEvaluator(model));
}

export class ConstantEvaluator {
  constructor(readonly model: ModuleModel) {}

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

  /**
   * A name's value: the innermost scope that binds it decides. A constant is a name bound once there,
   * by a plain assignment (at module level, a statement directly in the module, after any star import);
   * a name bound in any other way, or more than once (in a function or class: anywhere in it, nested
   * functions included), is unknown.
   */
  private name(node: SyntaxNode, depth: number, visiting: Set<string>): ConstValue | undefined {
    const name = node.text;
    const semantic = semanticOf(this.model);
    for (const scope of semantic.scopeChain(node)) {
      const bindings = scope.kind === "module" ? scope.bindingsOf(name) : semantic.bindingsWithin(scope, name);
      if (bindings.length === 0) continue;
      const only = bindings.length === 1 ? bindings[0] : undefined;
      let value = only?.kind === "assignment" || only?.kind === "importorskip" ? only.value : undefined;
      if (value && only && scope.kind === "module" && (!only.direct || scope.starImports.some((s) => s.direct && s.node.startIndex > only.node.startIndex))) value = undefined;
      return this.bindingValue(scope.node?.startIndex ?? -1, value, name, depth, visiting);
    }
    return undefined;
  }

  private bindingValue(scopeStart: number, value: SyntaxNode | undefined, name: string, depth: number, visiting: Set<string>): ConstValue | undefined {
    if (!value) return undefined;
    const key = `${scopeStart}:${name}`;
    if (visiting.has(key)) return undefined;
    visiting.add(key);
    try {
      return this.eval(value, depth + 1, visiting);
    } finally {
      visiting.delete(key);
    }
  }
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
