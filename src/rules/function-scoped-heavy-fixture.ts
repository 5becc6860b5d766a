import { createRule, type FileContext } from "../engine/rule.js";
import { callArguments } from "../engine/syntax.js";
import type { Edit, Fix } from "../engine/types.js";
import { compileQuery } from "../engine/parser.js";
import { fileFixtures, fixtureResolver, testClosure, WIDE_BUILTIN_FIXTURES, type Fixture } from "../engine/semantic/fixtures.js";
import { heavyWork, maxTestData, heavyConstructors } from "./shared/test-data.js";
import { maxArrayElements } from "./shared/arrays.js";

export default createRule({
  meta: {
    code: "MEM301",
    name: "function-scoped-heavy-fixture",
    severity: "warning",
    fix: "unsafe",
    enabledByDefault: true,
    summary: "A function-scoped fixture builds oversized data or calls a heavy constructor for every test.",
    messages: {
      data: "Function-scoped fixture `{name}` builds {size} elements of test data again for every test that uses it",
      array: "Function-scoped fixture `{name}` allocates an array of {size} elements with `{call}` again for every test that uses it",
      constructor: "Function-scoped fixture `{name}` calls the heavy constructor `{constructor}` again for every test that uses it",
    },
    docs: {
      whatItDoes:
        "Checks for function-scoped fixtures (no `scope`, or `scope=\"function\"`) without `params` whose own body builds oversized data (as MEM302 measures it: a comprehension over, or a `list`/`tuple`/`set`/`dict`/`sorted`/`np.array` of, a `range` of more than `max-test-data` elements, or `[x] * n` over that size), allocates a numpy/torch array of more than `max-array-elements` elements (as MEM303 measures it: `np.random.randn(10_000_000)`, `np.zeros((4096, 4096))`, `np.random.default_rng().standard_normal(5_000_000)`), or calls a name in `heavy-constructors` (models, engines, browsers, …). Code in a nested function or lambda is not counted: it runs only when called. A fixture whose scope is not a literal is never flagged; a fixture with `params` is MEM304's.",
      whyIsThisBad:
        "A function-scoped fixture is rebuilt for every test that requests it. Loading a model or building a million-element list once per test multiplies the time, and under pytest-xdist each worker keeps rebuilding it; fragments the allocator cannot return to the system accumulate until the worker is OOM-killed.",
      example:
        "@pytest.fixture\ndef encoder():\n    return SentenceTransformer(\"all-MiniLM-L6-v2\")\n\n\nclass TestSearch:\n    def test_query(self, encoder):\n        ...\n",
      useInstead:
        "@pytest.fixture(scope=\"class\")\ndef encoder():\n    return SentenceTransformer(\"all-MiniLM-L6-v2\")\n\n\nclass TestSearch:\n    def test_query(self, encoder):\n        ...\n",
      fixSafety:
        "Unsafe: a class-scoped object is shared by the tests of a class, so a test that mutates it changes what the next one sees. The fix adds `scope=\"class\"` to the fixture decorator (or replaces `\"function\"`), and is offered only when the linter can see every test that uses the fixture and each is a method of a class, and the fixture requests no function-scoped fixture (`tmp_path`, `monkeypatch`, `mocker`, a function-scoped fixture of the suite, an unknown plugin fixture, or `request` beyond `request.addfinalizer`/`request.config`/`request.cls`/`request.module`/`request.path`).\n\nTo see every use, the fixture must be defined in the test file itself (fixtures of a test module are visible only to its tests): a fixture in a `conftest.py` can be used by test files a partial run does not read, so it gets no fix. Uses are the tests that request it (as an argument, through `usefixtures`, or through other fixtures), and every test when it is `autouse`. No fix is offered either when a `conftest.py` above requests the same name from one of its fixtures, or when the file calls `request.getfixturevalue` (a request the linter cannot follow). A class-scoped fixture would be rebuilt for every module-level test function, and a wider scope over a function-scoped dependency is a `ScopeMismatch` error, hence these conditions.",
    },
    options: [maxTestData, maxArrayElements, heavyConstructors],
  },
  create(ctx) {
    const fixtureOf = fileFixtures(ctx.shared).byFunction;
    return {
      function_definition(fn) {
        const fixture = fixtureOf.get(fn);
        if (!fixture || fixture.scope !== "function" || fixture.hasParams) return;
        const heavy = heavyWork(ctx.shared, fn, true);
        if (!heavy) return;
        const at = { node: fn.nameNode, fix: classScopeFix(ctx.shared, fixture) };
        if (heavy.kind === "data") ctx.report({ ...at, messageId: "data", data: { name: fixture.name, size: heavy.size } });
        else if (heavy.kind === "array") ctx.report({ ...at, messageId: "array", data: { name: fixture.name, size: heavy.size, call: heavy.callee } });
        else ctx.report({ ...at, messageId: "constructor", data: { name: fixture.name, constructor: heavy.name } });
      },
    };
  },
});

const WIDE_SCOPES = new Set(["class", "module", "package", "session"]);
/** `request` attributes that a class-scoped fixture may use as well as a function-scoped one. */
const SCOPE_FREE_REQUEST_ATTRIBUTES = new Set(["addfinalizer", "config", "cls", "module", "path", "fspath", "scope", "fixturename"]);

const requestUseQuery = compileQuery(`((identifier) @request (#eq? @request "request"))`);

function classScopeFix(ctx: FileContext, fixture: Fixture): Fix | null {
  if (!ctx.collection.isTestModule || ctx.isConftest) return null;
  if (!dependenciesAllowClassScope(ctx, fixture)) return null;
  if (ctx.file.text.includes("getfixturevalue")) return null;
  const resolver = fixtureResolver(ctx);
  // A conftest.py fixture requesting this name gets this definition when used by this file's tests.
  if (resolver.conftestsFor(resolver.own).some((c) => c.all.some((f) => f.deps.includes(fixture.name)))) return null;
  let users = 0;
  for (const test of ctx.collection.testFunctions()) {
    const closure = testClosure(ctx, test);
    if (closure.unknown && !test.cls) return null;
    if (!closure.fixtures.has(fixture)) continue;
    if (!test.cls) return null;
    users++;
  }
  if (users === 0) return null;
  const edits = scopeEdits(ctx, fixture);
  return edits ? { applicability: "unsafe", message: 'Add scope="class" to the fixture', edits } : null;
}

function dependenciesAllowClassScope(ctx: FileContext, fixture: Fixture): boolean {
  const resolver = fixtureResolver(ctx);
  for (const dep of fixture.deps) {
    if (dep === "request") {
      if (!requestUsesAreScopeFree(fixture)) return false;
      continue;
    }
    const target = resolver.resolve(fixture, dep);
    if (target) {
      if (!WIDE_SCOPES.has(target.scope ?? "")) return false;
      continue;
    }
    if (!WIDE_BUILTIN_FIXTURES.has(dep)) return false;
  }
  return true;
}

function requestUsesAreScopeFree(fixture: Fixture): boolean {
  for (const { node } of requestUseQuery.captures(fixture.body)) {
    const parent = node.parent;
    if (parent?.type !== "attribute" || parent.childForFieldName("object")?.startIndex !== node.startIndex) return false;
    const attr = parent.childForFieldName("attribute")?.text ?? "";
    if (!SCOPE_FREE_REQUEST_ATTRIBUTES.has(attr)) return false;
  }
  return true;
}

function scopeEdits(ctx: FileContext, fixture: Fixture): Edit[] | undefined {
  const decorator = fixture.fn.fixture?.decorator;
  if (!decorator) return undefined;
  if (decorator.type !== "call") return [{ start: decorator.endIndex, end: decorator.endIndex, content: '(scope="class")' }];
  const args = decorator.childForFieldName("arguments");
  if (args?.type !== "argument_list") return undefined;
  const parsed = callArguments(decorator);
  if (parsed.hasSplat) return undefined;
  const scope = parsed.keywords.get("scope") ?? (parsed.positional[0]?.type === "string" ? parsed.positional[0] : undefined);
  if (scope) return [{ start: scope.startIndex, end: scope.endIndex, content: '"class"' }];
  const items = args.namedChildren.filter((c) => c.type !== "comment");
  const last = items[items.length - 1];
  if (!last) return [{ start: args.startIndex + 1, end: args.startIndex + 1, content: 'scope="class"' }];
  return [{ start: last.endIndex, end: last.endIndex, content: ', scope="class"' }];
}
