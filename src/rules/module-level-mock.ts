import { createRule } from "../engine/rule.js";
import { mockAnalysis } from "../engine/semantic/mocks.js";

export default createRule({
  meta: {
    code: "MEM204",
    name: "module-level-mock",
    severity: "warning",
    fix: "none",
    enabledByDefault: true,
    summary: "A mock is created at module scope of a test file.",
    messages: {
      module: "`{name}` creates a mock when the module is imported: it lives for the whole session and keeps every call made on it",
    },
    docs: {
      whatItDoes:
        "Checks for mocks created at module scope of a test file (a file matching `python_files`, or a `conftest.py`): a call to `Mock`, `MagicMock`, `AsyncMock`, `NonCallableMock`, `NonCallableMagicMock` or `create_autospec`, or a mock-creating `patch(...).start()`, that runs when pytest imports the file: a module-level statement, a decorator or a default value (`@patch(\"x\", MagicMock())`, a `parametrize` argument), and the body of a class defined at module level (a class attribute, the `parametrize` of a method), which runs at import too and keeps what it creates as long as the class lives. A mock created inside a function or a lambda is created when it is called, and is not flagged.",
      whyIsThisBad:
        "A module-level mock is created once, when pytest imports the file, and lives until the session ends. It is shared by every test that touches it, so call records and child mocks accumulate across the whole run in each xdist worker, and state leaks from one test into the next.",
      example: "from unittest.mock import MagicMock\n\nclient = MagicMock()\n\n\ndef test_fetch():\n    assert fetch(client)\n",
      useInstead:
        "from unittest.mock import MagicMock\n\nimport pytest\n\n\n@pytest.fixture\ndef client():\n    return MagicMock(spec_set=HttpClient)\n\n\ndef test_fetch(client):\n    assert fetch(client)\n",
    },
    options: [],
  },
  create(ctx) {
    if (!ctx.isTestFile) return {};
    return {
      "module:exit"() {
        const analysis = mockAnalysis(ctx.shared);
        const calls = [...analysis.constructors, ...analysis.startedMocks()].filter((c) => analysis.atModuleScope(c));
        calls.sort((a, b) => a.start - b.start);
        for (const { call, callee } of calls) {
          ctx.report({ node: call, messageId: "module", data: { name: `${callee ?? "patch(...).start"}()` } });
        }
      },
    };
  },
});
