import { createRule, type FileContext } from "../engine/rule.js";
import type { ClassInfo, FunctionInfo } from "../engine/model.js";
import type { SyntaxNode } from "../engine/parser.js";
import { compileQuery } from "../engine/parser.js";
import { closesAllFigures, figureCalls } from "../engine/semantic/pytest-facts.js";
import { conftestFacts, hasBaseFromElsewhere, resolveName } from "./shared/pytest-suite.js";

export default createRule({
  meta: {
    code: "MEM403",
    name: "unclosed-figure",
    severity: "warning",
    fix: "none",
    enabledByDefault: true,
    summary: "A test or fixture creates a pyplot figure and never closes it.",
    messages: { unclosed: "{kind} `{name}` creates a pyplot figure with `{call}` and never closes it; pyplot keeps every open figure until `plt.close()`" },
    docs: {
      whatItDoes:
        "Checks for tests and fixtures that create a pyplot figure (`plt.figure()`, `plt.subplots()`, `plt.subplot()`, `plt.subplot_mosaic()`, through any import of `matplotlib.pyplot`, also `plt = pytest.importorskip(\"matplotlib.pyplot\")`) and call no `plt.close(...)`, when nothing closes every figure around them: an autouse fixture or an xunit `setup`/`teardown` (`teardown_method`, `tearDown`, `teardown_function`, ...) in the same file, or an autouse fixture or `pytest_runtest_*` hook in a `conftest.py` above, calling `plt.close(\"all\")`. Tests run inside matplotlib's `image_comparison`/`check_figures_equal` decorators or pytest-mpl's `mpl_image_compare` mark are closed for them. `Figure(...)` objects built directly are not tracked by pyplot and are not flagged. A figure passed to a function of the same file that closes it (`save_and_close(fig, path)` calling `plt.close(fig)`, a method called through `self`), or a call of such a function that closes the current or every figure (`plt.close()`, `plt.close(\"all\")`), counts as closed. Tests in a class with a base from another module (other than `unittest`'s) are not judged: the base may hold an autouse fixture or a teardown closing every figure. One finding per test or fixture, at its first creating call.",
      whyIsThisBad:
        "pyplot keeps a reference to every figure it creates until it is closed, so a figure created in a test outlives the test: its canvas, axes, artists and the data they plot stay in memory for the rest of the worker's session. Thousands of plotting tests then grow each xdist worker until it is OOM-killed (matplotlib warns after 20 open figures).",
      example: "import matplotlib.pyplot as plt\n\n\ndef test_plot_histogram(data):\n    fig, ax = plt.subplots()\n    ax.hist(data)\n    assert len(ax.patches) == 10\n",
      useInstead: "import matplotlib.pyplot as plt\n\n\ndef test_plot_histogram(data):\n    fig, ax = plt.subplots()\n    ax.hist(data)\n    assert len(ax.patches) == 10\n    plt.close(fig)\n\n\n# or once, in conftest.py:\n@pytest.fixture(autouse=True)\ndef close_figures():\n    yield\n    plt.close(\"all\")\n",
    },
    options: [],
  },
  create(ctx) {
    if (!ctx.isTestFile) return {};
    return {
      "module:exit"() {
        const calls = figureCalls(ctx.tree, ctx.model);
        if (calls.creates.length === 0) return;
        if (conftestFacts(ctx.shared).some((c) => c.facts.closesAllFigures)) return;
        const reported = new Set<FunctionInfo>();
        for (const create of calls.creates) {
          const owner = ownerTestOrFixture(ctx.shared, create);
          if (!owner || reported.has(owner) || inDeadBranch(ctx.shared, create, owner)) continue;
          if (calls.closes.some((c) => inside(c.node, owner.node))) continue;
          if (closedAround(ctx.shared, owner) || closedByHelper(ctx.shared, owner, calls)) continue;
          reported.add(owner);
          const call = create.childForFieldName("function")?.text ?? "plt.figure";
          ctx.report({ node: create, messageId: "unclosed", data: { kind: owner.fixture ? "Fixture" : "Test", name: owner.fixture?.name ?? owner.name, call: `${call}()` } });
        }
      },
    };
  },
});

const assignmentQuery = compileQuery("(assignment left: (identifier) @name right: (_) @value)");

/** xunit-style setup and teardown: one that closes every figure keeps the tests it runs around clean. */
const MODULE_XUNIT = new Set(["setup_function", "teardown_function", "setup_module", "teardown_module", "setUpModule", "tearDownModule"]);
const CLASS_XUNIT = new Set(["setup_method", "teardown_method", "setUp", "tearDown", "setup_class", "teardown_class", "setUpClass", "tearDownClass", "setup", "teardown"]);

/** Decorators that run the test inside a block closing every figure (matplotlib's testing decorators, pytest-mpl). */
const CLOSING_DECORATORS = new Set([
  "matplotlib.testing.decorators.image_comparison",
  "matplotlib.testing.decorators.check_figures_equal",
  "matplotlib.testing.decorators.cleanup",
  "pytest.mark.mpl_image_compare",
]);

function inside(node: SyntaxNode, outer: SyntaxNode): boolean {
  return node.startIndex >= outer.startIndex && node.endIndex <= outer.endIndex;
}

/** The test or fixture a call runs in: its innermost function, or the test/fixture that function is nested in. */
function ownerTestOrFixture(ctx: FileContext, call: SyntaxNode): FunctionInfo | undefined {
  let innermost: FunctionInfo | undefined;
  for (const fn of ctx.model.functions) {
    if (inside(call, fn.node) && (!innermost || fn.node.startIndex >= innermost.node.startIndex)) innermost = fn;
  }
  for (let fn = innermost; fn; fn = fn.parentFunction) {
    if (fn.fixture || ctx.collection.isTestFunction(fn)) return fn;
  }
  return undefined;
}

/**
 * Inside an `if` whose condition is false before the test runs: `if False:`, `if 0:`, or a debug flag
 * (`debug = False` in the function or at module level, never set otherwise) alone or in an `and`.
 */
function inDeadBranch(ctx: FileContext, call: SyntaxNode, owner: FunctionInfo): boolean {
  let child: SyntaxNode = call;
  for (let cur = call.parent; cur && cur.startIndex >= owner.node.startIndex && cur !== owner.node; cur = cur.parent) {
    if ((cur.type === "if_statement" || cur.type === "elif_clause") && cur.childForFieldName("consequence")?.startIndex === child.startIndex) {
      const condition = cur.childForFieldName("condition");
      if (condition && staticallyFalse(ctx, condition, owner)) return true;
    }
    child = cur;
  }
  return false;
}

function isFalseLiteral(node: SyntaxNode | null | undefined): boolean {
  return node?.type === "false" || node?.type === "none" || (node?.type === "integer" && /^0+$/.test(node.text));
}

function staticallyFalse(ctx: FileContext, condition: SyntaxNode, owner: FunctionInfo): boolean {
  const pending: SyntaxNode[] = [condition];
  // An `and` is false when one operand is; nested `and`s are walked with a list, not recursion.
  while (pending.length > 0) {
    const node = pending.pop();
    if (!node) break;
    if (isFalseLiteral(node)) return true;
    if (node.type === "parenthesized_expression") {
      const inner = node.namedChildren.find((c) => c.type !== "comment");
      if (inner) pending.push(inner);
    } else if (node.type === "boolean_operator" && node.childForFieldName("operator")?.type === "and") {
      const left = node.childForFieldName("left");
      const right = node.childForFieldName("right");
      if (left) pending.push(left);
      if (right) pending.push(right);
    } else if (node.type === "identifier" && falseFlag(ctx, node.text, owner)) {
      return true;
    }
  }
  return false;
}

/** A name the function (or, when the function never assigns it, the module) only ever sets to a false literal. */
function falseFlag(ctx: FileContext, name: string, owner: FunctionInfo): boolean {
  if (owner.params.includes(name)) return false;
  const local = assignmentQuery.matches(owner.node).filter((m) => m.captures.find((c) => c.name === "name")?.node.text === name);
  if (local.length > 0) return local.every((m) => isFalseLiteral(m.captures.find((c) => c.name === "value")?.node));
  return isFalseLiteral(ctx.model.moduleAssignments.get(name));
}

/** Names a figure-creating call binds (`fig = plt.figure()`, `fig, ax = plt.subplots()`), and names bound from those (`ax = fig.add_subplot()`). */
function figureNames(owner: FunctionInfo, creates: readonly SyntaxNode[]): Set<string> {
  const names = new Set<string>();
  for (const create of creates) {
    if (!inside(create, owner.node)) continue;
    const assignment = create.parent;
    if (assignment?.type !== "assignment" || assignment.childForFieldName("right")?.startIndex !== create.startIndex) continue;
    const left = assignment.childForFieldName("left");
    if (left?.type === "identifier") names.add(left.text);
    else for (const id of left?.descendantsOfType("identifier") ?? []) names.add(id.text);
  }
  for (const m of assignmentQuery.matches(owner.node)) {
    const name = m.captures.find((c) => c.name === "name")?.node.text;
    const root = m.captures.find((c) => c.name === "value")?.node.text.match(/^[A-Za-z_]\w*/)?.[0];
    if (name && root && names.has(root)) names.add(name);
  }
  return names;
}

/**
 * The test or fixture calls a function of the same file (a module-level function, or a method of its
 * class through `self`/`cls`) that closes figures, passing it the figure, or that closes the current or
 * every figure (`plt.close()`, `plt.close("all")`).
 */
function closedByHelper(ctx: FileContext, owner: FunctionInfo, calls: ReturnType<typeof figureCalls>): boolean {
  const names = figureNames(owner, calls.creates);
  for (const call of owner.body.descendantsOfType("call")) {
    const callee = call.childForFieldName("function");
    const helper = sameFileFunction(ctx, owner, callee);
    if (!helper || helper === owner) continue;
    const closes = calls.closes.filter((c) => inside(c.node, helper.node));
    if (closes.length === 0) continue;
    if (closes.some((c) => c.all || callArgumentCount(c.node) === 0)) return true;
    const args = call.childForFieldName("arguments")?.namedChildren ?? [];
    const passed = (n: SyntaxNode) => n.type === "identifier" && names.has(n.text);
    if (args.some((a) => passed(a) || (a.type === "keyword_argument" && passed(a.childForFieldName("value") ?? a)))) return true;
  }
  return false;
}

function callArgumentCount(call: SyntaxNode): number {
  return call.childForFieldName("arguments")?.namedChildren.filter((c) => c.type !== "comment").length ?? 0;
}

function sameFileFunction(ctx: FileContext, owner: FunctionInfo, callee: SyntaxNode | null): FunctionInfo | undefined {
  if (callee?.type === "identifier") return ctx.model.topLevelFunctions.get(callee.text);
  if (callee?.type !== "attribute" || !owner.cls) return undefined;
  const object = callee.childForFieldName("object")?.text;
  if (object !== "self" && object !== "cls") return undefined;
  const method = callee.childForFieldName("attribute")?.text ?? "";
  for (const k of ctx.collection.lineage(owner.cls)) {
    const found = k.methods.get(method);
    if (found) return found;
  }
  return undefined;
}

/** Something in the same file closes every figure around this test or fixture. */
function closedAround(ctx: FileContext, fn: FunctionInfo): boolean {
  const { model, tree } = ctx;
  if (fn.decorators.some((d) => CLOSING_DECORATORS.has(resolveName(model, d.type === "call" ? d.childForFieldName("function") : d) ?? ""))) return true;
  const closes = (f: FunctionInfo) => closesAllFigures(tree, model, f);
  for (const top of model.topLevelFunctions.values()) {
    if ((top.fixture?.autouse === true || MODULE_XUNIT.has(top.name) || (ctx.isConftest && top.name.startsWith("pytest_runtest_"))) && closes(top)) return true;
  }
  for (let cls: ClassInfo | undefined = fn.cls; cls; cls = cls.parentClass) {
    if (hasBaseFromElsewhere(ctx, cls)) return true;
    for (const k of ctx.collection.lineage(cls)) {
      for (const method of k.methods.values()) {
        if ((method.fixture?.autouse === true || CLASS_XUNIT.has(method.name)) && closes(method)) return true;
      }
    }
  }
  return false;
}
