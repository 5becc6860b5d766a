import { constantsOf, type ConstantEvaluator } from "../engine/semantic/constants.js";
import type { FunctionInfo, ModuleModel } from "../engine/model.js";
import type { SyntaxNode } from "../engine/parser.js";
import type { Resolver } from "../engine/semantic/resolver.js";
import { callArguments, docstringStatement, listElements, stringValue, type CallArguments } from "../engine/syntax.js";
import { allocationSize } from "../rules/shared/arrays.js";
import { nameMatcher } from "../rules/shared/calls.js";
import { heavyConstructorCost } from "./heavy-costs.js";

/**
 * Size estimates of the data a piece of code builds, from constant expressions only (nothing is run):
 * CPython object sizes on a 64-bit build for lists, tuples, ints, floats, strings and bytes; numpy and
 * torch arrays by element count times the dtype's item size; a fixed documented cost per heavy
 * constructor (see heavy-costs.ts). A length that cannot be read makes the estimate unknown
 * (undefined); elements whose size cannot be read make it a lower bound.
 */

export interface SizeEstimate {
  bytes: number;
  /** Some parts could not be sized: the real size is larger. */
  lowerBound: boolean;
  /** How the figure was made, for the reader. */
  how: string;
}

/** CPython 3.11+ object sizes (64-bit), as `sys.getsizeof` reports them. */
export const PY_SIZES = {
  int: 28,
  float: 24,
  complex: 32,
  pointer: 8,
  listHeader: 56,
  tupleHeader: 40,
  strAsciiHeader: 49,
  bytesHeader: 33,
  /** A dict of up to 5 keys; each key past that adds about `dictPerKey`. */
  smallDict: 184,
  dictPerKey: 42,
  /** A set of up to 4 items; each item past that adds about `setPerItem`. */
  smallSet: 216,
  setPerItem: 40,
  range: 48,
  numpyHeader: 112,
  torchHeader: 72,
} as const;

/** Item sizes of numpy and torch dtypes, by their last name or string form. */
const DTYPE_BYTES: Record<string, number> = {
  bool: 1, bool_: 1, bool8: 1, int8: 1, uint8: 1, byte: 1, ubyte: 1, i1: 1, u1: 1, b1: 1, "?": 1, quint8: 1, qint8: 1,
  int16: 2, uint16: 2, short: 2, ushort: 2, float16: 2, half: 2, bfloat16: 2, i2: 2, u2: 2, f2: 2, e: 2,
  int32: 4, uint32: 4, intc: 4, uintc: 4, float32: 4, single: 4, i4: 4, u4: 4, f4: 4, f: 4, qint32: 4,
  int64: 8, uint64: 8, int_: 8, intp: 8, uintp: 8, long: 8, longlong: 8, float64: 8, double: 8, float_: 8, complex64: 8,
  i8: 8, u8: 8, f8: 8, d: 8, c8: 8,
  complex128: 16, cdouble: 16, complex_: 16, c16: 16, longdouble: 16, float128: 16,
};

interface ArrayKind {
  library: "numpy" | "torch";
  /** Where the dtype may be given besides `dtype=`: a positional index. */
  dtypeAt?: number;
  /** The dtype when none is given: a name, or "fill"/"arange" to infer it from the values. */
  defaultDtype: string;
}

function arg(args: CallArguments, position: number, keyword: string): SyntaxNode | undefined {
  return args.keywords.get(keyword) ?? args.positional[position];
}

const ARRAYS: Record<string, ArrayKind> = {
  "numpy.zeros": { library: "numpy", dtypeAt: 1, defaultDtype: "float64" },
  "numpy.ones": { library: "numpy", dtypeAt: 1, defaultDtype: "float64" },
  "numpy.empty": { library: "numpy", dtypeAt: 1, defaultDtype: "float64" },
  "numpy.full": { library: "numpy", dtypeAt: 2, defaultDtype: "fill" },
  "numpy.arange": { library: "numpy", defaultDtype: "arange" },
  "numpy.linspace": { library: "numpy", defaultDtype: "float64" },
  "numpy.eye": { library: "numpy", defaultDtype: "float64" },
  "numpy.identity": { library: "numpy", defaultDtype: "float64" },
  "numpy.random.rand": { library: "numpy", defaultDtype: "float64" },
  "numpy.random.randn": { library: "numpy", defaultDtype: "float64" },
  "numpy.random.random": { library: "numpy", defaultDtype: "float64" },
  "numpy.random.random_sample": { library: "numpy", defaultDtype: "float64" },
  "numpy.random.standard_normal": { library: "numpy", defaultDtype: "float64" },
  "numpy.random.normal": { library: "numpy", defaultDtype: "float64" },
  "numpy.random.uniform": { library: "numpy", defaultDtype: "float64" },
  "numpy.random.randint": { library: "numpy", defaultDtype: "int64" },
  "torch.zeros": { library: "torch", defaultDtype: "float32" },
  "torch.ones": { library: "torch", defaultDtype: "float32" },
  "torch.empty": { library: "torch", defaultDtype: "float32" },
  "torch.rand": { library: "torch", defaultDtype: "float32" },
  "torch.randn": { library: "torch", defaultDtype: "float32" },
  "torch.full": { library: "torch", defaultDtype: "fill" },
  "torch.arange": { library: "torch", defaultDtype: "arange" },
  "torch.randint": { library: "torch", defaultDtype: "int64" },
  "torch.eye": { library: "torch", defaultDtype: "float32" },
};

const MATERIALISERS = new Set(["builtins.list", "builtins.tuple", "builtins.set", "builtins.frozenset", "numpy.array", "numpy.asarray"]);

/** What the estimator needs of a file: its constants and name resolution, and the heavy constructors configured. */
export interface EstimateEnv {
  consts: ConstantEvaluator;
  resolve: (node: SyntaxNode | null | undefined) => string | undefined;
  resolver: Resolver;
  heavyConstructors: readonly string[];
}

export function estimateEnv(model: ModuleModel, heavyConstructors: readonly string[]): EstimateEnv {
  return { consts: constantsOf(model), resolve: (n) => model.resolver.resolve(n), resolver: model.resolver, heavyConstructors };
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

const count = (n: number) => n.toLocaleString("en-US");

/** The item size of a dtype expression (`np.float32`, `"f4"`, `torch.half`, `float`), or undefined. */
export function dtypeBytes(env: EstimateEnv, node: SyntaxNode | undefined): { name: string; bytes: number } | undefined {
  if (!node) return undefined;
  const literal = stringValue(node);
  let name: string | undefined;
  if (literal !== undefined) name = literal.replace(/^[<>=|]/, "");
  else {
    const qualified = env.resolve(node) ?? node.text;
    const last = qualified.slice(qualified.lastIndexOf(".") + 1);
    if (qualified === "builtins.float" || last === "float") name = env.resolve(node)?.startsWith("torch.") ? "float32" : "float64";
    else if (qualified === "builtins.int" || last === "int") name = env.resolve(node)?.startsWith("torch.") ? "int32" : "int64";
    else if (qualified === "builtins.bool") name = "bool";
    else if (qualified === "builtins.complex" || last === "complex") name = "complex128";
    else name = last;
  }
  const bytes = DTYPE_BYTES[name];
  return bytes === undefined ? undefined : { name, bytes };
}

function inferredDtype(env: EstimateEnv, kind: ArrayKind, args: CallArguments): { name: string; bytes: number } | undefined {
  const torch = kind.library === "torch";
  const floatName = torch ? "float32" : "float64";
  if (kind.defaultDtype === "fill") {
    const fill = arg(args, 1, "fill_value");
    if (!fill) return undefined;
    if (fill.type === "true" || fill.type === "false") return { name: "bool", bytes: 1 };
    const v = env.consts.evaluate(fill);
    if (v?.kind === "int") return { name: "int64", bytes: 8 };
    if (v?.kind === "float") return { name: floatName, bytes: torch ? 4 : 8 };
    return undefined;
  }
  if (kind.defaultDtype === "arange") {
    const values = [...args.positional, ...args.keywords.values()].map((n) => env.consts.evaluate(n));
    if (values.some((v) => v === undefined)) return undefined;
    return values.some((v) => v?.kind === "float") ? { name: floatName, bytes: torch ? 4 : 8 } : { name: "int64", bytes: 8 };
  }
  const bytes = DTYPE_BYTES[kind.defaultDtype];
  return bytes === undefined ? undefined : { name: kind.defaultDtype, bytes };
}

/** A numpy/torch allocation: element count times the item size of its dtype, plus the array header. */
function arrayEstimate(env: EstimateEnv, qualified: string, call: SyntaxNode): SizeEstimate | undefined | null {
  const kind = ARRAYS[qualified];
  if (!kind) return null;
  const args = callArguments(call);
  const n = allocationSize(qualified, args, env.consts);
  if (n === undefined || n < 0) return undefined;
  const dtypeNode = args.keywords.get("dtype") ?? (kind.dtypeAt !== undefined ? args.positional[kind.dtypeAt] : undefined);
  const dtype = dtypeNode ? dtypeBytes(env, dtypeNode) : inferredDtype(env, kind, args);
  if (!dtype) return undefined;
  const header = kind.library === "numpy" ? PY_SIZES.numpyHeader : PY_SIZES.torchHeader;
  const short = qualified.replace(/^numpy\./, "np.");
  return { bytes: header + n * dtype.bytes, lowerBound: false, how: `${short}: ${count(n)} × ${dtype.name} (${dtype.bytes} B)` };
}

function utf8Length(text: string): { chars: number; perChar: number; header: number } {
  let max = 0;
  for (const ch of text) max = Math.max(max, ch.codePointAt(0) ?? 0);
  const chars = [...text].length;
  if (max < 128) return { chars, perChar: 1, header: PY_SIZES.strAsciiHeader };
  if (max < 256) return { chars, perChar: 1, header: 73 };
  if (max < 65536) return { chars, perChar: 2, header: 74 };
  return { chars, perChar: 4, header: 76 };
}

/** A `str` or `bytes` literal: its header plus its characters (an f-string: its literal parts, a lower bound). */
function stringEstimate(node: SyntaxNode): SizeEstimate | undefined {
  if (node.type === "concatenated_string") {
    let bytes = 0;
    let lowerBound = false;
    for (const part of node.namedChildren) {
      const e = part.type === "string" ? stringEstimate(part) : undefined;
      if (!e) return undefined;
      bytes += e.bytes;
      lowerBound ||= e.lowerBound;
    }
    return { bytes, lowerBound, how: "string literal" };
  }
  const start = node.namedChildren.find((c) => c.type === "string_start")?.text ?? node.text.slice(0, 1);
  const prefix = start.replace(/['"]/g, "").toLowerCase();
  let content = "";
  let interpolated = false;
  for (const child of node.namedChildren) {
    if (child.type === "string_content") content += child.text;
    else if (child.type === "escape_sequence") content += "x";
    else if (child.type === "interpolation") interpolated = true;
  }
  if (prefix.includes("b")) return { bytes: PY_SIZES.bytesHeader + Buffer.byteLength(content, "latin1"), lowerBound: false, how: "bytes literal" };
  const s = utf8Length(content);
  return { bytes: s.header + s.chars * s.perChar, lowerBound: interpolated, how: interpolated ? "f-string (literal parts)" : "string literal" };
}

/**
 * The size an element adds to a container (or a comprehension's body, per iteration). Literal constants
 * and names are shared objects: only the container's pointer counts. Loop variables over `range` and
 * arithmetic on them are new ints; anything else is sized as an expression.
 */
function elementEstimate(env: EstimateEnv, body: SyntaxNode, loopInts: ReadonlySet<string>): SizeEstimate | undefined {
  const node = unwrap(body);
  if (node.type === "identifier") return loopInts.has(node.text) ? { bytes: PY_SIZES.int, lowerBound: false, how: "int" } : { bytes: 0, lowerBound: false, how: "shared object" };
  if (node.type === "string" && !node.namedChildren.some((c) => c.type === "interpolation")) return { bytes: 0, lowerBound: false, how: "shared str" };
  if (node.type === "none" || node.type === "true" || node.type === "false" || node.type === "integer" || node.type === "float") return { bytes: 0, lowerBound: false, how: "shared constant" };
  if (node.type === "binary_operator" || node.type === "unary_operator") {
    const names = node.descendantsOfType("identifier").map((n) => n.text);
    const v = env.consts.evaluate(node);
    if (v && names.length === 0) return { bytes: 0, lowerBound: false, how: "shared constant" };
    // Arithmetic on loop ints and constants makes a new number each time.
    if (names.length > 0 && names.some((id) => loopInts.has(id)) && !node.descendantsOfType("call").length) {
      const isFloat = node.descendantsOfType("float").length > 0 || node.descendantsOfType("/").length > 0;
      return isFloat ? { bytes: PY_SIZES.float, lowerBound: false, how: "float" } : { bytes: PY_SIZES.int, lowerBound: false, how: "int" };
    }
  }
  return estimateInner(env, node, loopInts);
}

function unwrap(node: SyntaxNode): SyntaxNode {
  let cur = node;
  while (cur.type === "parenthesized_expression" && cur.namedChildCount === 1) cur = cur.namedChild(0) ?? cur;
  return cur;
}

/** Elements of a list/tuple/set literal: pointers plus each element's own size (unknown ones make a lower bound). */
function elementsSum(env: EstimateEnv, items: SyntaxNode[], loopInts: ReadonlySet<string>): { bytes: number; lowerBound: boolean } {
  let bytes = 0;
  let lowerBound = false;
  for (const item of items) {
    const e = elementEstimate(env, item, loopInts);
    if (e) {
      bytes += e.bytes;
      lowerBound ||= e.lowerBound;
    } else if (item.type !== "identifier") lowerBound = true; // a name refers to an object built elsewhere
  }
  return { bytes, lowerBound };
}

function containerHeader(type: string, n: number): number {
  if (type === "list" || type === "list_comprehension") return PY_SIZES.listHeader + PY_SIZES.pointer * n;
  if (type === "tuple") return PY_SIZES.tupleHeader + PY_SIZES.pointer * n;
  if (type === "dictionary" || type === "dictionary_comprehension") return PY_SIZES.smallDict + Math.max(0, n - 5) * PY_SIZES.dictPerKey;
  return PY_SIZES.smallSet + Math.max(0, n - 4) * PY_SIZES.setPerItem;
}

/** Length and loop variables of a comprehension whose every `for` iterates a constant `range` (no `if`). */
function comprehensionLoops(env: EstimateEnv, node: SyntaxNode): { n: number; ints: Set<string> } | undefined {
  let n = 1;
  let clauses = 0;
  const ints = new Set<string>();
  for (const child of node.namedChildren) {
    if (child.type === "if_clause") return undefined;
    if (child.type !== "for_in_clause") continue;
    clauses++;
    const len = env.consts.rangeLength(child.childForFieldName("right"));
    if (len === undefined) return undefined;
    n *= len;
    const left = child.childForFieldName("left");
    if (left?.type === "identifier") ints.add(left.text);
  }
  return clauses > 0 ? { n, ints } : undefined;
}

function estimateInner(env: EstimateEnv, raw: SyntaxNode, loopInts: ReadonlySet<string>): SizeEstimate | undefined {
  const node = unwrap(raw);
  switch (node.type) {
    case "string":
    case "concatenated_string":
      return stringEstimate(node);
    case "integer":
      return { bytes: PY_SIZES.int, lowerBound: false, how: "int" };
    case "float":
      return { bytes: PY_SIZES.float, lowerBound: false, how: "float" };
    case "list":
    case "tuple":
    case "set": {
      const items = node.namedChildren.filter((c) => c.type !== "comment");
      if (items.some((c) => c.type === "list_splat" || c.type === "parenthesized_list_splat")) return undefined;
      const inner = elementsSum(env, items, loopInts);
      return { bytes: containerHeader(node.type, items.length) + inner.bytes, lowerBound: inner.lowerBound, how: `${node.type} of ${count(items.length)}` };
    }
    case "dictionary": {
      const pairs = node.namedChildren.filter((c) => c.type === "pair");
      if (node.namedChildren.some((c) => c.type === "dictionary_splat")) return undefined;
      const keys = elementsSum(env, pairs.map((p) => p.childForFieldName("key")).filter((k): k is SyntaxNode => k !== null), loopInts);
      const values = elementsSum(env, pairs.map((p) => p.childForFieldName("value")).filter((k): k is SyntaxNode => k !== null), loopInts);
      return { bytes: containerHeader("dictionary", pairs.length) + keys.bytes + values.bytes, lowerBound: keys.lowerBound || values.lowerBound, how: `dict of ${count(pairs.length)}` };
    }
    case "list_comprehension":
    case "set_comprehension":
    case "dictionary_comprehension": {
      const loops = comprehensionLoops(env, node);
      if (!loops) return undefined;
      const all = new Set([...loopInts, ...loops.ints]);
      const body = node.childForFieldName("body");
      let per: SizeEstimate | undefined;
      let lowerBound = false;
      if (node.type === "dictionary_comprehension" && body?.type === "pair") {
        const k = elementEstimate(env, body.childForFieldName("key") ?? body, all);
        const v = elementEstimate(env, body.childForFieldName("value") ?? body, all);
        per = { bytes: (k?.bytes ?? 0) + (v?.bytes ?? 0), lowerBound: !k || !v || k.lowerBound || v.lowerBound, how: "pair" };
      } else if (body) per = elementEstimate(env, body, all);
      if (!per) lowerBound = true;
      else lowerBound = per.lowerBound;
      const perBytes = per?.bytes ?? 0;
      return {
        bytes: containerHeader(node.type, loops.n) + loops.n * perBytes,
        lowerBound,
        how: `${node.type.replace("_comprehension", "")} of ${count(loops.n)} × ${per ? `${per.how} (${formatBytes(perBytes)} each)` : "elements of unknown size"}`,
      };
    }
    case "binary_operator": {
      if (node.childForFieldName("operator")?.type !== "*") return undefined;
      const left = node.childForFieldName("left");
      const right = node.childForFieldName("right");
      if (!left || !right) return undefined;
      const [seq, times] = isSequence(left) ? [unwrap(left), right] : isSequence(right) ? [unwrap(right), left] : [undefined, undefined];
      if (!seq || !times) return undefined;
      const n = env.consts.int(times);
      if (n === undefined || n < 0) return undefined;
      if (seq.type === "string" || seq.type === "concatenated_string") {
        const one = stringEstimate(seq);
        if (!one) return undefined;
        const header = seq.text.match(/^[a-zA-Z]*/)?.[0].toLowerCase().includes("b") ? PY_SIZES.bytesHeader : PY_SIZES.strAsciiHeader;
        return { bytes: header + (one.bytes - header) * n, lowerBound: one.lowerBound, how: `${one.how} repeated ${count(n)} times` };
      }
      const items = seq.namedChildren.filter((c) => c.type !== "comment");
      if (items.some((c) => c.type === "list_splat" || c.type === "parenthesized_list_splat")) return undefined;
      // `[x] * n` repeats references: the items are built once.
      const inner = elementsSum(env, items, loopInts);
      return { bytes: containerHeader(seq.type, items.length * n) + inner.bytes, lowerBound: inner.lowerBound, how: `${seq.type} of ${count(items.length * n)} (${count(items.length)} item${items.length === 1 ? "" : "s"} repeated ${count(n)} times)` };
    }
    case "call":
      return callEstimate(env, node, loopInts);
    default:
      return undefined;
  }
}

function isSequence(node: SyntaxNode): boolean {
  const t = unwrap(node).type;
  return t === "list" || t === "tuple" || t === "string" || t === "concatenated_string";
}

function callEstimate(env: EstimateEnv, call: SyntaxNode, loopInts: ReadonlySet<string>): SizeEstimate | undefined {
  const callee = call.childForFieldName("function");
  const qualified = env.resolve(callee);
  if (qualified === undefined) return undefined;
  const heavy = callee ? nameMatcher(env.heavyConstructors).matchCall(env.resolver, { callee, qualified }) : undefined;
  if (heavy !== undefined) {
    const cost = heavyConstructorCost(heavy);
    return { bytes: cost.bytes, lowerBound: false, how: `${heavy}: fixed cost ${cost.listed ? "per heavy constructor" : "for a configured heavy constructor"}` };
  }
  const array = arrayEstimate(env, qualified, call);
  if (array !== null) return array;
  if (qualified === "builtins.range") {
    return env.consts.rangeLength(call) === undefined ? undefined : { bytes: PY_SIZES.range, lowerBound: false, how: "range (lazy)" };
  }
  if (qualified === "builtins.bytes" || qualified === "builtins.bytearray") {
    const args = callArguments(call);
    const n = args.positional.length === 1 ? env.consts.int(args.positional[0]) : undefined;
    return n === undefined ? undefined : { bytes: PY_SIZES.bytesHeader + n, lowerBound: false, how: `${qualified.slice(9)} of ${count(n)}` };
  }
  if (!MATERIALISERS.has(qualified)) return undefined;
  const args = callArguments(call);
  const argsNode = call.childForFieldName("arguments");
  const source = argsNode?.type === "generator_expression" ? argsNode : args.positional[0] ? unwrap(args.positional[0]) : undefined;
  if (!source) return undefined;
  let n: number | undefined;
  let per: SizeEstimate | undefined;
  if (source.type === "generator_expression") {
    const loops = comprehensionLoops(env, source);
    if (!loops) return undefined;
    n = loops.n;
    const body = source.childForFieldName("body");
    per = body ? elementEstimate(env, body, new Set([...loopInts, ...loops.ints])) : undefined;
  } else if (source.type === "call") {
    n = env.consts.rangeLength(source);
    per = { bytes: PY_SIZES.int, lowerBound: false, how: "int" };
  } else if (source.type === "list" || source.type === "tuple" || source.type === "list_comprehension") {
    return estimateInner(env, source, loopInts);
  }
  if (n === undefined) return undefined;
  const name = qualified.replace(/^builtins\./, "").replace(/^numpy\./, "np.");
  if (qualified.startsWith("numpy.")) {
    const dtype = dtypeBytes(env, args.keywords.get("dtype")) ?? { name: "int64", bytes: 8 };
    return { bytes: PY_SIZES.numpyHeader + n * dtype.bytes, lowerBound: false, how: `${name}: ${count(n)} × ${dtype.name} (${dtype.bytes} B)` };
  }
  const header = name === "tuple" ? PY_SIZES.tupleHeader + PY_SIZES.pointer * n : name === "list" ? PY_SIZES.listHeader + PY_SIZES.pointer * n : containerHeader("set", n);
  return {
    bytes: header + n * (per?.bytes ?? 0),
    lowerBound: !per || per.lowerBound,
    how: `${name} of ${count(n)} × ${per ? `${per.how} (${formatBytes(per.bytes)} each)` : "elements of unknown size"}`,
  };
}

/** The estimated size of the object an expression builds, or undefined when it cannot be told. */
export function estimateExpression(env: EstimateEnv, node: SyntaxNode): SizeEstimate | undefined {
  return estimateInner(env, node, new Set());
}

/** One thing a fixture builds, with its estimate. */
export interface BuiltPart extends SizeEstimate {
  line: number;
}

export interface BodyEstimate {
  /** Sum of the parts that could be sized; undefined when nothing could. */
  bytes: number | undefined;
  lowerBound: boolean;
  /** The largest parts, biggest first. */
  parts: BuiltPart[];
}

const STOP_TYPES = new Set(["function_definition", "lambda", "class_definition", "decorator"]);
const DATA_TYPES = new Set(["list", "tuple", "set", "dictionary", "list_comprehension", "set_comprehension", "dictionary_comprehension", "binary_operator", "call", "string", "concatenated_string"]);
/** Parts below this are left out of the list (they still count in the sum). */
const SMALL_PART = 1024;

/**
 * What a function body builds when it runs once: the outermost expressions that can be sized, directly in
 * the body (not in nested functions or lambdas, which run only when called; not the docstring).
 */
export function estimateBody(env: EstimateEnv, fn: FunctionInfo): BodyEstimate {
  const docstring = docstringStatement(fn.body);
  const parts: BuiltPart[] = [];
  let total = 0;
  let lowerBound = false;
  let any = false;
  const stack: SyntaxNode[] = [...fn.body.namedChildren].reverse();
  while (stack.length > 0) {
    const node = stack.pop() as SyntaxNode;
    if (STOP_TYPES.has(node.type) || (docstring && node.startIndex === docstring.startIndex)) continue;
    if (DATA_TYPES.has(node.type) && !isAssignmentTarget(node)) {
      const e = estimateExpression(env, node);
      if (e) {
        any = true;
        total += e.bytes;
        lowerBound ||= e.lowerBound;
        if (e.bytes >= SMALL_PART) parts.push({ ...e, line: node.startPosition.row + 1 });
        continue;
      }
      if (node.type === "list_comprehension" || node.type === "set_comprehension" || node.type === "dictionary_comprehension") lowerBound = true;
    }
    for (let i = node.namedChildCount - 1; i >= 0; i--) {
      const child = node.namedChild(i);
      if (child) stack.push(child);
    }
  }
  parts.sort((a, b) => b.bytes - a.bytes || a.line - b.line);
  return { bytes: any ? total : undefined, lowerBound, parts: parts.slice(0, 5) };
}

function isAssignmentTarget(node: SyntaxNode): boolean {
  const parent = node.parent;
  return (parent?.type === "assignment" || parent?.type === "for_statement" || parent?.type === "for_in_clause") && parent.childForFieldName("left")?.startIndex === node.startIndex;
}

/** The number of `params=` of a fixture decorator when it is a literal list/tuple or a constant `range`; else undefined. */
export function paramsCount(env: EstimateEnv, decorator: SyntaxNode): number | undefined {
  const call = decorator.type === "decorator" ? decorator.namedChild(0) : decorator;
  if (call?.type !== "call") return undefined;
  const params = callArguments(call).keywords.get("params");
  if (!params) return undefined;
  const node = unwrap(params);
  if (node.type === "list" || node.type === "tuple") {
    const items = listElements(node);
    return items.some((c) => c.type === "list_splat" || c.type === "parenthesized_list_splat") ? undefined : items.length;
  }
  if (node.type === "call") {
    const n = env.consts.rangeLength(node);
    if (n !== undefined) return n;
    const inner = callArguments(node).positional[0];
    if (env.resolve(node.childForFieldName("function")) === "builtins.list" && inner) return env.consts.rangeLength(unwrap(inner));
  }
  return undefined;
}
