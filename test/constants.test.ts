import { describe, expect, it } from "vitest";
import { constantsOf, rangeCount } from "../src/engine/semantic/constants.js";
import { ModuleModel } from "../src/engine/model.js";
import { compileQuery, parse, type SyntaxNode } from "../src/engine/parser.js";

const targetQuery = compileQuery("(call function: (identifier) @f (#eq? @f \"target\") arguments: (argument_list (_) @arg))");

/** Evaluates the argument of the last `target(<expr>)` call in a module. */
function evaluate(source: string) {
  const tree = parse(source);
  const model = new ModuleModel(tree, source);
  const args = targetQuery.captures(tree.rootNode).filter((c) => c.name === "arg");
  const arg = args[args.length - 1]?.node as SyntaxNode;
  expect(arg, "the source has no target(...) call").toBeDefined();
  const consts = constantsOf(model);
  return { value: consts.evaluate(arg), int: consts.int(arg), shape: consts.shapeSize(arg), range: consts.rangeLength(arg) };
}

describe("constant evaluation of sizes", () => {
  it.each([
    ["10000", 10000],
    ["10_000", 10000],
    ["0x10", 16],
    ["0o17", 15],
    ["0b101", 5],
    ["10**6", 1_000_000],
    ["2 ** 20", 1_048_576],
    ["1024 * 1024", 1_048_576],
    ["(1000 + 24) * 2", 2048],
    ["10 // 3", 3],
    ["-7 // 2", -4],
    ["10 % 4", 2],
    ["1 << 20", 1_048_576],
    ["-(5)", -5],
    ["int(1e6)", 1_000_000],
    ["int(2.5e3)", 2500],
    ["int(10 / 4)", 2],
  ])("%s is the integer %d", (expr, expected) => {
    expect(evaluate(`target(${expr})`).int).toBe(expected);
  });

  it("keeps floats apart from integers: 1e6 alone, 10 / 2 and 2 ** -1 are floats", () => {
    expect(evaluate("target(1e6)").value).toEqual({ kind: "float", value: 1e6 });
    expect(evaluate("target(1e6)").int).toBeUndefined();
    expect(evaluate("target(10 / 2)").value).toEqual({ kind: "float", value: 5 });
    expect(evaluate("target(2 ** -1)").value).toEqual({ kind: "float", value: 0.5 });
  });

  it.each([
    ["(1000, 1000)", 1_000_000],
    ["[64, 64, 3]", 12288],
    ["(10**3,)", 1000],
    ["4096", 4096],
  ])("the shape %s has %d elements", (expr, expected) => {
    expect(evaluate(`target(${expr})`).shape).toBe(expected);
  });

  it("a shape with an unknown or negative dimension has no size", () => {
    expect(evaluate("target((n, 1000))").shape).toBeUndefined();
    expect(evaluate("target((-1, 1000))").shape).toBeUndefined();
    expect(evaluate("target((1000, 1.5))").shape).toBeUndefined();
  });

  it.each([
    ["range(10)", 10],
    ["range(2, 10)", 8],
    ["range(0, 10, 3)", 4],
    ["range(10, 0, -2)", 5],
    ["range(10, 0)", 0],
    ["range(-5)", 0],
    ["range(0, 20_000, 2)", 10000],
    ["range(10**6)", 1_000_000],
  ])("len(%s) is %d", (expr, expected) => {
    expect(evaluate(`target(${expr})`).range).toBe(expected);
  });

  it("a range with a zero step, keywords, splats or a shadowed `range` has no length", () => {
    expect(evaluate("target(range(0, 10, 0))").range).toBeUndefined();
    expect(evaluate("target(range(*args))").range).toBeUndefined();
    expect(evaluate("def range(n):\n    return []\ntarget(range(10))").range).toBeUndefined();
    expect(evaluate("from mylib import range\ntarget(range(10))").range).toBeUndefined();
  });

  it("reads module-level constants, through other constants", () => {
    expect(evaluate("N = 10_000\ntarget(N)").int).toBe(10000);
    expect(evaluate("N = 100\nM = N * N\ntarget(M)").int).toBe(10000);
    expect(evaluate("SHAPE = (1000, 1000)\ntarget(SHAPE)").shape).toBe(1_000_000);
    expect(evaluate("N: int = 5000\ntarget(N)").int).toBe(5000);
    expect(evaluate("A = B = 7\ntarget(A)").int).toBe(7);
    expect(evaluate("N = 10_000\ndef test():\n    target(N)").int).toBe(10000);
  });

  it("a module name bound twice, conditionally, by import, by `global` or augmented is unknown", () => {
    expect(evaluate("N = 1\nN = 2\ntarget(N)").int).toBeUndefined();
    expect(evaluate("N = 1\nif x:\n    N = 2\ntarget(N)").int).toBeUndefined();
    expect(evaluate("N = 1\nN += 1\ntarget(N)").int).toBeUndefined();
    expect(evaluate("from config import N\ntarget(N)").int).toBeUndefined();
    expect(evaluate("N = 1\nfrom config import *\ntarget(N)").int).toBeUndefined();
    expect(evaluate("from config import *\nN = 1\ntarget(N)").int).toBe(1);
    expect(evaluate("N = 1\ndef grow():\n    global N\n    N = 10**9\ntarget(N)").int).toBeUndefined();
    expect(evaluate("N, M = 1, 2\ntarget(N)").int).toBeUndefined();
    expect(evaluate("for N in range(3):\n    pass\ntarget(N)").int).toBeUndefined();
  });

  it("a local name shadows the module constant; a local constant bound once is read", () => {
    expect(evaluate("N = 10_000\ndef test(N):\n    target(N)").int).toBeUndefined();
    expect(evaluate("N = 10_000\ndef test(*N):\n    target(N)").int).toBeUndefined();
    expect(evaluate("N = 10_000\ndef test():\n    N = read()\n    target(N)").int).toBeUndefined();
    expect(evaluate("N = 10_000\ndef test():\n    for N in (1, 2):\n        target(N)").int).toBeUndefined();
    expect(evaluate("def test():\n    n = 5000\n    target(n)").int).toBe(5000);
    expect(evaluate("def test():\n    n = 5000\n    n = 6000\n    target(n)").int).toBeUndefined();
    expect(evaluate("def outer():\n    n = 300\n    def inner():\n        target(n)").int).toBe(300);
    expect(evaluate("n = 1\ndef test(size=n):\n    target(size)").int).toBeUndefined();
  });

  it("reads bindings by scope: comprehension targets are their own, every other target binds the function", () => {
    expect(evaluate("def test():\n    n = 5000\n    target([n for n in range(3)])").int).toBeUndefined();
    expect(evaluate("def test():\n    size = 5000\n    xs = [x for x in range(3)]\n    target(size)").int).toBe(5000);
    expect(evaluate("def test():\n    n = 5000\n    if (n := read()):\n        target(n)").int).toBeUndefined();
    expect(evaluate("def test():\n    n = 5000\n    with open(f) as n:\n        target(n)").int).toBeUndefined();
    expect(evaluate("def test():\n    n = 5000\n    try:\n        pass\n    except E as n:\n        target(n)").int).toBeUndefined();
    expect(evaluate("def test():\n    n = 5000\n    def inner():\n        n = 1\n    target(n)").int).toBeUndefined();
    expect(evaluate("def test():\n    n = 5000\n    def inner(n):\n        pass\n    target(n)").int).toBe(5000);
    expect(evaluate("N = 1\ntry:\n    import N\nexcept ImportError:\n    pass\ntarget(N)").int).toBeUndefined();
  });

  it("class-body names are not visible inside methods", () => {
    expect(evaluate("N = 10\nclass T:\n    N = 20\n    def test(self):\n        target(N)").int).toBe(10);
    expect(evaluate("class T:\n    N = 20\n    target(N)").int).toBe(20);
  });

  it("unknown expressions stay unknown: names, attributes, calls, strings, conditionals, cycles", () => {
    for (const expr of ["n", "self.n", "len(x)", "'10000'", "a if b else c", "float('inf')", "10 / 0", "10 // 0", "1j", "10**400", "~5", "foo(10)"]) {
      expect(evaluate(`target(${expr})`).int, expr).toBeUndefined();
    }
    expect(evaluate("A = B\nB = A\ntarget(A)").int).toBeUndefined();
    expect(evaluate("int = float\ntarget(int(1e6))").int).toBeUndefined();
  });

  it("deeply nested expressions are unknown, not a stack overflow", () => {
    const deep = "(".repeat(5000) + "1" + ")".repeat(5000);
    expect(evaluate(`target(${deep})`).int).toBeUndefined();
    const long = Array.from({ length: 3000 }, () => "1").join(" + ");
    expect(evaluate(`target(${long})`).int).toBeUndefined();
  });

  it("rangeCount follows Python's len(range(...))", () => {
    expect(rangeCount(0, 10, 1)).toBe(10);
    expect(rangeCount(0, 10, 4)).toBe(3);
    expect(rangeCount(10, 0, -3)).toBe(4);
    expect(rangeCount(0, 0, 1)).toBe(0);
    expect(rangeCount(0, 1, 0)).toBeUndefined();
    expect(rangeCount(0, 1, 0.25)).toBe(4);
  });
});
