import { constantsOf } from "../engine/semantic/constants.js";
import { createRule, type FileContext } from "../engine/rule.js";
import type { FunctionInfo } from "../engine/model.js";
import type { Edit, Fix } from "../engine/types.js";
import { dottedText } from "../engine/semantic/resolver.js";
import { compileQuery, type SyntaxNode } from "../engine/parser.js";
import { usefixturesNames } from "../engine/semantic/fixtures.js";
import { addModuleImport, eolAt, indentOfLine } from "../fix/python-text.js";
import { conftestFacts } from "./shared/pytest-suite.js";
import { markSourcesOf, marksOf, mayInheritMarks } from "../engine/semantic/marks.js";

export default createRule({
  meta: {
    code: "MEM404",
    name: "unmarked-performance-test",
    severity: "info",
    fix: "unsafe",
    enabledByDefault: true,
    summary: "A test that measures time or throughput has no `performance` mark.",
    messages: {
      unmarked: "Test `{name}` measures time ({why}) but has no `@pytest.mark.performance`",
    },
    docs: {
      whatItDoes:
        "Checks for tests that measure time or throughput and that the `performance` mark does not apply to (none on the test, its classes (enclosing or same-file bases, decorators or `pytestmark`) or the module's `pytestmark`). A test measures time when it requests pytest-benchmark's `benchmark` fixture (as an argument or through `usefixtures`), or asserts (an `assert` statement, or a unittest `self.assert*` call) on a difference of `time.perf_counter()`/`time.monotonic()`/`time.time()`/`time.process_time()` readings (their `_ns` forms and `timeit.default_timer` too), directly or through a name holding it (`elapsed = time.perf_counter() - start`), or on a `timeit.timeit`/`timeit.repeat`/`Timer(...).timeit()` result. An assertion that bounds the time from below (`assert elapsed >= timeout`, `assert 0.1 < elapsed < 10`, `assertGreater(elapsed, ...)`) checks that something waited, not that code is fast, and is no evidence; so is any timing assertion in a test that names a timeout, a sleep or a wait (`shutdown_timeout=10`, `asyncio.sleep(...)`, `event.wait()`): it times that behaviour, not the code's speed. A folder named `performance/` or a test named `*performance*` alone is not evidence: such folders often mirror a source package, and `test_update_performance_metrics` tests a feature, not the speed. A suite whose `conftest.py` adds the mark at run time (`item.add_marker(...)`) is left alone, as are tests in classes with bases from other modules, which may carry the mark.",
      whyIsThisBad:
        "Performance tests build large inputs and run hot loops; run among the unit tests, on every xdist worker at once, they compete for the same memory and CPU, skew each other's timings and push workers over their memory limit. A mark lets CI run them apart (`-m \"not performance\"` in the main job, `-m performance -n 0` in their own), and lets MEM405 check they never run inside xdist workers.",
      example: "def test_ingest_throughput(pipeline):\n    start = time.perf_counter()\n    pipeline.ingest(batches(100_000))\n    assert time.perf_counter() - start < 2.0\n",
      useInstead:
        "@pytest.mark.performance\ndef test_ingest_throughput(pipeline):\n    start = time.perf_counter()\n    pipeline.ingest(batches(100_000))\n    assert time.perf_counter() - start < 2.0\n",
      fixSafety:
        "Unsafe: the mark changes which tests `-m` expressions select, and under `--strict-markers` (or `strict`) an unregistered `performance` mark fails the run until it is registered (see MEM503). The fix inserts `@pytest.mark.performance` directly above the `def` line, after any existing decorators, at the function's indentation, and adds `import pytest` when the module does not bind it.",
    },
    options: [],
  },
  create(ctx) {
    if (!ctx.collection.isTestModule) return {};
    const text = ctx.file.text;
    if (!text.includes("benchmark") && !text.includes("time")) return {};
    const clockNames = clockNamesPattern(ctx.shared);
    let conftestAddsMark: boolean | undefined;
    return {
      function_definition(fn) {
        if (conftestAddsMark === true || !ctx.collection.isTestFunction(fn)) return;
        const why = timingEvidence(ctx.shared, fn, clockNames);
        if (why === undefined || hasPerformanceMark(ctx.shared, fn) || mayInheritMarks(ctx.shared, fn)) return;
        conftestAddsMark ??= conftestFacts(ctx.shared).some((c) => c.facts.addedMarks.has("performance"));
        if (conftestAddsMark) return;
        ctx.report({ range: { start: fn.node.startIndex, end: fn.nameNode.endIndex }, messageId: "unmarked", data: { name: fn.name, why }, fix: markFix(ctx.shared, fn) });
      },
    };
  },
});

/** Clocks whose readings, subtracted, time the code between them. */
const TIMERS = new Set([
  "time.perf_counter", "time.perf_counter_ns", "time.monotonic", "time.monotonic_ns", "time.time", "time.time_ns",
  "time.process_time", "time.process_time_ns", "timeit.default_timer",
]);
const WAIT_WORDS = /timeout|sleep|\bwait|_wait/i;
const TIMEIT_FUNCTIONS = new Set(["timeit.timeit", "timeit.repeat"]);
const TIMER_METHODS = new Set(["timeit", "repeat", "autorange"]);

const assignmentQuery = compileQuery("(assignment left: (_) @left right: (_) @right)");

/**
 * The names through which the file can reach a clock or `timeit` (what `time` and `timeit` imports
 * bind), as one word pattern; undefined when it has none. A body that mentions none of them cannot
 * read a clock, so it is not walked (the walk costs several parses on suites with large asserts).
 */
function clockNamesPattern(ctx: FileContext): RegExp | undefined {
  const names = [...ctx.model.resolver.namesBoundTo("time"), ...ctx.model.resolver.namesBoundTo("timeit")];
  return names.length === 0 ? undefined : new RegExp(`(?<![\\p{L}\\p{N}_])(?:${names.join("|")})(?![\\p{L}\\p{N}_])`, "u");
}

/** What shows the test measures time: it requests `benchmark`, or asserts on elapsed clock readings or a `timeit` result. */
function timingEvidence(ctx: FileContext, fn: FunctionInfo, clockNames: RegExp | undefined): string | undefined {
  if (fn.params.includes("benchmark") || usefixturesNames(ctx, fn).includes("benchmark")) return "it requests `benchmark`";
  // Without a clock in reach, the body's text (copied out of the parser) is not needed.
  if (!clockNames) return undefined;
  const body = fn.body;
  const text = body.text;
  if (!text.includes("assert") || !clockNames.test(text)) return undefined;
  // A test about a timeout, a sleep or a wait times that behaviour (`shutdown did not wait for the timeout`), not speed.
  if (WAIT_WORDS.test(fn.name) || WAIT_WORDS.test(text)) return undefined;
  const resolve = (n: SyntaxNode | null | undefined) => ctx.model.resolver.resolve(n) ?? "";
  const consts = constantsOf(ctx.model);
  const isConstant = (n: SyntaxNode | null | undefined): boolean => !!n && consts.number(n) !== undefined;
  const clockReadNames = new Map<string, string>();
  const timerObjects = new Set<string>();
  const elapsedNames = new Map<string, string>();
  const isClockRead = (n: SyntaxNode | null | undefined): boolean => {
    const u = unwrap(n);
    if (!u) return false;
    if (u.type === "identifier") return clockReadNames.has(u.text);
    return u.type === "call" && TIMERS.has(resolve(u.childForFieldName("function")));
  };
  const timeitResult = (u: SyntaxNode): boolean => {
    if (u.type !== "call") return false;
    const callee = u.childForFieldName("function");
    if (TIMEIT_FUNCTIONS.has(resolve(callee))) return true;
    if (callee?.type !== "attribute" || !TIMER_METHODS.has(callee.childForFieldName("attribute")?.text ?? "")) return false;
    const object = unwrap(callee.childForFieldName("object"));
    return (object?.type === "identifier" && timerObjects.has(object.text)) || (object?.type === "call" && resolve(object.childForFieldName("function")) === "timeit.Timer");
  };
  /** How an expression holds a measurement: a clock difference, a `timeit` result, or a name holding one. */
  const measurement = (expr: SyntaxNode): string | undefined => {
    const stack = [expr];
    while (stack.length > 0) {
      const n = stack.pop();
      if (!n || n.type === "lambda") continue;
      if (n.type === "identifier" && elapsedNames.has(n.text)) return elapsedNames.get(n.text);
      if (n.type === "binary_operator" && n.childForFieldName("operator")?.type === "-") {
        const left = n.childForFieldName("left");
        const right = n.childForFieldName("right");
        // `time.time() - 600` is a moment ten minutes ago, not a duration: a constant is no second reading.
        const readings = (isClockRead(left) || isClockRead(right)) && !isConstant(left) && !isConstant(right);
        if (readings) return `it asserts on a difference of \`${clockOf(isClockRead(left) ? left : right, resolve, clockReadNames)}\` readings`;
      }
      if (timeitResult(n)) return "it asserts on a `timeit` result";
      stack.push(...n.namedChildren);
    }
    return undefined;
  };
  const assignments = assignmentQuery.matches(body).map((m) => ({
    left: m.captures.find((c) => c.name === "left")?.node,
    right: m.captures.find((c) => c.name === "right")?.node,
  }));
  for (const { left, right } of assignments) {
    if (left?.type !== "identifier" || !right) continue;
    if (isClockRead(right)) clockReadNames.set(left.text, clockOf(right, resolve, clockReadNames));
    const u = unwrap(right);
    if (u?.type === "call" && resolve(u.childForFieldName("function")) === "timeit.Timer") timerObjects.add(left.text);
  }
  // Names holding a measurement, through a few steps (`elapsed = end - start`, `ms = elapsed * 1000`).
  for (let pass = 0; pass < 3; pass++) {
    for (const { left, right } of assignments) {
      if (left?.type !== "identifier" || !right || elapsedNames.has(left.text)) continue;
      const why = measurement(right);
      if (why) elapsedNames.set(left.text, why);
    }
  }
  for (const node of body.descendantsOfType(["assert_statement", "call"])) {
    if (node.type === "call") {
      const callee = node.childForFieldName("function");
      const name = callee?.type === "attribute" ? callee.childForFieldName("attribute")?.text : callee?.text;
      if (!name?.startsWith("assert")) continue;
      const args = (node.childForFieldName("arguments")?.namedChildren ?? []).filter((a) => a.type !== "comment");
      const why = args.map(measurement).find((w) => w !== undefined);
      // `assertGreater(elapsed, timeout)` checks a wait, not a speed.
      const lower = (/^assert(Greater|GreaterEqual)$/.test(name) && args[0] && measurement(args[0])) || (/^assert(Less|LessEqual)$/.test(name) && args[1] && measurement(args[1]));
      if (why && !lower) return why;
      continue;
    }
    const why = measurement(node);
    if (why && !boundedBelow(node, measurement)) return why;
  }
  return undefined;
}

const LESS = new Set(["<", "<="]);
const GREATER = new Set([">", ">="]);

/**
 * The assertion bounds the measurement from below (`assert elapsed >= 0.5`, `assert 0.1 < elapsed < 10`):
 * it checks that something waited (a timeout, a sleep, a blocking call), not that code is fast.
 */
function boundedBelow(assertion: SyntaxNode, measurement: (n: SyntaxNode) => string | undefined): boolean {
  for (const comparison of assertion.descendantsOfType("comparison_operator")) {
    const operands: SyntaxNode[] = [];
    const operators: string[] = [];
    for (const child of comparison.children) {
      if (child.type === "comment") continue;
      if (child.isNamed) operands.push(child);
      else operators.push(child.type);
    }
    for (let i = 0; i < operators.length; i++) {
      const op = operators[i] ?? "";
      const left = operands[i];
      const right = operands[i + 1];
      if (left && measurement(left) && GREATER.has(op)) return true;
      if (right && measurement(right) && LESS.has(op)) return true;
    }
  }
  return false;
}

function unwrap(node: SyntaxNode | null | undefined): SyntaxNode | undefined {
  let cur = node ?? undefined;
  while (cur?.type === "parenthesized_expression" && cur.namedChildCount === 1) cur = cur.namedChild(0) ?? undefined;
  return cur;
}

/** `time.perf_counter()` for a clock reading or a name holding one. */
function clockOf(node: SyntaxNode | null | undefined, resolve: (n: SyntaxNode | null | undefined) => string, clockNames: Map<string, string>): string {
  const u = unwrap(node);
  if (u?.type === "identifier") return clockNames.get(u.text) ?? "clock";
  return `${resolve(u?.childForFieldName("function"))}()`;
}

function hasPerformanceMark(ctx: FileContext, fn: FunctionInfo): boolean {
  if (marksOf(ctx, fn).some((m) => m.name === "performance")) return true;
  const sources = markSourcesOf(ctx, fn);
  // A mark alias imported from a helper module (`from marks import performance`) cannot be read: trust its name.
  return [...sources.own, ...sources.classes].some((d) => {
    const target = d.type === "call" ? d.childForFieldName("function") : d;
    const text = target ? dottedText(target) : undefined;
    return text !== undefined && (text === "performance" || text.endsWith(".performance"));
  });
}

function markFix(ctx: FileContext, fn: FunctionInfo): Fix | null {
  const resolver = ctx.model.resolver;
  const boundAtModule = resolver.bindsAtModuleLevel("pytest");
  if (boundAtModule && resolver.resolveName("pytest") !== "pytest") return null;
  const defStart = fn.node.startIndex;
  const lines = ctx.file.lines;
  const lineStart = lines.lineStart(lines.lineOf(defStart));
  const indent = indentOfLine(ctx.file, defStart);
  // `def` must start its line (after indentation) for a decorator to go above it.
  if (ctx.file.text.slice(lineStart, defStart) !== indent) return null;
  const edits: Edit[] = [{ start: lineStart, end: lineStart, content: `${indent}@pytest.mark.performance${eolAt(ctx.file, defStart)}` }];
  if (!boundAtModule) edits.unshift(addModuleImport(ctx.file, ctx.root, "import pytest"));
  return { applicability: "unsafe", message: "Add @pytest.mark.performance", edits };
}
