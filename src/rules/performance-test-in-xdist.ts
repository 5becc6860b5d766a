import { createRule, type FileContext } from "../engine/rule.js";
import type { ClassInfo, FunctionInfo } from "../engine/model.js";
import type { SyntaxNode } from "../engine/parser.js";
import path from "node:path";
import { allSources, markSourcesOf, marksIn } from "../engine/semantic/marks.js";
import { addoptsOf, startsWorkers } from "../config/addopts.js";
import { excludesMark, keptOut, selectsMarks } from "../config/deselection.js";

export default createRule({
  meta: {
    code: "MEM405",
    name: "performance-test-in-xdist",
    severity: "info",
    fix: "none",
    enabledByDefault: true,
    summary: "A `performance` test can run inside an xdist worker, which the configuration starts by default.",
    messages: {
      unguarded: "{kind} `{name}` is marked `performance` but has no skip for xdist workers, and `addopts` in {config} runs every test in xdist workers",
    },
    docs: {
      whatItDoes:
        "Checks, when the pytest configuration's `addopts` starts xdist workers (`-n` other than 0, or `--tx` with a `--dist` mode) and does not deselect them (a `-m` expression that no test carrying `performance` satisfies, such as `-m \"not performance\"` or `-m \"not (slow or performance)\"`, or an `--ignore`, `--ignore-glob` or `--deselect` covering their file, class or test), for tests and test classes marked `performance` (on themselves, or through the module's `pytestmark`) that nothing keeps out of a worker: no `skipif` mark applying to them whose condition reads `PYTEST_XDIST_WORKER` (directly, through a module-level name defined from it, or a condition naming xdist or a worker), and, for a test, no body that reads `PYTEST_XDIST_WORKER` or requests `worker_id` to skip. A class whose every test is guarded is not flagged.",
      whyIsThisBad:
        "A performance test measures time and memory under load; inside an xdist worker it shares the machine with every other worker, so its numbers mean nothing, and its large inputs land on top of the other workers' memory, which is how parallel runs get OOM-killed. The original memory-safety validator required each performance test to skip itself in a worker, so they only run in a dedicated `-n 0` job.",
      example: "@pytest.mark.performance\ndef test_bulk_insert_throughput(db):\n    ...\n",
      useInstead: '@pytest.mark.performance\n@pytest.mark.skipif(\n    "PYTEST_XDIST_WORKER" in os.environ,\n    reason="performance tests run alone, with -n 0",\n)\ndef test_bulk_insert_throughput(db):\n    ...\n',
    },
    options: [],
  },
  create(ctx) {
    if (!ctx.collection.isTestModule || !ctx.pytestConfig) return {};
    const addopts = addoptsOf(ctx.pytestConfig);
    if (!addopts || !startsWorkers(addopts.xdist)) return {};
    const { deselection } = addopts;
    const expression = deselection.markExpression;
    if (expression !== undefined && excludesMark(expression, "performance")) return {};
    const rootDir = path.dirname(path.resolve(ctx.pytestConfig.path));
    const fileId = path.relative(rootDir, path.resolve(ctx.file.path)).split(path.sep).join("/");
    if (keptOut(deselection, rootDir, ctx.file.path, fileId)) return {};
    const deselected = (nodeId: string, marks: SyntaxNode[]) =>
      keptOut(deselection, rootDir, ctx.file.path, nodeId) ||
      (expression !== undefined && selectsMarks(expression, new Set(marksIn(ctx.tree, ctx.model, marks).map((m) => m.name))) === false);
    const config = path.basename(ctx.pytestConfig.path);
    const modulemark = ctx.model.moduleAssignments.get("pytestmark");
    const markedModule = modulemark !== undefined && isPerformance(ctx.shared, [modulemark]);
    return {
      class_definition(cls) {
        if (!ctx.collection.isTestClass(cls)) return;
        const sources = markSourcesOf(ctx.shared, cls);
        const ownMark = isPerformance(ctx.shared, sources.own) || (markedModule && !cls.parentClass);
        if (!ownMark) return;
        if (guarded(ctx.shared, allSources(sources)) || everyTestGuarded(ctx.shared, cls) || deselected(`${fileId}::${classPath(cls)}`, allSources(sources))) return;
        ctx.report({ range: { start: cls.node.startIndex, end: cls.nameNode.endIndex }, messageId: "unguarded", data: { kind: "Class", name: cls.name, config } });
      },
      function_definition(fn) {
        if (!ctx.collection.isTestFunction(fn)) return;
        const sources = markSourcesOf(ctx.shared, fn);
        const ownMark = isPerformance(ctx.shared, sources.own) || (markedModule && !fn.cls);
        if (!ownMark || guarded(ctx.shared, allSources(sources)) || bodyGuard(fn)) return;
        if (deselected(`${fileId}::${fn.cls ? `${classPath(fn.cls)}::` : ""}${fn.name}`, allSources(sources))) return;
        ctx.report({ range: { start: fn.node.startIndex, end: fn.nameNode.endIndex }, messageId: "unguarded", data: { kind: "Test", name: fn.name, config } });
      },
    };
  },
});

const WORKER_ENV = "PYTEST_XDIST_WORKER";
/** Names of conditions that tell an xdist worker apart (`IN_XDIST`, `is_xdist_worker()`, `running_in_worker`). */
const WORKER_HINT = /xdist|worker/i;

/** `Outer::Inner`: the class's part of a pytest node id. */
function classPath(cls: ClassInfo): string {
  const parts: string[] = [];
  for (let c: ClassInfo | undefined = cls; c; c = c.parentClass) parts.unshift(c.name);
  return parts.join("::");
}

function isPerformance(ctx: FileContext, exprs: SyntaxNode[]): boolean {
  return marksIn(ctx.tree, ctx.model, exprs).some((m) => m.name === "performance");
}

/** A `skipif` among these mark expressions whose condition reads `PYTEST_XDIST_WORKER`. */
function guarded(ctx: FileContext, exprs: SyntaxNode[]): boolean {
  for (const mark of marksIn(ctx.tree, ctx.model, exprs)) {
    if (mark.name !== "skipif") continue;
    const call = mark.node.parent;
    if (call?.type !== "call" || call.childForFieldName("function")?.startIndex !== mark.node.startIndex) continue;
    const args = call.childForFieldName("arguments");
    if (args && conditionReadsWorker(ctx, args)) return true;
  }
  return false;
}

function conditionReadsWorker(ctx: FileContext, args: SyntaxNode): boolean {
  const text = args.text;
  if (text.includes(WORKER_ENV)) return true;
  // A module-level name defined from the variable (`IN_XDIST = "PYTEST_XDIST_WORKER" in os.environ`, or a function).
  for (const word of text.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) {
    const defined = ctx.model.moduleAssignments.get(word) ?? ctx.model.topLevelFunctions.get(word)?.node;
    if (defined?.text.includes(WORKER_ENV)) return true;
  }
  const condition = args.namedChildren.find((c) => c.type !== "keyword_argument" && c.type !== "comment");
  return condition !== undefined && WORKER_HINT.test(condition.text);
}

function bodyGuard(fn: FunctionInfo): boolean {
  const body = fn.body.text;
  if (body.includes(WORKER_ENV)) return true;
  return fn.params.includes("worker_id") && /\bskip\b/.test(body);
}

function everyTestGuarded(ctx: FileContext, cls: ClassInfo): boolean {
  const tests = ctx.collection.testFunctions().filter((f) => f.cls === cls);
  return tests.length > 0 && tests.every((f) => guarded(ctx, f.decorators) || bodyGuard(f));
}
