import type { SyntaxNode } from "../engine/parser.js";
import { createRule } from "../engine/rule.js";
import { enclosingFunctions, oversizedData, maxTestData } from "./shared/test-data.js";

export default createRule({
  meta: {
    code: "MEM302",
    name: "oversized-test-data",
    severity: "warning",
    fix: "none",
    enabledByDefault: true,
    summary: "Test data materialised from a `range()` of more than `max-test-data` elements.",
    messages: {
      test: "Test `{name}` builds {size} elements of test data (over max-test-data {max})",
      fixture: "Function-scoped fixture `{name}` builds {size} elements of test data (over max-test-data {max})",
      mock: "A mock's `{attribute}` holds {size} elements of test data (over max-test-data {max})",
      module: "{size} elements of test data built at import time live for the whole session (over max-test-data {max})",
    },
    docs: {
      whatItDoes:
        "Checks for data materialised from `range(n)` with more than `max-test-data` elements: a list, set or dict comprehension over it; a generator or `range` passed to `list`, `tuple`, `set`, `frozenset`, `dict`, `sorted` or `np.array`; a list or tuple repeated `[x] * n`. It flags them in a test, in a function-scoped fixture, as a mock's `return_value`/`side_effect`, and at module level of a test file or `conftest.py` (where they live for the whole session).\n\nSizes are read from constant expressions: `10000`, `10_000`, `10**6`, `int(1e6)`, `1024 * 1024`, `range(start, stop, step)`, and names bound once to a constant at module level (`N = 10_000`) or in the enclosing function. An unknown size is never flagged, and neither is a comprehension with an `if` clause (its size is not known). A comprehension whose element is itself such data counts every element (`[[0] * 100 for _ in range(100)]` is 10,000 elements), and only the outermost expression is reported. Not flagged: a plain `for` loop over a range, a bare generator, `sum`/`any`/`all`/`min`/`max` over a range or a comprehension (consumed at once), string and bytes repetition, `parametrize` values (and fixture `params`), fixtures of a wider scope, and helper functions that are neither tests nor fixtures.",
      whyIsThisBad:
        "A million-element list costs tens of megabytes, built again for every test; under pytest-xdist every worker does so, and the allocator rarely returns the memory. Data at module level of a test file is never freed during the session. Tests rarely need that much data to show behaviour: a small sample, a generator, or a session-scoped fixture serve as well.",
      example: "def test_sum():\n    data = [i for i in range(10**6)]\n    assert total(data) == sum(range(10**6))\n",
      useInstead: "def test_sum():\n    data = [i for i in range(1_000)]\n    assert total(data) == sum(range(1_000))\n",
    },
    options: [maxTestData],
  },
  create(ctx) {
    const max = ctx.options.maxTestData;
    return {
      "module:exit"() {
        for (const site of oversizedData(ctx.shared)) {
          const { functions, innermost } = enclosingFunctions(ctx.shared, site.node);
          let decided = false;
          for (const fn of functions) {
            if (fn.fixture) {
              decided = true;
              if (fn.fixture.scope === "function") ctx.report({ node: site.node, messageId: "fixture", data: { name: fn.fixture.name, size: site.size, max } });
              break;
            }
            if (ctx.collection.isTestFunction(fn)) {
              decided = true;
              ctx.report({ node: site.node, messageId: "test", data: { name: fn.name, size: site.size, max } });
              break;
            }
          }
          if (decided || !ctx.isTestFile) continue;
          const attribute = mockValueAttribute(site.node);
          if (attribute !== undefined) ctx.report({ node: site.node, messageId: "mock", data: { attribute, size: site.size, max } });
          else if (innermost === undefined) ctx.report({ node: site.node, messageId: "module", data: { size: site.size, max } });
        }
      },
    };
  },
});

const MOCK_VALUE_NAMES = new Set(["return_value", "side_effect"]);

/** `return_value`/`side_effect` when the node is (part of) the value given to one: keyword or attribute assignment. */
function mockValueAttribute(node: SyntaxNode): string | undefined {
  let child = node;
  for (let cur = node.parent; cur; child = cur, cur = cur.parent) {
    if (cur.type === "keyword_argument") {
      const name = cur.childForFieldName("name")?.text ?? "";
      return MOCK_VALUE_NAMES.has(name) && cur.childForFieldName("value")?.startIndex === child.startIndex ? name : undefined;
    }
    if (cur.type === "assignment") {
      const left = cur.childForFieldName("left");
      const right = cur.childForFieldName("right");
      if (left?.type !== "attribute" || right?.startIndex !== child.startIndex) return undefined;
      const name = left.childForFieldName("attribute")?.text ?? "";
      return MOCK_VALUE_NAMES.has(name) ? name : undefined;
    }
    if (cur.type === "block" || cur.type === "module" || cur.type === "function_definition" || cur.type === "lambda" || cur.type === "expression_statement") return undefined;
  }
  return undefined;
}
