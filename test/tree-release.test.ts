/**
 * Large runs parse with web-tree-sitter and free each file's trees when its check ends (flat memory
 * however many files a run checks); a conftest.py tree the files below read stays usable.
 */
import { describe, expect, it } from "vitest";
import { freeTreesAfter, keepTree, loadParser, parse, parserBackend } from "../src/engine/parser.js";
import { cli, makeTree } from "./helpers.js";

// The test setup loads the parser before any test: the trees are freed in the wasm vitest project
// (PYTEST_MEMLINT_PARSER=wasm); the native project runs the CLI, which chooses for itself.
const forced = process.env["PYTEST_MEMLINT_PARSER"];

describe.skipIf(forced !== "wasm")("freeing trees file by file", () => {
  it("the WebAssembly parser frees the trees of a check, except those kept", async () => {
    await loadParser();
    expect((await parserBackend()).name).toBe("wasm");
    const address = (tree: object) => (tree as { 0: number })[0];
    let freed: object | undefined;
    let keptTree: ReturnType<typeof parse> | undefined;
    const answer = freeTreesAfter(() => {
      freed = parse("def test_a():\n    pass\n");
      keptTree = parse("import pytest\n");
      keepTree(keptTree);
      expect(address(freed)).not.toBe(0);
      return freed === undefined ? 0 : 42;
    });
    expect(answer).toBe(42);
    expect(address(freed as object)).toBe(0);
    expect(keptTree?.rootNode.type).toBe("module");
    expect(keptTree?.rootNode.child(0)?.type).toBe("import_statement");
  });

  it("frees them when the check throws too", () => {
    let tree: object | undefined;
    expect(() =>
      freeTreesAfter(() => {
        tree = parse("x = 1\n");
        throw new Error("a rule failed");
      }),
    ).toThrow("a rule failed");
    expect((tree as { 0: number })[0]).toBe(0);
  });
});

describe.skipIf(forced === "wasm")("the parser a run uses", () => {
  it("a run of 100 files or more gives the same findings as the native parser, with one thread and with workers", () => {
    const files: Record<string, string> = { "pytest.ini": "[pytest]\naddopts = -n auto\n", "tests/conftest.py": "import pytest\n\n@pytest.fixture\ndef client():\n    return object()\n" };
    for (let i = 0; i < 110; i++) files[`tests/test_m${i}.py`] = `from unittest.mock import MagicMock\n\n\nclass TestM${i}:\n    def test_a(self, client):\n        m = MagicMock()\n        assert m.a.b.c.d.e\n`;
    const cwd = makeTree(files);
    const native = cli(["--format", "json", "--no-cache", "--jobs", "1"], { cwd, env: { PYTEST_MEMLINT_PARSER: "native" } });
    expect(native.code).toBe(1);
    expect(native.stdout.match(/"code":/g)?.length).toBeGreaterThan(110);
    for (const jobs of ["1", "2"]) {
      const chosen = cli(["--format", "json", "--no-cache", "--jobs", jobs], { cwd, env: { PYTEST_MEMLINT_PARSER: "" } });
      expect(chosen.stderr).toBe("");
      expect(chosen.stdout).toBe(native.stdout);
    }
  });

  it("a bad PYTEST_MEMLINT_PARSER with worker threads is the same one error line, exit 2", () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 120; i++) files[`tests/test_m${i}.py`] = "def test_a():\n    pass\n";
    const r = cli(["--no-cache", "--jobs", "2", "tests"], { cwd: makeTree(files), env: { PYTEST_MEMLINT_PARSER: "rust" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: PYTEST_MEMLINT_PARSER must be 'native' or 'wasm', not 'rust'\n");
  });
});
