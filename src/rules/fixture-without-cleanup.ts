import { compileQuery, type SyntaxNode } from "../engine/parser.js";
import { createRule, type FileContext } from "../engine/rule.js";
import { fileFixtures, type Fixture } from "../engine/semantic/fixtures.js";
import { callsIn, nameMatcher, type CallSite, type NameMatcher } from "./shared/calls.js";
import { directlyIn } from "./shared/test-data.js";
import { declareOption, optionSchemas } from "../engine/options.js";

export const DEFAULT_CLOSEABLE_CONSTRUCTORS = [
  "open", "sqlite3.connect", "psycopg2.connect", "psycopg.connect", "pymysql.connect", "create_engine", "create_async_engine",
  "redis.Redis", "redis.StrictRedis", "httpx.Client", "httpx.AsyncClient", "requests.Session", "aiohttp.ClientSession",
  "socket.socket", "ThreadPoolExecutor", "ProcessPoolExecutor", "plt.figure",
];

export const closeableConstructors = declareOption({
  key: "closeable-constructors",
  property: "closeableConstructors",
  schema: optionSchemas.names,
  default: DEFAULT_CLOSEABLE_CONSTRUCTORS,
  type: "list of dotted names",
  description:
    "Calls that open a resource that must be closed, matched as for `heavy-constructors` (`plt.figure` also matches `matplotlib.pyplot.figure`). Setting it replaces the default list.",
});

export default createRule({
  meta: {
    code: "MEM305",
    name: "fixture-without-cleanup",
    severity: "warning",
    fix: "none",
    enabledByDefault: true,
    summary: "A fixture returns or yields a closeable resource and never closes it.",
    messages: { noCleanup: "Fixture `{name}` {verb} the resource `{constructor}(...)` creates with no teardown; it stays open after the test" },
    docs: {
      whatItDoes:
        "Checks for fixtures that create a closeable resource (a call of a name in `closeable-constructors`, resolved through the file's imports: files, database connections and engines, HTTP clients and sessions, sockets, executors, pyplot figures; a method of another object that merely shares such a name, such as `DatabaseManager.create_async_engine`, is not one. A Starlette/FastAPI `TestClient` that is never entered holds no thread, socket or lifespan and is not in the list) and return or yield it — the call itself, a name bound to it, or a tuple holding one — with no teardown. A teardown is any of: a call after the `yield` (or in a `finally`) whose name is or contains `close`, `aclose`, `dispose`, `shutdown`, `quit`, `terminate`, `stop`, `cleanup`, `teardown`, `disconnect` or `release` (`conn.close()`, `engine.dispose()`, `plt.close(fig)`, `close_all_sessions()`), a `del` after the `yield`, a `with`/`async with` around the `yield`, an `ExitStack`, or `request.addfinalizer(...)`. A resource opened as a `with` item is managed by it and not flagged. A returning fixture has no code after the test, so only `addfinalizer` or an `ExitStack` count there.",
      whyIsThisBad:
        "A connection, client or file left open holds its buffers, sockets and threads until the garbage collector finds it, which for an object in a reference cycle may be never during the session. Under pytest-xdist each worker leaks one per test that uses the fixture, until it runs out of memory or file descriptors.",
      example: "@pytest.fixture\ndef db():\n    conn = sqlite3.connect(\":memory:\")\n    yield conn\n",
      useInstead: "@pytest.fixture\ndef db():\n    conn = sqlite3.connect(\":memory:\")\n    yield conn\n    conn.close()\n",
    },
    options: [closeableConstructors],
  },
  create(ctx) {
    const matcher = nameMatcher(ctx.options.closeableConstructors);
    const fixtureOf = fileFixtures(ctx.shared).byFunction;
    // The text is searched for the constructors' names only in a file that defines fixtures.
    if (fixtureOf.size === 0 || !matcher.mayMatchIn(ctx.file.text)) return {};
    return {
      function_definition(fn) {
        const fixture = fixtureOf.get(fn);
        if (!fixture) return;
        const leak = unclosedResource(ctx.shared, fixture, matcher);
        if (leak) ctx.report({ node: fn.nameNode, messageId: "noCleanup", data: { name: fixture.name, verb: leak.isYield ? "yields" : "returns", constructor: leak.constructor } });
      },
    };
  },
});

/** Words in a call's last name that mark a teardown (`conn.close()`, `engine.dispose()`, `close_all_sessions()`). */
const TEARDOWN_WORDS = ["close", "dispose", "shutdown", "quit", "terminate", "stop", "cleanup", "clean_up", "teardown", "tear_down", "disconnect", "release"];

const exitQuery = compileQuery("(return_statement) @exit (yield) @exit");

/** The first resource the fixture returns or yields with no teardown: which constructor opened it, and how it leaves. */
function unclosedResource(ctx: FileContext, fixture: Fixture, matcher: NameMatcher): { constructor: string; isYield: boolean } | undefined {
  const calls = callsIn(ctx, fixture.fn);
  const resources: { site: CallSite; constructor: string; name: string | undefined }[] = [];
  for (const site of calls) {
    const constructor = matcher.matchCall(ctx.model.resolver, site);
    if (constructor === undefined || inWithItem(site.call, fixture) || !directlyIn(ctx, site.call, fixture.fn)) continue;
    resources.push({ site, constructor, name: boundName(site.call) });
  }
  if (resources.length === 0 || hasFinalizer(ctx, calls)) return undefined;
  for (const exit of exits(ctx, fixture)) {
    const resource = resources.find((r) => escapes(exit.value, r.site.call, r.name));
    if (!resource) continue;
    if (exit.isYield && tornDownAfter(ctx, fixture, exit.node, calls)) continue;
    return { constructor: resource.constructor, isYield: exit.isYield };
  }
  return undefined;
}

/** The resource is opened by a `with` item (managed by the `with`). */
function inWithItem(call: SyntaxNode, fixture: Fixture): boolean {
  for (let cur = call.parent; cur && cur.startIndex >= fixture.body.startIndex; cur = cur.parent) {
    if (cur.type === "with_item") return true;
    if (cur.type === "block") return false;
  }
  return false;
}

/** `name = <call>` (or `name: T = <call>`): the name the resource is bound to. */
function boundName(call: SyntaxNode): string | undefined {
  let node = call;
  while (node.parent?.type === "await" || node.parent?.type === "parenthesized_expression") node = node.parent;
  const parent = node.parent;
  if (parent?.type !== "assignment" || parent.childForFieldName("right")?.startIndex !== node.startIndex) return undefined;
  const left = parent.childForFieldName("left");
  return left?.type === "identifier" ? left.text : undefined;
}

interface Exit {
  node: SyntaxNode;
  value: SyntaxNode | undefined;
  isYield: boolean;
}

/** The `return` and `yield` statements of the fixture's own body. */
function exits(ctx: FileContext, fixture: Fixture): Exit[] {
  const result: Exit[] = [];
  for (const { node } of exitQuery.captures(fixture.body)) {
    if (!directlyIn(ctx, node, fixture.fn)) continue;
    const value = node.namedChildren.find((c) => c.type !== "comment");
    result.push({ node, value, isYield: node.type === "yield" });
  }
  return result;
}

/** The returned or yielded value is the resource: the call, its name, or a tuple/list holding either. */
function escapes(value: SyntaxNode | undefined, call: SyntaxNode, name: string | undefined): boolean {
  let v = value;
  while (v && (v.type === "parenthesized_expression" || v.type === "await") && v.namedChildCount === 1) v = v.namedChild(0) ?? undefined;
  if (!v) return false;
  if (v.startIndex === call.startIndex && v.endIndex === call.endIndex) return true;
  if (v.type === "identifier") return name !== undefined && v.text === name;
  if (v.type === "tuple" || v.type === "expression_list" || v.type === "list") {
    return v.namedChildren.some((item) => (item.type === "identifier" ? item.text === name : item.startIndex === call.startIndex && item.endIndex === call.endIndex));
  }
  return false;
}

function lastName(site: CallSite): string {
  const text = site.callee.text;
  return text.slice(text.lastIndexOf(".") + 1).toLowerCase();
}

/** `request.addfinalizer(...)` or an `ExitStack` anywhere in the fixture. */
function hasFinalizer(ctx: FileContext, calls: CallSite[]): boolean {
  return calls.some((c) => {
    const name = lastName(c);
    return name === "addfinalizer" || name === "exitstack" || name === "asyncexitstack" || c.qualified === "contextlib.ExitStack" || c.qualified === "contextlib.AsyncExitStack";
  });
}

/** A `with` around the `yield`, or a teardown call or `del` after it (a `finally` comes after it too). */
function tornDownAfter(ctx: FileContext, fixture: Fixture, yieldNode: SyntaxNode, calls: CallSite[]): boolean {
  for (let cur = yieldNode.parent; cur && cur.startIndex >= fixture.body.startIndex; cur = cur.parent) {
    if (cur.type === "with_statement") return true;
  }
  const after = yieldNode.endIndex;
  if (calls.some((c) => c.call.startIndex >= after && TEARDOWN_WORDS.some((w) => lastName(c).includes(w)))) return true;
  return fixture.body.descendantsOfType("delete_statement").some((d) => d.startIndex >= after);
}
