import type { FunctionInfo } from "../engine/model.js";
import { createRule, type FileContext } from "../engine/rule.js";
import { marksOf } from "../engine/semantic/marks.js";
import type { Fix } from "../engine/types.js";
import { addModuleImport, eolAt, indentOfLine } from "../fix/python-text.js";
import { arrayAllocations, maxArrayElements } from "./shared/arrays.js";
import { enclosingFunctions } from "./shared/test-data.js";
import { declareOption, optionSchemas } from "../engine/options.js";

export const memoryMarker = declareOption({
  key: "memory-marker",
  property: "memoryMarker",
  schema: optionSchemas.identifier,
  default: "memory_intensive",
  type: "identifier",
  description:
    "The mark that declares a test memory-intensive; MEM503 checks that it is registered.",
});

export default createRule({
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
        "Checks for numpy and torch allocations with more than `max-array-elements` elements in a test that is not marked with `memory-marker` (on the test, an enclosing or same-file base class, or the module's `pytestmark`). The allocations it reads are `np.zeros`, `np.ones`, `np.empty`, `np.full`, `np.arange`, `np.eye`, `np.identity`, `np.linspace`, `np.random.randn`, `np.random.rand`, `np.random.random` (and `random_sample`, `ranf`, `sample`, `standard_normal`), `np.random.normal`, `np.random.uniform`, `np.random.randint`, and `torch.zeros`, `torch.ones`, `torch.empty`, `torch.rand`, `torch.randn`, `torch.full`, `torch.arange`, `torch.randint`, `torch.eye`, and numpy's Generator API (`standard_normal`, `normal`, `random`, `integers`, `uniform` called on `np.random.default_rng(...)` itself, or on a name the test or the module only ever assigns from it), through any import form (`import numpy as np`, `from numpy import zeros`, `from numpy import ones as filled`, `np = pytest.importorskip(\"numpy\")` at module level or in the test). Sizes are read from constant expressions (`(1000, 1000)`, `10**6`, `N = 4096` at module level); an unknown size is never flagged. Only tests are checked: marks cannot be put on fixtures.",
      whyIsThisBad:
        "A `(10000, 10000)` float64 array is 800 MB. Run next to other tests on every xdist worker, a few of them exhaust the machine. A mark lets the suite keep such tests apart: `-m \"not memory_intensive\"` under xdist, and the marked ones serially.",
      example: "def test_large_matmul():\n    a = np.random.rand(4096, 4096)\n    assert (a @ a).shape == (4096, 4096)\n",
      useInstead:
        "@pytest.mark.memory_intensive\ndef test_large_matmul():\n    a = np.random.rand(4096, 4096)\n    assert (a @ a).shape == (4096, 4096)\n",
      fixSafety:
        "Unsafe: a new mark changes which tests `-m` selects, and fails under `--strict-markers` until the marker is registered (see MEM503). The fix adds `@pytest.mark.<memory-marker>` directly above the test's `def` (after its other decorators), and `import pytest` when the file lacks it. Marks are only ever added to tests, never to fixtures (an error in pytest 9).",
    },
    options: [maxArrayElements, memoryMarker],
  },
  create(ctx) {
    if (!ctx.collection.isTestModule) return {};
    const limit = ctx.options.maxArrayElements;
    const marker = ctx.options.memoryMarker;
    return {
      "module:exit"() {
        for (const { call, callee, size } of arrayAllocations(ctx.shared)) {
          if (size <= limit) continue;
          const test = enclosingFunctions(ctx.shared, call).functions.find((fn) => ctx.collection.isTestFunction(fn));
          if (!test || isMarked(ctx.shared, test, marker)) continue;
          ctx.report({ node: call, messageId: "unmarked", data: { call: callee, size, name: test.name, marker }, fix: markFix(ctx.shared, test, marker) });
        }
      },
    };
  },
});

/** The memory marker applies: on the test, an enclosing class or a same-file base, or the module. */
export function isMarked(ctx: FileContext, test: FunctionInfo, marker: string): boolean {
  return marksOf(ctx, test).some((m) => m.name === marker);
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
