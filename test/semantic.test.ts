import { describe, expect, it } from "vitest";
import { ModuleModel } from "../src/engine/model.js";
import { parse, type SyntaxNode } from "../src/engine/parser.js";
import { semanticOf } from "../src/engine/semantic/bindings.js";
import { enclosingFunctions } from "../src/engine/semantic/enclosing.js";
import { mayBindIn } from "../src/engine/semantic/local-names.js";

/** The source with its `«…»`-marked spot removed, and that spot's offset. */
function marked(source: string): { text: string; at: number; end: number } {
  const at = source.indexOf("«");
  const end = source.indexOf("»") - 1;
  expect(at, "the source marks no spot").toBeGreaterThanOrEqual(0);
  return { text: source.replace("«", "").replace("»", ""), at, end };
}

/** The semantic model of a source, and the node spanning its marked spot. */
function at(source: string) {
  const { text, at: start, end } = marked(source);
  const model = new ModuleModel(parse(text), text);
  let node: SyntaxNode = model.tree.rootNode.descendantForIndex(start, end);
  while (node.parent && (node.startIndex !== start || node.endIndex !== end)) node = node.parent;
  return { model, semantic: semanticOf(model), node, offset: start };
}

function bindingOf(source: string) {
  const { semantic, node } = at(source);
  const root = node.type === "attribute" ? rootOf(node) : node;
  return semantic.bindingFor(root);
}

function rootOf(node: SyntaxNode): SyntaxNode {
  let cur = node;
  while (cur.type === "attribute") cur = cur.childForFieldName("object") as SyntaxNode;
  return cur;
}

describe("bindings by Python's scoping rules", () => {
  const shadowed = "import numpy as np\n\ndef test_a():\n    np = make()\n    «np».zeros(10)\n\ndef test_b():\n    np.zeros(10)\n";

  it("a function-local name shadows the module's import there, and only there", () => {
    const local = bindingOf(shadowed);
    expect(local?.kind).toBe("assignment");
    expect(local?.scope.kind).toBe("function");
    const { semantic, model } = at(shadowed);
    const otherUse = model.tree.rootNode.text.lastIndexOf("np.zeros");
    const outside = semantic.bindingAt("np", otherUse);
    expect(outside).toMatchObject({ kind: "import", qualified: "numpy", isModule: true });
    expect(outside?.scope.kind).toBe("module");
  });

  it("resolves a qualified name through the binding in scope: the local shadow resolves to nothing", () => {
    const { model, node } = at(shadowed.replace("«np».zeros", "«np.zeros»"));
    expect(model.resolver.resolve(node)).toBeUndefined();
    const other = at("import numpy as np\n\ndef test_b():\n    return «np.zeros»(10)\n");
    expect(other.model.resolver.resolve(other.node)).toBe("numpy.zeros");
  });

  it("binds `importorskip` at module level as a module import", () => {
    const source = 'import pytest\n\nnp = pytest.importorskip("numpy")\n\ndef test_a():\n    «np.zeros»((10000, 10000))\n';
    const { semantic, node, model } = at(source);
    expect(semantic.bindingFor(rootOf(node))).toMatchObject({ kind: "importorskip", qualified: "numpy", isModule: true });
    expect(model.resolver.resolve(node)).toBe("numpy.zeros");
  });

  it("binds `importorskip` in a function there, not at module level", () => {
    const source = 'import pytest\n\ndef test_a():\n    np = pytest.importorskip("numpy")\n    «np.zeros»((10000, 10000))\n\ndef test_b():\n    np.ones(3)\n';
    const { semantic, node, model } = at(source);
    const binding = semantic.bindingFor(rootOf(node));
    expect(binding).toMatchObject({ kind: "importorskip", qualified: "numpy" });
    expect(binding?.scope.kind).toBe("function");
    expect(model.resolver.resolve(node)).toBe("numpy.zeros");
    expect(semantic.moduleScope().has("np")).toBe(false);
    expect(semantic.bindingAt("np", model.tree.rootNode.text.lastIndexOf("np.ones"))).toBeUndefined();
  });

  it("a parameter named like an import is the parameter", () => {
    const source = "import mock\n\ndef test_a(mock):\n    «mock.patch»('x')\n";
    const { semantic, node, model } = at(source);
    expect(semantic.bindingFor(rootOf(node))).toMatchObject({ kind: "parameter" });
    expect(model.resolver.resolve(node)).toBeUndefined();
    // Without a position, the module's import.
    expect(model.resolver.resolveName("mock")).toBe("mock");
  });

  it("binds a `with ... as` target, tuples included", () => {
    expect(bindingOf('from unittest.mock import patch\n\ndef test_a():\n    with patch("os.getcwd") as m:\n        «m».return_value = "/"\n')).toMatchObject({ kind: "with" });
    expect(bindingOf("def test_a():\n    with open(a) as (f, «g»):\n        pass\n    g.read()\n")?.kind).toBe("with");
  });

  it("a class's names are visible in its body, not in its methods", () => {
    const inBody = bindingOf("N = 1\n\nclass TestA:\n    N = 2\n    M = «N»\n");
    expect(inBody?.scope.kind).toBe("class");
    const inMethod = bindingOf("N = 1\n\nclass TestA:\n    N = 2\n\n    def test_a(self):\n        return «N»\n");
    expect(inMethod?.scope.kind).toBe("module");
    expect(bindingOf("class TestA:\n    N = 2\n\n    def test_a(self):\n        return «N»\n")).toBeUndefined();
  });

  it("finds an enclosing function's binding from a nested function, and follows `global`", () => {
    const nested = bindingOf("def outer():\n    size = 10\n\n    def inner():\n        return «size»\n");
    expect(nested?.scope.node?.type).toBe("function_definition");
    expect(nested?.kind).toBe("assignment");
    const declared = bindingOf("N = 1\n\ndef test_a():\n    global N\n    N = 2\n    return «N»\n");
    expect(declared?.scope.kind).toBe("module");
  });

  it("a comprehension's target is its own, and an assignment expression binds in the function", () => {
    expect(bindingOf("n = 5\n\ndef test_a():\n    return [«n» for n in range(3)]\n")?.scope.kind).toBe("comprehension");
    expect(bindingOf("n = 5\n\ndef test_a():\n    xs = [n for n in range(3)]\n    return «n»\n")?.scope.kind).toBe("module");
    expect(bindingOf("def test_a():\n    if (k := compute()) > 1:\n        pass\n    return «k»\n")).toMatchObject({ kind: "walrus" });
  });

  it("binds for and except targets, local imports, and builtins last", () => {
    expect(bindingOf("def test_a():\n    for i, (a, b) in pairs:\n        «b»\n")?.kind).toBe("for");
    expect(bindingOf("def test_a():\n    try:\n        pass\n    except ValueError as err:\n        «err»\n")?.kind).toBe("except");
    expect(bindingOf("def test_a():\n    import gc\n    «gc».collect()\n")).toMatchObject({ kind: "import", qualified: "gc" });
    expect(bindingOf("def test_a():\n    from os import path as p\n    «p».join('a')\n")).toMatchObject({ kind: "from-import", qualified: "os.path" });
    expect(bindingOf("def test_a():\n    return «range»(3)\n")).toMatchObject({ kind: "builtin", qualified: "builtins.range" });
    expect(bindingOf("def test_a():\n    return «gc».collect()\n")).toBeUndefined();
  });

  it("in the scope of the use, the binding before it is the one visible", () => {
    const source = "def test_a():\n    n = 1\n    use(n)\n    n = 2\n    «n»\n";
    const { semantic, node } = at(source);
    const binding = semantic.bindingFor(node);
    expect(binding?.value?.text).toBe("2");
    const first = semantic.bindingAt("n", source.indexOf("use(n)"));
    expect(first?.value?.text).toBe("1");
  });

  it("says from where a binding holds and what it is given, beyond a plain assignment's value", () => {
    const source = [
      "def test_a(m):",
      "    m = m.child",
      "    a, b = make(), other()",
      "    first, *rest = items",
      "    with patch('x') as p, opened() as (q, r):",
      "        pass",
      "    if (w := compute()):",
      "        pass",
      "    try:",
      "        pass",
      "    except ValueError as e:",
      "        pass",
      "    «m»",
      "",
    ].join("\n");
    const { semantic, node } = at(source);
    const text = node.tree.rootNode.text;
    const scope = semantic.scopeOf(node.parent?.parent?.parent as SyntaxNode);
    const only = (name: string) => scope.bindingsOf(name).find((b) => b.kind !== "parameter");
    const [parameter, assigned] = scope.bindingsOf("m");
    expect(parameter?.holdsFrom).toBe(0);
    // `m = m.child` reads the parameter: the new binding holds from the end of the assignment.
    expect(assigned?.holdsFrom).toBe(text.indexOf("m = m.child") + "m = m.child".length);
    expect(assigned?.holds?.text).toBe("m.child");
    expect(only("a")?.holds?.text).toBe("make()");
    expect(only("b")?.holds?.text).toBe("other()");
    // Constant evaluation reads `value`: only a plain `name = value` sets it.
    expect(only("b")?.value).toBeUndefined();
    expect(only("first")?.holds).toBeUndefined();
    expect(only("rest")?.holds).toBeUndefined();
    expect(only("p")?.holds?.text).toBe("patch('x')");
    expect(only("p")?.holdsFrom).toBe(text.indexOf(" as p") + " as p".length);
    expect(only("q")?.holds).toBeUndefined();
    expect(only("w")?.holds?.text).toBe("compute()");
    expect(only("w")?.holdsFrom).toBe(text.indexOf("(w := compute())") + "(w := compute()".length);
    expect(only("e")?.holdsFrom).toBe(text.indexOf(" as e") + " as e".length);
  });
});

describe("the scope at an offset (the mock rules' lookup)", () => {
  const source = [
    "import pytest",
    "",
    "@pytest.mark.parametrize('n', [1])",
    "def outer(p=DEFAULT):",
    "    f = lambda: INLAMBDA",
    "    class Inner(Base):",
    "        attr = CLASSBODY",
    "        def method(self):",
    "            return INMETHOD",
    "    return INOUTER",
    "",
    "AFTER = 1",
    "",
  ].join("\n");
  const model = new ModuleModel(parse(source), source);
  const semantic = semanticOf(model);
  const scopeAt = (word: string) => semantic.scopeAt(source.indexOf(word));

  it("is the function or class whose body holds it; decorators, defaults and bases are outside", () => {
    expect(scopeAt("@pytest").kind).toBe("module");
    expect(scopeAt("DEFAULT").kind).toBe("module");
    expect(scopeAt("INOUTER").fn?.name).toBe("outer");
    expect(scopeAt("Base").fn?.name).toBe("outer");
    expect(scopeAt("CLASSBODY").cls?.name).toBe("Inner");
    expect(scopeAt("INMETHOD").fn?.name).toBe("method");
    expect(scopeAt("AFTER")).toBe(semantic.moduleScope());
  });

  it("does not count a lambda: its body is in the function around it", () => {
    expect(scopeAt("INLAMBDA").fn?.name).toBe("outer");
  });

  it("is the table's scope, with the scopes around it as parents (class, function, module)", () => {
    const method = scopeAt("INMETHOD");
    expect(method).toBe(semantic.scopeOf(method.node as SyntaxNode));
    expect(method.parent?.kind).toBe("class");
    expect(method.parent?.parent?.fn?.name).toBe("outer");
    expect(method.parent?.parent?.parent).toBe(semantic.moduleScope());
    expect(scopeAt("INOUTER").bindingsOf("f").map((b) => b.kind)).toEqual(["assignment"]);
    expect(scopeAt("INOUTER").bindingsOf("p").map((b) => b.kind)).toEqual(["parameter"]);
  });
});

describe("the resolver's one scope-aware path", () => {
  const resolve = (source: string) => {
    const { model, node } = at(source);
    return model.resolver.resolve(node);
  };

  it("a parameter named like a module import is the parameter; its default is looked up outside", () => {
    expect(resolve("import numpy as np\n\ndef test_a(np):\n    «np.zeros»((10000, 10000))\n")).toBeUndefined();
    expect(resolve("import numpy as np\n\ndef test_a(x=«np.zeros»(3)):\n    pass\n")).toBe("numpy.zeros");
    expect(resolve("import numpy as np\n\nclass TestA:\n    def test_a(self, np):\n        «np.zeros»(3)\n")).toBeUndefined();
  });

  it("pytest-mock's fixture as a parameter is the fixture", () => {
    expect(resolve("def test_a(mocker):\n    «mocker.patch»('os.getcwd')\n")).toBe("pytest_mock.mocker.patch");
  });

  it("an import in one function resolves there and in functions nested in it, not in another function", () => {
    const source = "def test_a():\n    import numpy as np\n    «np.zeros»(3)\n\ndef test_b():\n    np.ones(3)\n";
    expect(resolve(source)).toBe("numpy.zeros");
    expect(resolve(source.replace("«np.zeros»", "np.zeros").replace("np.ones", "«np.ones»"))).toBeUndefined();
    expect(resolve("def test_a():\n    from numpy import zeros as z\n\n    def inner():\n        return «z»(3)\n")).toBe("numpy.zeros");
  });

  it("a local binding that is not an import resolves to nothing: assignment, tuple target, with, for, except, walrus", () => {
    const uses = [
      "    np = make()\n",
      "    a, np = make()\n",
      "    with make() as np:\n        pass\n",
      "    for np in make():\n        pass\n",
      "    try:\n        pass\n    except ValueError as np:\n        pass\n",
      "    if (np := make()):\n        pass\n",
    ];
    for (const binds of uses) expect(resolve(`import numpy as np\n\ndef test_a():\n${binds}    «np.zeros»(3)\n`), binds).toBeUndefined();
    expect(resolve("import numpy as np\n\ndef outer():\n    np = make()\n\n    def inner():\n        return «np.zeros»(3)\n")).toBeUndefined();
  });

  it("binds `importorskip` locally to the module it imports", () => {
    expect(resolve('import pytest\n\ndef test_a():\n    np = pytest.importorskip("numpy")\n    «np.zeros»(3)\n')).toBe("numpy.zeros");
  });

  it("a class's names are visible in its body, not in its methods; `global` means the module's binding", () => {
    expect(resolve("class TestA:\n    import numpy as np\n    data = «np.zeros»(3)\n")).toBe("numpy.zeros");
    expect(resolve("class TestA:\n    import numpy as np\n\n    def test_a(self):\n        «np.zeros»(3)\n")).toBeUndefined();
    expect(resolve("from unittest import mock\n\nclass TestA:\n    @«mock.patch»('os.getcwd')\n    def test_a(self, m):\n        pass\n\n    def mock(self):\n        pass\n")).toBe("unittest.mock.patch");
    expect(resolve("import numpy as np\n\ndef test_a():\n    global np\n    np = make()\n    «np.zeros»(3)\n")).toBe("numpy.zeros");
  });

  it("looks at a function's binding table only when its text may bind the name", () => {
    const binds = (body: string) => mayBindIn(body, 0, body.length, "np");
    for (const body of [
      "np = 1", "np += 1", "np: int", "(np := f())", "a, np = f()", "[a, (b, np)] = f()", "for i, np in f():", "import numpy as np",
      "import np", "from m import (\n    a,\n    np,\n)", "from m import (a,\n    b, np)", "with f() as np:", "with f() as (a,\n        np):",
      "except E as np:", "except (A, B) as np:", "global a, np", "del a, np", "def np():", "class np:", "for (a, np) in f():",
      "import np.linalg", "async def np(x):", "class np(Base):",
    ]) expect(binds(body), body).toBe(true);
    for (const body of ["np.zeros(3)", "np(3)", "np.x = 1", "with f() as a, np.errstate():", "a, np.x = f()", "f(np)", "x = np.ones(3)", "if np == 1:", "nps = 1", "x.np = 1", "assert np != 2", "for x in np.arange(3):", "with np.errstate() as e:", "def f(): return np"]) expect(binds(body), body).toBe(false);
  });

  it("a name used before its local import is still that local", () => {
    expect(resolve("import numpy as np\n\ndef test_a():\n    «np.zeros»(3)\n    from fake import np\n")).toBe("fake.np.zeros");
  });
});

describe("enclosing functions", () => {
  it("lists the functions whose body holds a node, innermost first; decorators and defaults belong outside", () => {
    const source = "def outer():\n    def inner(x=«default»):\n        pass\n";
    const { model, node } = at(source);
    expect(enclosingFunctions({ model }, node).functions.map((f) => f.name)).toEqual(["outer"]);
    const inBody = at("def outer():\n    def inner():\n        return «x»\n");
    const found = enclosingFunctions({ model: inBody.model }, inBody.node);
    expect(found.functions.map((f) => f.name)).toEqual(["inner", "outer"]);
    expect(found.innermost?.type).toBe("function_definition");
    const inLambda = at("def outer():\n    f = lambda: «x»\n");
    expect(enclosingFunctions({ model: inLambda.model }, inLambda.node).innermost?.type).toBe("lambda");
  });
});

describe("one name's bindings without the whole table (bindingsNamed)", () => {
  const source = [
    "import os",
    "def test_all(m, *rest, k: int = 1, **kw):",
    "    m = make()",
    "    a = b = m",
    "    x, (m, y) = 1, (2, 3)",
    "    m += 1",
    "    m: int = 4",
    "    for m, n in pairs: pass",
    "    with open(p) as m, ctx() as (q, m): pass",
    "    try:",
    "        import m.sub",
    "        from pkg import thing as m",
    "    except E as m:",
    "        del m",
    "    if (m := 5): pass",
    "    def m(): m = 1",
    "    class m: pass",
    "    lambda m: m",
    "    [m for m in xs]",
    "    global g",
    "    nonlocal_ = m.attr = 6",
    "    xm = mx = 7",
    "class Holder:",
    "    m = 1",
    "    def method(self, m=m): return m",
    "",
  ].join("\n");

  it("gives a function's or class's bindings of each name as its filled table does, in order", () => {
    const words = (name: string) => [...source.matchAll(new RegExp(`(?<![A-Za-z0-9_])${name}(?![A-Za-z0-9_])`, "g"))].map((m) => m.index);
    const names = ["m", "a", "b", "x", "y", "n", "q", "k", "kw", "rest", "os", "g", "xm", "mx", "nonlocal_", "absent"];
    const describe = (b: { name: string; kind: string; node: SyntaxNode; holdsFrom: number; direct: boolean; holds?: SyntaxNode }) =>
      `${b.name} ${b.kind} ${b.node.startIndex} ${b.holdsFrom} ${b.direct} ${b.holds?.startIndex ?? "-"}`;
    let compared = 0;
    for (const offset of [source.indexOf("m = make"), source.indexOf("m = 1\n    def method"), source.indexOf("return m")]) {
      // Separate models: the named lookup must not find the table already built.
      const named = semanticOf(new ModuleModel(parse(source), source));
      const full = semanticOf(new ModuleModel(parse(source), source)).scopeAt(offset);
      for (const name of names) {
        const scope = named.scopeAt(offset);
        const found = named.bindingsNamed(scope, name, words(name));
        expect(found.map(describe), name).toEqual(full.bindingsOf(name).map(describe));
        expect(found.every((b) => b.scope === scope)).toBe(true);
        expect(scope.isFilled).toBe(false);
        compared += found.length;
      }
    }
    expect(compared).toBeGreaterThan(20);
  });
});
