import { constantsOf, rangeCount, type ConstantEvaluator } from "../engine/constants.js";
import type { ClassInfo, FunctionInfo } from "../engine/model.js";
import type { SyntaxNode } from "../engine/parser.js";
import type { FileContext, Rule } from "../engine/rule.js";
import { callArguments, callNamedAt, listElements, type CallArguments } from "../engine/syntax.js";
import type { Fix } from "../engine/types.js";
import { addModuleImport, eolAt, indentOfLine } from "../fix/python-text.js";
import { enclosingFunctions } from "./shared/test-data.js";

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

const LAST_NAMES = [...new Set(Object.keys(ALLOCATIONS).map((k) => k.slice(k.lastIndexOf(".") + 1)))];
/** Calls of those names, found from the text (a query over every call of a big file costs half a parse). */
const ALLOCATION_TEXT = new RegExp(`\\b(?:${LAST_NAMES.join("|")})\\s*\\(`, "g");

/** The allocation calls of a file: `<name>(` in the text whose name is the callee of a call in the tree. */
function allocationCalls(root: SyntaxNode, text: string): { call: SyntaxNode; callee: SyntaxNode }[] {
  const result: { call: SyntaxNode; callee: SyntaxNode }[] = [];
  ALLOCATION_TEXT.lastIndex = 0;
  for (let m = ALLOCATION_TEXT.exec(text); m; m = ALLOCATION_TEXT.exec(text)) {
    const found = callNamedAt(root, m.index);
    if (found) result.push({ call: found.call, callee: found.callee });
  }
  return result;
}

const rule: Rule<"unmarked"> = {
  meta: {
    code: "MEM303",
    name: "large-array-unmarked",
    severity: "warning",
    fix: "unsafe",
    enabledByDefault: true,
    summary: "A test allocates a numpy/torch array over `max-array-elements` elements without the memory marker.",
    messages: { unmarked: "`{call}` allocates {size} elements in test `{name}`, which is not marked `{marker}`" },
    docs: {
      whatItDoes:
        "Checks for numpy and torch allocations with more than `max-array-elements` elements in a test that is not marked with `memory-marker` (on the test, an enclosing or same-file base class, or the module's `pytestmark`). The allocations it reads are `np.zeros`, `np.ones`, `np.empty`, `np.full`, `np.arange`, `np.eye`, `np.identity`, `np.linspace`, `np.random.randn`, `np.random.rand`, `np.random.random` (and `random_sample`, `ranf`, `sample`, `standard_normal`), `np.random.normal`, `np.random.uniform`, `np.random.randint`, and `torch.zeros`, `torch.ones`, `torch.empty`, `torch.rand`, `torch.randn`, `torch.full`, `torch.arange`, `torch.randint`, `torch.eye`, through any import form (`import numpy as np`, `from numpy import zeros`). Sizes are read from constant expressions (`(1000, 1000)`, `10**6`, `N = 4096` at module level); an unknown size is never flagged. Only tests are checked: marks cannot be put on fixtures.",
      whyIsThisBad:
        "A `(10000, 10000)` float64 array is 800 MB. Run next to other tests on every xdist worker, a few of them exhaust the machine. A mark lets the suite keep such tests apart: `-m \"not memory_intensive\"` under xdist, and the marked ones serially.",
      example: "def test_large_matmul():\n    a = np.random.rand(4096, 4096)\n    assert (a @ a).shape == (4096, 4096)\n",
      useInstead:
        "@pytest.mark.memory_intensive\ndef test_large_matmul():\n    a = np.random.rand(4096, 4096)\n    assert (a @ a).shape == (4096, 4096)\n",
      fixSafety:
        "Unsafe: a new mark changes which tests `-m` selects, and fails under `--strict-markers` until the marker is registered (see MEM503). The fix adds `@pytest.mark.<memory-marker>` directly above the test's `def` (after its other decorators), and `import pytest` when the file lacks it. Marks are only ever added to tests, never to fixtures (an error in pytest 9).",
    },
    options: ["max-array-elements", "memory-marker"],
  },
  checkFile(ctx: FileContext) {
    if (!ctx.collection.isTestModule) return;
    const text = ctx.file.text;
    if (!text.includes("numpy") && !text.includes("torch")) return;
    const consts = constantsOf(ctx.model);
    const limit = ctx.options.maxArrayElements;
    const marker = ctx.options.memoryMarker;
    for (const { call, callee } of allocationCalls(ctx.root, text)) {
      const sizeOf = ALLOCATIONS[ctx.model.resolver.resolve(callee) ?? ""];
      if (!sizeOf) continue;
      const args = callArguments(call);
      if (args.hasSplat) continue;
      const size = sizeOf(args, consts);
      if (size === undefined || size <= limit) continue;
      const test = enclosingFunctions(ctx, call).functions.find((fn) => ctx.collection.isTestFunction(fn));
      if (!test || isMarked(ctx, test, marker)) continue;
      ctx.report(rule, call, {
        messageId: "unmarked",
        data: { call: callee.text, size, name: test.name, marker },
        fix: markFix(ctx, test, marker),
      });
    }
  },
};

function isMark(ctx: FileContext, expr: SyntaxNode, marker: string): boolean {
  const target = expr.type === "call" ? expr.childForFieldName("function") : expr;
  return ctx.model.resolver.resolve(target) === `pytest.mark.${marker}`;
}

function classMarked(ctx: FileContext, cls: ClassInfo, marker: string): boolean {
  for (const k of ctx.collection.lineage(cls)) {
    if (k.decorators.some((d) => isMark(ctx, d, marker))) return true;
    const mark = k.attributes.get("pytestmark");
    if (mark && listElements(mark).some((e) => isMark(ctx, e, marker))) return true;
  }
  return false;
}

/** The memory marker applies: on the test, an enclosing class or a same-file base, or the module. */
export function isMarked(ctx: FileContext, test: FunctionInfo, marker: string): boolean {
  if (test.decorators.some((d) => isMark(ctx, d, marker))) return true;
  for (let c = test.cls; c; c = c.parentClass) if (classMarked(ctx, c, marker)) return true;
  const modulemark = ctx.model.moduleAssignments.get("pytestmark");
  return modulemark !== undefined && listElements(modulemark).some((e) => isMark(ctx, e, marker));
}

function markFix(ctx: FileContext, test: FunctionInfo, marker: string): Fix | null {
  const resolver = ctx.model.resolver;
  const pytestBinding = resolver.resolveName("pytest");
  // `pytest` bound to something else (an alias, an assignment): the mark could not be written as `pytest.mark`.
  if ((pytestBinding !== undefined || resolver.bindsAtModuleLevel("pytest")) && pytestBinding !== "pytest") return null;
  const defStart = test.node.startIndex;
  const lineStart = ctx.file.lines.lineStart(ctx.file.lines.lineOf(defStart));
  const indent = indentOfLine(ctx.file, defStart);
  // `def` must start its line (after indentation) for a decorator to go above it.
  if (ctx.file.text.slice(lineStart, defStart) !== indent) return null;
  const eol = eolAt(ctx.file, defStart);
  const edits = [{ start: lineStart, end: lineStart, content: `${indent}@pytest.mark.${marker}${eol}` }];
  if (pytestBinding === undefined) edits.unshift(addModuleImport(ctx.file, ctx.root, "import pytest"));
  return { applicability: "unsafe", message: `Add @pytest.mark.${marker}`, edits };
}

export default rule;
