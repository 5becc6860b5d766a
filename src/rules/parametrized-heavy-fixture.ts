import { createRule } from "../engine/rule.js";
import { fileFixtures } from "../engine/semantic/fixtures.js";
import { heavyWork, maxTestData, heavyConstructors } from "./shared/test-data.js";

export default createRule({
  meta: {
    code: "MEM304",
    name: "parametrized-heavy-fixture",
    severity: "warning",
    fix: "none",
    enabledByDefault: true,
    summary: "A fixture with `params=` builds oversized data or calls a heavy constructor once per parameter.",
    messages: {
      data: "Parametrized fixture `{name}` builds {size} elements of test data once per parameter",
      constructor: "Parametrized fixture `{name}` calls the heavy constructor `{constructor}` once per parameter",
    },
    docs: {
      whatItDoes:
        "Checks for fixtures with `params=` (of any scope) whose own body builds oversized data (as MEM302 measures it, over `max-test-data` elements) or calls a name in `heavy-constructors`. Code in a nested function or lambda is not counted. For a function-scoped parametrized fixture it takes the place of MEM301.",
      whyIsThisBad:
        "Each parameter builds the fixture again: a model loaded in a fixture with three params is loaded three times per test that uses it when the fixture is function-scoped, and three times per module or session otherwise. Multiplied by the xdist workers, the memory of the heaviest parameters piles up.",
      example:
        '@pytest.fixture(params=["short", "long"])\ndef query(request):\n    encoder = SentenceTransformer("all-MiniLM-L6-v2")\n    return encoder.encode(TEXTS[request.param])\n',
      useInstead:
        '@pytest.fixture(scope="session")\ndef encoder():\n    return SentenceTransformer("all-MiniLM-L6-v2")\n\n\n@pytest.fixture(params=["short", "long"])\ndef query(request, encoder):\n    return encoder.encode(TEXTS[request.param])\n',
    },
    options: [maxTestData, heavyConstructors],
  },
  create(ctx) {
    const fixtureOf = fileFixtures(ctx.shared).byFunction;
    return {
      function_definition(fn) {
        const fixture = fixtureOf.get(fn);
        if (!fixture?.hasParams) return;
        const heavy = heavyWork(ctx.shared, fn);
        if (!heavy) return;
        if (heavy.kind === "data") ctx.report({ node: fn.nameNode, messageId: "data", data: { name: fixture.name, size: heavy.size } });
        else if (heavy.kind === "constructor") ctx.report({ node: fn.nameNode, messageId: "constructor", data: { name: fixture.name, constructor: heavy.name } });
      },
    };
  },
});
