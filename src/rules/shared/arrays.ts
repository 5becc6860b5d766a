import { constantsOf, rangeCount, type ConstantEvaluator } from "../../engine/semantic/constants.js";
import { compileQuery, type SyntaxNode } from "../../engine/parser.js";
import type { FileContext } from "../../engine/rule.js";
import { callArguments, callNamedAt, type CallArguments } from "../../engine/syntax.js";
import { attached } from "../../engine/attached.js";
import { enclosingFunctions } from "./test-data.js";
import { declareOption, optionSchemas } from "../../engine/options.js";

export const maxArrayElements = declareOption({
  key: "max-array-elements",
  property: "maxArrayElements",
  schema: optionSchemas.nonNegativeInt,
  default: 1_000_000,
  type: "integer",
  description:
    "The most elements a numpy/torch allocation may have before it is large (in a test not marked with `memory-marker`, or in a function-scoped fixture).",
});

/** numpy/torch allocations and their element counts (MEM303's measure, shared with MEM301). */

type SizeOf = (args: CallArguments, consts: ConstantEvaluator) => number | undefined;

function arg(args: CallArguments, position: number, keyword: string): SyntaxNode | undefined {
  return args.keywords.get(keyword) ?? args.positional[position];
}

/** `np.zeros(shape)`, `np.full(shape, v)`: the shape is an int or a tuple/list of ints. */
const shapeAt = (position: number, keyword: string): SizeOf => (args, c) => c.shapeSize(arg(args, position, keyword));

/** `np.random.randn(d0, d1, ...)`: the dimensions are the positional arguments. */
const dimensions: SizeOf = (args, c) => {
  if (args.positional.length === 0 || args.keywords.size > 0) return undefined;
  let product = 1;
  for (const a of args.positional) {
    const n = c.int(a);
    if (n === undefined || n < 0) return undefined;
    product *= n;
  }
  return product;
};

/** `torch.zeros(2, 3)`, `torch.zeros((2, 3))`, `torch.zeros(size=(2, 3))`. */
const torchSize: SizeOf = (args, c) => {
  const size = args.keywords.get("size");
  if (size) return c.shapeSize(size);
  if (args.positional.length === 1) return c.shapeSize(args.positional[0]);
  if (args.positional.length === 0) return undefined;
  return dimensions({ ...args, keywords: new Map() }, c);
};

/** `np.arange(stop)`, `np.arange(start, stop[, step])`, with `start=`/`stop=` (`end=` in torch)/`step=`. */
const arangeCount =
  (stopKeyword: string): SizeOf =>
  (args, c) => {
    const p = args.positional.map((a) => c.number(a));
    if (p.some((v) => v === undefined)) return undefined;
    const kw = (name: string) => {
      const node = args.keywords.get(name);
      return node ? c.number(node) : null;
    };
    let start: number | undefined | null = kw("start");
    let stop: number | undefined | null = kw(stopKeyword);
    let step: number | undefined | null = kw("step");
    if (p.length === 1 && stop === null) [start, stop] = [start ?? 0, p[0]];
    else if (p.length >= 2) [start, stop, step] = [p[0], p[1], p.length >= 3 ? p[2] : step];
    start ??= 0;
    step ??= 1;
    if (start === undefined || stop === undefined || stop === null || step === undefined) return undefined;
    return rangeCount(start, stop, step);
  };

/** `np.eye(N, M=None)`, `torch.eye(n, m=None)`. */
const eye =
  (nKeyword: string, mKeyword: string): SizeOf =>
  (args, c) => {
    const n = c.int(arg(args, 0, nKeyword));
    if (n === undefined || n < 0) return undefined;
    const mNode = arg(args, 1, mKeyword);
    const m = mNode ? c.int(mNode) : n;
    return m === undefined || m < 0 ? undefined : n * m;
  };

const square: SizeOf = (args, c) => {
  const n = c.int(arg(args, 0, "n"));
  return n === undefined || n < 0 ? undefined : n * n;
};

const linspace: SizeOf = (args, c) => {
  const num = arg(args, 2, "num");
  return num ? c.int(num) : 50;
};

/** `torch.randint(high, size)` or `torch.randint(low, high, size)`: the size is a tuple. */
const torchRandint: SizeOf = (args, c) => {
  const size = args.keywords.get("size") ?? args.positional[args.positional.length - 1];
  if (!size || (size.type !== "tuple" && size.type !== "list")) return args.keywords.has("size") ? c.shapeSize(size) : undefined;
  return c.shapeSize(size);
};

const ALLOCATIONS: Record<string, SizeOf> = {
  "numpy.zeros": shapeAt(0, "shape"),
  "numpy.ones": shapeAt(0, "shape"),
  "numpy.empty": shapeAt(0, "shape"),
  "numpy.full": shapeAt(0, "shape"),
  "numpy.arange": arangeCount("stop"),
  "numpy.eye": eye("N", "M"),
  "numpy.identity": square,
  "numpy.linspace": linspace,
  "numpy.random.randn": dimensions,
  "numpy.random.rand": dimensions,
  "numpy.random.random": shapeAt(0, "size"),
  "numpy.random.random_sample": shapeAt(0, "size"),
  "numpy.random.ranf": shapeAt(0, "size"),
  "numpy.random.sample": shapeAt(0, "size"),
  "numpy.random.standard_normal": shapeAt(0, "size"),
  "numpy.random.normal": shapeAt(2, "size"),
  "numpy.random.uniform": shapeAt(2, "size"),
  "numpy.random.randint": shapeAt(2, "size"),
  "torch.zeros": torchSize,
  "torch.ones": torchSize,
  "torch.empty": torchSize,
  "torch.rand": torchSize,
  "torch.randn": torchSize,
  "torch.full": shapeAt(0, "size"),
  "torch.arange": arangeCount("end"),
  "torch.randint": torchRandint,
  "torch.eye": eye("n", "m"),
};

/**
 * The element count of a call of `qualified` (`numpy.zeros`, `torch.randn`) with these arguments: MEM303's
 * measure, shared with MEM301 and the suite report's estimator. Undefined when it is no known allocation or
 * its size cannot be read.
 */
export function allocationSize(qualified: string, args: CallArguments, consts: ConstantEvaluator): number | undefined {
  return ALLOCATIONS[qualified]?.(args, consts);
}

/** Methods of numpy's `Generator` (`np.random.default_rng(...)`) and where they take the size. */
const GENERATOR_METHODS: Record<string, SizeOf> = {
  standard_normal: shapeAt(0, "size"),
  random: shapeAt(0, "size"),
  normal: shapeAt(2, "size"),
  integers: shapeAt(2, "size"),
  uniform: shapeAt(2, "size"),
};
const GENERATOR_CONSTRUCTORS = new Set(["numpy.random.default_rng", "numpy.random.Generator"]);

const LAST_NAMES = [...new Set([...Object.keys(ALLOCATIONS).map((k) => k.slice(k.lastIndexOf(".") + 1)), ...Object.keys(GENERATOR_METHODS)])];
/** Calls of those names, found from the text (a query over every call of a big file costs half a parse). */
const ALLOCATION_TEXT = new RegExp(`\\b(?:${LAST_NAMES.join("|")})\\s*\\(`, "g");

/** `from numpy import ones as filled`: the text pattern also looks for the aliases of allocation functions. */
function withImportAliases(ctx: FileContext, text: string): RegExp {
  const aliases: string[] = [];
  for (const m of text.matchAll(/\bas\s+([A-Za-z_]\w*)/g)) {
    const name = m[1] ?? "";
    if (!LAST_NAMES.includes(name) && ALLOCATIONS[ctx.model.resolver.resolveName(name) ?? ""]) aliases.push(name);
  }
  if (aliases.length === 0) return ALLOCATION_TEXT;
  return new RegExp(`\\b(?:${[...LAST_NAMES, ...new Set(aliases)].join("|")})\\s*\\(`, "g");
}

const generatorAssignmentQuery = compileQuery("(assignment left: (identifier) @name right: (_) @value)");

/** An array allocation of the file with a known size. */
export interface ArrayAllocation {
  call: SyntaxNode;
  /** The callee as written (`np.zeros`, `rng.standard_normal`). */
  callee: string;
  size: number;
}

function unwrapParens(node: SyntaxNode | null | undefined): SyntaxNode | undefined {
  let cur = node ?? undefined;
  while (cur?.type === "parenthesized_expression" && cur.namedChildCount === 1) cur = cur.namedChild(0) ?? undefined;
  return cur;
}

function isGeneratorCall(ctx: FileContext, node: SyntaxNode | null | undefined): boolean {
  const n = unwrapParens(node);
  return n?.type === "call" && GENERATOR_CONSTRUCTORS.has(ctx.model.resolver.resolve(n.childForFieldName("function")) ?? "");
}

/**
 * The object is a numpy `Generator`: `np.random.default_rng(...)` itself, or a name that the enclosing
 * function (or, when the function never assigns it and has no such parameter, the module) only ever
 * assigns from one.
 */
function isGenerator(ctx: FileContext, object: SyntaxNode | null): boolean {
  if (!object) return false;
  if (isGeneratorCall(ctx, object)) return true;
  if (object.type !== "identifier") return false;
  const name = object.text;
  const fn = enclosingFunctions(ctx, object).functions[0];
  if (fn) {
    if (fn.params.includes(name)) return false;
    const values = generatorAssignmentQuery
      .matches(fn.body)
      .filter((m) => m.captures.find((c) => c.name === "name")?.node.text === name)
      .map((m) => m.captures.find((c) => c.name === "value")?.node);
    if (values.length > 0) return values.every((v) => isGeneratorCall(ctx, v));
  }
  return isGeneratorCall(ctx, ctx.model.moduleAssignments.get(name));
}

const ARRAYS = Symbol("arrayAllocations");

/**
 * Every numpy/torch allocation of the file with a size known from constants (MEM303's measure, shared
 * with MEM301), in source order; found from `<name>(` in the text, confirmed in the tree.
 */
export function arrayAllocations(ctx: FileContext): ArrayAllocation[] {
  return attached(ctx, ARRAYS, () => findArrayAllocations(ctx));
}

function findArrayAllocations(ctx: FileContext): ArrayAllocation[] {
  const text = ctx.file.text;
  if (!text.includes("numpy") && !text.includes("torch")) return [];
  const consts = constantsOf(ctx.model);
  const result: ArrayAllocation[] = [];
  const pattern = withImportAliases(ctx, text);
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const found = callNamedAt(ctx.root, m.index);
    if (!found) continue;
    const { call, callee } = found;
    let sizeOf = ALLOCATIONS[ctx.model.resolver.resolve(callee) ?? ""];
    if (!sizeOf && callee.type === "attribute") {
      const method = GENERATOR_METHODS[found.name.text];
      if (method && isGenerator(ctx, callee.childForFieldName("object"))) sizeOf = method;
    }
    if (!sizeOf) continue;
    const args = callArguments(call);
    if (args.hasSplat) continue;
    const size = sizeOf(args, consts);
    if (size !== undefined) result.push({ call, callee: callee.text, size });
  }
  return result;
}

