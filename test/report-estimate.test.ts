import { describe, expect, it } from "vitest";
import { DEFAULT_HEAVY_CONSTRUCTORS } from "../src/rules/shared/test-data.js";
import { ModuleModel } from "../src/engine/model.js";
import { parse } from "../src/engine/parser.js";
import { timesBuilt } from "../src/suite-report/build.js";
import { estimateBody, estimateEnv, estimateExpression, paramsCount, PY_SIZES } from "../src/suite-report/estimate.js";
import { DEFAULT_HEAVY_COST, HEAVY_CONSTRUCTOR_COSTS } from "../src/suite-report/heavy-costs.js";

const PRELUDE = "import numpy as np\nimport pytest\nimport torch\nfrom sentence_transformers import SentenceTransformer\nN = 1000\nSHAPE = (N, 4)\n";

function modelOf(source: string): ModuleModel {
  return new ModuleModel(parse(PRELUDE + source), PRELUDE + source);
}

/** The estimate of the value assigned to `x` at module level. */
function sizeOf(expr: string, heavy: readonly string[] = DEFAULT_HEAVY_CONSTRUCTORS) {
  const model = modelOf(`x = ${expr}\n`);
  const node = model.moduleAssignments.get("x");
  if (!node) throw new Error("no assignment");
  return estimateExpression(estimateEnv(model, heavy), node);
}

const NP = PY_SIZES.numpyHeader;
const TORCH = PY_SIZES.torchHeader;

describe("arrays by dtype and shape", () => {
  it.each([
    ["np.zeros((1000, 1000))", NP + 1_000_000 * 8],
    ["np.zeros((10, 10), dtype=np.float32)", NP + 100 * 4],
    ["np.ones(100, 'int8')", NP + 100],
    ["np.empty(SHAPE, dtype='float16')", NP + 4000 * 2],
    ["np.full((2, 3), True)", NP + 6],
    ["np.full((2, 3), 7)", NP + 6 * 8],
    ["np.arange(10)", NP + 80],
    ["np.arange(0, 1, 0.25)", NP + 4 * 8],
    ["np.random.rand(N, N)", NP + 1_000_000 * 8],
    ["np.random.randint(0, 10, size=(100, 100))", NP + 10_000 * 8],
    ["np.zeros((3, 3), dtype=complex)", NP + 9 * 16],
    ["np.zeros(10, dtype=np.uint8)", NP + 10],
    ["torch.zeros(2, 3)", TORCH + 6 * 4],
    ["torch.randn(1000, 1000, dtype=torch.float16)", TORCH + 1_000_000 * 2],
    ["torch.ones((64, 64), dtype=torch.bfloat16)", TORCH + 4096 * 2],
    ["torch.arange(10)", TORCH + 10 * 8],
    ["torch.full((4,), 1.5)", TORCH + 4 * 4],
    ["torch.empty(size=(10, 10), dtype=torch.int64)", TORCH + 100 * 8],
    ["np.array(range(1000))", NP + 1000 * 8],
  ])("%s", (expr, bytes) => {
    const e = sizeOf(expr);
    expect(e?.bytes).toBe(bytes);
    expect(e?.lowerBound).toBe(false);
    expect(e?.how).toMatch(/×/);
  });

  it("says which dtype it counted", () => {
    expect(sizeOf("np.zeros((10, 10), dtype=np.float32)")?.how).toBe("np.zeros: 100 × float32 (4 B)");
    expect(sizeOf("torch.zeros(2, 3)")?.how).toBe("torch.zeros: 6 × float32 (4 B)");
  });
});

describe("lists, ranges, strings", () => {
  const list = (n: number) => PY_SIZES.listHeader + 8 * n;

  it("sizes a list of ints from a range", () => {
    expect(sizeOf("list(range(1000))")?.bytes).toBe(list(1000) + 1000 * PY_SIZES.int);
    expect(sizeOf("[i for i in range(10, 110, 2)]")?.bytes).toBe(list(50) + 50 * PY_SIZES.int);
  });

  it("sizes nested lists", () => {
    // The outer list of 10 pointers, each element a list of 100 pointers to one shared 0.
    expect(sizeOf("[[0] * 100 for _ in range(10)]")?.bytes).toBe(list(10) + 10 * list(100));
    expect(sizeOf("[[j for j in range(5)] for i in range(3)]")?.bytes).toBe(list(3) + 3 * (list(5) + 5 * PY_SIZES.int));
  });

  it("counts a repeated list's items once", () => {
    expect(sizeOf("[0] * 10_000")?.bytes).toBe(list(10_000));
    // Literal constants are shared objects: only the pointers count.
    expect(sizeOf("[1.5, 2.5] * 10")?.bytes).toBe(list(20));
    expect(sizeOf("[i * 2.5 for i in range(10)]")?.bytes).toBe(list(10) + 10 * PY_SIZES.float);
  });

  it("keeps a range lazy", () => {
    expect(sizeOf("range(10**9)")?.bytes).toBe(PY_SIZES.range);
  });

  it("sizes strings and bytes literals", () => {
    expect(sizeOf('"hello"')?.bytes).toBe(PY_SIZES.strAsciiHeader + 5);
    expect(sizeOf('b"abc"')?.bytes).toBe(PY_SIZES.bytesHeader + 3);
    expect(sizeOf('"x" * 1000')?.bytes).toBe(PY_SIZES.strAsciiHeader + 1000);
    expect(sizeOf('b"ab" * 500')?.bytes).toBe(PY_SIZES.bytesHeader + 1000);
    expect(sizeOf("bytes(4096)")?.bytes).toBe(PY_SIZES.bytesHeader + 4096);
  });

  it("marks an estimate with elements it cannot size as a lower bound", () => {
    const e = sizeOf("[make(i) for i in range(100)]");
    expect(e?.bytes).toBe(list(100));
    expect(e?.lowerBound).toBe(true);
    const f = sizeOf('[f"user{i}" for i in range(10)]');
    expect(f?.lowerBound).toBe(true);
    expect(f?.bytes).toBe(list(10) + 10 * (PY_SIZES.strAsciiHeader + 4));
  });

  it("counts a heavy constructor at its documented fixed cost", () => {
    expect(sizeOf('SentenceTransformer("all-MiniLM-L6-v2")')?.bytes).toBe(HEAVY_CONSTRUCTOR_COSTS["SentenceTransformer"]);
    expect(sizeOf("Model()", ["Model"])).toBeUndefined(); // a local name the linter cannot resolve
    const model = modelOf("from acme import Model\nx = Model()\n");
    const node = model.moduleAssignments.get("x");
    expect(node && estimateExpression(estimateEnv(model, ["Model"]), node)?.bytes).toBe(DEFAULT_HEAVY_COST);
  });
});

describe("unknown sizes stay unknown", () => {
  it.each([
    "np.zeros(shape)",
    "np.zeros((n, 10))",
    "np.zeros(10, dtype=my_dtype)",
    "torch.randn(*dims)",
    "list(range(n))",
    "[i for i in range(n)]",
    "[i for i in range(10) if i % 2]",
    "[0] * count",
    "load_data()",
    "np.array(values)",
  ])("%s", (expr) => {
    expect(sizeOf(expr)).toBeUndefined();
  });

  it("gives a body with nothing sizable no estimate", () => {
    const model = modelOf("def fixture(n):\n    data = build(n)\n    return np.zeros(n)\n");
    const fn = model.functions.find((f) => f.name === "fixture");
    expect(fn && estimateBody(estimateEnv(model, []), fn).bytes).toBeUndefined();
  });
});

describe("fixture bodies and params", () => {
  it("sums what a body builds, not nested functions or the docstring", () => {
    const source = [
      "def fixture():",
      '    """A long docstring that is not data."""',
      "    a = np.zeros((100, 100))",
      "    b = [0] * 1000",
      "    def later():",
      "        return np.zeros((1000, 1000))",
      "    return a, b",
      "",
    ].join("\n");
    const model = modelOf(source);
    const fn = model.functions.find((f) => f.name === "fixture");
    if (!fn) throw new Error("no function");
    const body = estimateBody(estimateEnv(model, []), fn);
    expect(body.bytes).toBe(NP + 10_000 * 8 + PY_SIZES.listHeader + 8000);
    expect(body.lowerBound).toBe(false);
    expect(body.parts.map((p) => p.line)).toEqual([9, 10]);
  });

  it("counts params of a parametrized fixture", () => {
    const model = modelOf(
      [
        "@pytest.fixture(params=[1, 2, 3])",
        "def a(request): pass",
        "@pytest.fixture(params=range(4))",
        "def b(request): pass",
        "@pytest.fixture(params=list(range(5)))",
        "def c(request): pass",
        "@pytest.fixture(params=BACKENDS)",
        "def d(request): pass",
        "",
      ].join("\n"),
    );
    const env = estimateEnv(model, []);
    const counts = Object.fromEntries(model.functions.map((f) => [f.name, f.fixture ? paramsCount(env, f.fixture.decorator) : "none"]));
    expect(counts).toEqual({ a: 3, b: 4, c: 5, d: undefined });
  });

  it("multiplies the times built by the params", () => {
    const base = { classes: new Set(["A", "B"]), modules: new Set(["m"]), packages: new Set(["p"]), transitiveTests: 7 };
    expect(timesBuilt({ ...base, scope: "function", hasParams: true, params: 3 })).toEqual({ times: 21, how: "7 tests × 3 params" });
    expect(timesBuilt({ ...base, scope: "class", hasParams: false, params: 0 }).times).toBe(2);
    expect(timesBuilt({ ...base, scope: "module", hasParams: true, params: 2 }).times).toBe(2);
    expect(timesBuilt({ ...base, scope: "session", hasParams: false, params: 0 }).times).toBe(1);
    expect(timesBuilt({ ...base, scope: "function", hasParams: true, params: undefined }).how).toContain("count unknown");
  });
});
