import { createRule } from "../engine/rule.js";
import { mockAnalysis } from "./shared/mocks.js";
import { declareOption, optionSchemas } from "../engine/options.js";

export const maxMockChainDepth = declareOption({
  key: "max-mock-chain-depth",
  property: "maxMockChainDepth",
  schema: optionSchemas.nonNegativeInt,
  default: 2,
  type: "integer",
  description:
    "The deepest attribute chain on a mock MEM203 allows.",
});

export default createRule({
  meta: {
    code: "MEM203",
    name: "deep-mock-chain",
    severity: "warning",
    fix: "none",
    enabledByDefault: true,
    summary: "An attribute chain on a mock is deeper than `max-mock-chain-depth`.",
    messages: {
      deep: "Mock chain `{chain}` is {depth} levels deep (at most {max}): every level is another child mock kept alive with its call records",
    },
    docs: {
      whatItDoes:
        "Checks for attribute chains on a mock deeper than `max-mock-chain-depth` (default 2), read or written. The depth counts the links after the mock: each attribute is one, a call in the chain (`m.a().b`) is one (its `return_value`), `return_value` and dunder names (`__enter__`) in the middle count, and a subscript ends the chain. The last name is not counted when it is the mock API (`return_value`, `side_effect`, `called`, `call_count`, `call_args`, `call_args_list`, `mock_calls`, `method_calls`, `await_count`, `await_args`, `await_args_list`, `assert_*`, `reset_mock`, `configure_mock`, `attach_mock`), and the chain ends at such a name (what follows `call_args` is not a mock), or at a link that the same scope (or one around it) last set to something not seen to be a mock (after `m.files.return_value = []`, `m.files.return_value.append(x)` is a list method, not a child mock). So `m.execute.return_value = x` is depth 1, `m.client.connection.cursor.execute.return_value = x` depth 4 and `m.httpx.stream.return_value.__enter__.return_value` depth 4. One finding per chain, at its start.\n\nA root is a mock when the linter can see it is one: a name bound in the same scope to a mock constructor, to `patch(...).start()`, `mocker.patch*(...)` or `create_autospec(...)`; `with patch(...) as m`; a parameter injected by `@patch` decorators (bottom-up, none for a `patch` given `new`); `self.<attr>` bound so anywhere in the class; a name or attribute starting with `mock_`, unless it is a parameter requesting a fixture of the same file whose every `return`/`yield` visibly gives something else (an instance of a class, a literal). A long chain on anything else (a builder, a module) is never flagged.",
      whyIsThisBad:
        "Every level of a chain on a mock creates a child mock that the parent keeps, with its own call records, for as long as the root lives. Deep chains are a sign the test mocks the internals of a collaborator instead of its interface; they build large trees of mocks that pile up in long-lived xdist workers, and they break silently when the real code changes shape.",
      example:
        "def test_rows(mocker):\n    db = mocker.MagicMock()\n    db.client.connection.cursor.execute.return_value = [(1,)]\n    assert count_rows(db) == 1\n",
      useInstead:
        "def test_rows(mocker):\n    cursor = mocker.MagicMock(spec_set=Cursor)\n    cursor.execute.return_value = [(1,)]\n    assert count_rows(FakeDb(cursor)) == 1\n",
    },
    options: [maxMockChainDepth],
  },
  create(ctx) {
    return {
      "module:exit"() {
        const max = ctx.options.maxMockChainDepth;
        for (const chain of mockAnalysis(ctx.shared).chains()) {
          ctx.report({ range: chain, messageId: "deep", data: { chain: chain.text, depth: chain.depth, max } });
        }
      },
    };
  },
});
