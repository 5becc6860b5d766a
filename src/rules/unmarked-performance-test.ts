import fs from "node:fs";
import path from "node:path";
import type { FileContext, Rule } from "../engine/rule.js";
import type { FunctionInfo } from "../engine/model.js";
import type { Edit, Fix } from "../engine/types.js";
import { dottedText } from "../engine/resolver.js";
import { addModuleImport, eolAt, indentOfLine } from "../fix/python-text.js";
import { allSources, conftestFacts, functionMarkSources, marksIn } from "./shared/pytest-suite.js";

const PERFORMANCE_DIRS = new Set(["performance", "perf", "benchmark", "benchmarks"]);
const PERFORMANCE_WORDS = ["performance", "benchmark", "throughput"];

const rule: Rule<"unmarked"> = {
  meta: {
    code: "MEM404",
    name: "unmarked-performance-test",
    severity: "info",
    fix: "unsafe",
    enabledByDefault: true,
    summary: "A performance or benchmark test has no `performance` mark.",
    messages: {
      unmarked: "Test `{name}` looks like a performance test ({why}) but has no `@pytest.mark.performance`",
    },
    docs: {
      whatItDoes:
        "Checks for tests under a `performance/`, `perf/`, `benchmark/` or `benchmarks/` folder (below the pytest configuration's folder, or the repository root), or named `test_*performance*`, `test_*benchmark*` or `test_*throughput*`, that the `performance` mark does not apply to: none on the test, its classes (enclosing or same-file bases, decorators or `pytestmark`) or the module's `pytestmark`. A suite whose `conftest.py` adds the mark at run time (`item.add_marker(...)`) is left alone, as are tests in classes with bases from other modules, which may carry the mark.",
      whyIsThisBad:
        "Performance tests build large inputs and run hot loops; run among the unit tests, on every xdist worker at once, they compete for the same memory and CPU, skew each other's timings and push workers over their memory limit. A mark lets CI run them apart (`-m \"not performance\"` in the main job, `-m performance -n 0` in their own), and lets MEM405 check they never run inside xdist workers.",
      example: "def test_ingest_throughput(pipeline):\n    for batch in batches(100_000):\n        pipeline.ingest(batch)\n",
      useInstead: "@pytest.mark.performance\ndef test_ingest_throughput(pipeline):\n    for batch in batches(100_000):\n        pipeline.ingest(batch)\n",
      fixSafety:
        "Unsafe: the mark changes which tests `-m` expressions select, and under `--strict-markers` (or `strict`) an unregistered `performance` mark fails the run until it is registered (see MEM503). The fix inserts `@pytest.mark.performance` directly above the `def` line, after any existing decorators, at the function's indentation, and adds `import pytest` when the module does not bind it.",
    },
    options: [],
  },
  checkFile(ctx: FileContext) {
    if (!ctx.collection.isTestModule) return;
    const tests = ctx.collection.testFunctions();
    if (tests.length === 0) return;
    const inPerfDir = underPerformanceDir(ctx);
    const byName = (name: string) => name.startsWith("test_") && PERFORMANCE_WORDS.some((w) => name.slice(5).includes(w));
    if (!inPerfDir && !tests.some((t) => byName(t.name))) return;
    if (conftestFacts(ctx).some((c) => c.facts.addedMarks.has("performance"))) return;
    for (const fn of tests) {
      const why = inPerfDir ? `under ${inPerfDir}/` : byName(fn.name) ? "by its name" : undefined;
      if (why === undefined || hasPerformanceMark(ctx, fn) || mayInheritMarks(ctx, fn)) continue;
      ctx.report(rule, { start: fn.node.startIndex, end: fn.nameNode.endIndex }, { messageId: "unmarked", data: { name: fn.name, why }, fix: markFix(ctx, fn) });
    }
  },
};

function hasPerformanceMark(ctx: FileContext, fn: FunctionInfo): boolean {
  const sources = functionMarkSources(ctx, fn);
  if (marksIn(ctx.tree, ctx.model, allSources(sources)).some((m) => m.name === "performance")) return true;
  // A mark alias imported from a helper module (`from marks import performance`) cannot be read: trust its name.
  return [...sources.own, ...sources.classes].some((d) => {
    const target = d.type === "call" ? d.childForFieldName("function") : d;
    const text = target ? dottedText(target) : undefined;
    return text !== undefined && (text === "performance" || text.endsWith(".performance"));
  });
}

/** A class with a base from another module (other than unittest's) may get the mark from it. */
function mayInheritMarks(ctx: FileContext, fn: FunctionInfo): boolean {
  for (let cls = fn.cls; cls; cls = cls.parentClass) {
    for (const k of ctx.collection.lineage(cls)) {
      for (const base of k.bases) {
        if (base.type === "identifier" && (base.text === "object" || ctx.model.topLevelClasses.has(base.text))) continue;
        const resolved = ctx.model.resolver.resolve(base) ?? "";
        if (!resolved.startsWith("unittest.")) return true;
      }
    }
  }
  return false;
}

/** The performance folder a test file is under, relative to the pytest configuration's folder (or the repository root). */
function underPerformanceDir(ctx: FileContext): string | undefined {
  const dir = path.dirname(path.resolve(ctx.file.path));
  const root = ctx.pytestConfig ? path.dirname(path.resolve(ctx.pytestConfig.path)) : repositoryRoot(dir);
  const rel = path.relative(root, dir);
  if (rel.startsWith("..") || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).find((part) => PERFORMANCE_DIRS.has(part));
}

const rootCache = new Map<string, string>();

/** The nearest folder at or above `dir` holding `.git`; the filesystem root when there is none. */
function repositoryRoot(dir: string): string {
  const cached = rootCache.get(dir);
  if (cached !== undefined) return cached;
  let cur = dir;
  let root = path.parse(dir).root;
  for (;;) {
    if (fs.existsSync(path.join(cur, ".git"))) {
      root = cur;
      break;
    }
    const parent = path.dirname(cur);
    if (parent === cur) break;
    cur = parent;
  }
  rootCache.set(dir, root);
  return root;
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

export default rule;
