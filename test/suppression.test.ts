import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LineIndex } from "../src/engine/lines.js";
import { parse } from "../src/engine/parser.js";
import { parseNoqa, Suppressions, suppressionsFor } from "../src/engine/suppress.js";
import type { Finding, TextFile } from "../src/engine/types.js";
import { check, cli, findingLines, makeTree, parseFindings } from "./helpers.js";

/** A mock-using test class (MEM102 on line `classLine`) whose teardown uses gc without importing it (MEM101). */
function suite(opts: { header?: string; classComment?: string; gcLine?: string } = {}): string {
  return `${opts.header ?? ""}from unittest.mock import MagicMock


class TestClient:${opts.classComment ?? ""}
    def teardown_method(self):
        ${opts.gcLine ?? "gc.collect()"}

    def test_get(self):
        assert MagicMock()
`;
}

async function lint(files: Record<string, string>, extra: Record<string, unknown> = {}): Promise<string[]> {
  const cwd = makeTree(files);
  // Only the MEM1xx rules: other rules are added concurrently and would change the expectations.
  const r = await check({ cwd, noConfig: true, select: ["MEM1"], ...extra });
  expect(r.stderr).toBe("");
  return findingLines(parseFindings(r.stdout));
}

describe("# noqa", () => {
  it("without a comment, both findings are reported (the control case)", async () => {
    expect(await lint({ "test_a.py": suite() })).toEqual(["test_a.py:4:1 MEM102", "test_a.py:6:9 MEM101"]);
  });

  it("`# noqa: CODE` suppresses that code on its line only", async () => {
    expect(await lint({ "test_a.py": suite({ gcLine: "gc.collect()  # noqa: MEM101" }) })).toEqual(["test_a.py:4:1 MEM102"]);
    expect(await lint({ "test_a.py": suite({ classComment: "  # noqa: MEM101" }) })).toEqual(["test_a.py:4:1 MEM102", "test_a.py:6:9 MEM101"]);
  });

  it("several codes, comma or space separated, any case, with other tools' codes in the same comment", async () => {
    for (const comment of ["# noqa: E501,MEM102", "# noqa:E501, MEM102", "# NOQA: E501 MEM102 S101", "# noqa : mem102", "# type: ignore  # noqa: PLR0913,MEM102"]) {
      expect(await lint({ "test_a.py": suite({ classComment: `  ${comment}` }) }), comment).toEqual(["test_a.py:6:9 MEM101"]);
    }
  });

  it("a noqa naming only another tool's code suppresses nothing of ours", async () => {
    expect(await lint({ "test_a.py": suite({ gcLine: "gc.collect()  # noqa: F821" }) })).toEqual(["test_a.py:4:1 MEM102", "test_a.py:6:9 MEM101"]);
    expect(await lint({ "test_a.py": suite({ gcLine: "gc.collect()  # noqa: E501, B008" }) })).toEqual(["test_a.py:4:1 MEM102", "test_a.py:6:9 MEM101"]);
  });

  it("a bare `# noqa` suppresses every MEM finding on its line", async () => {
    const src = suite({ classComment: "  # noqa", gcLine: "gc.collect()  # noqa" });
    expect(await lint({ "test_a.py": src })).toEqual([]);
    // MEM102 and MEM103 both start on the class line of a class with no teardown.
    const twoOnOneLine = "from unittest.mock import MagicMock\n\n\nclass TestClient:  # NoQA\n    def test_get(self):\n        assert MagicMock()\n";
    expect(await lint({ "test_a.py": twoOnOneLine })).toEqual([]);
  });

  it("`# noqa:` with no code, `# noqa-ish` words and noqa inside a string suppress nothing", async () => {
    for (const gcLine of ["gc.collect()  # noqa:", "gc.collect()  # noqa: because reasons", "gc.collect()  # noqa-ish", "gc.collect()  # noqaMEM101", 'gc.collect("# noqa")']) {
      expect(await lint({ "test_a.py": suite({ gcLine }) }), gcLine).toContain("test_a.py:6:9 MEM101");
    }
  });

  it("on a multi-line call the comment works on the line where the finding starts", async () => {
    const onFirstLine = suite({ gcLine: "gc.collect(  # noqa: MEM101\n            2,\n        )" });
    expect(await lint({ "test_a.py": onFirstLine })).toEqual(["test_a.py:4:1 MEM102"]);
    const onClosingLine = suite({ gcLine: "gc.collect(\n            2,\n        )  # noqa: MEM101" });
    expect(await lint({ "test_a.py": onClosingLine })).toEqual(["test_a.py:4:1 MEM102", "test_a.py:6:9 MEM101"]);
    // The finding starts inside the call, on its second line: the statement's first line does not count.
    const inner = suite({ gcLine: "print(  # noqa: MEM101\n            gc.collect(),  # noqa: E501\n        )" });
    expect(await lint({ "test_a.py": inner })).toEqual(["test_a.py:4:1 MEM102", "test_a.py:7:13 MEM101"]);
    const innerSuppressed = suite({ gcLine: "print(\n            gc.collect(),  # noqa: MEM101\n        )" });
    expect(await lint({ "test_a.py": innerSuppressed })).toEqual(["test_a.py:4:1 MEM102"]);
  });

  it("on a class header spanning lines, the comment goes on the `class` line", async () => {
    const src = "from unittest.mock import MagicMock\n\n\nclass TestClient(  # noqa: MEM102, MEM103\n    object,\n):\n    def test_get(self):\n        assert MagicMock()\n";
    expect(await lint({ "test_a.py": src })).toEqual([]);
  });

  it("a suppressed finding is not fixed by --fix", async () => {
    const cwd = makeTree({ "test_a.py": suite({ gcLine: "gc.collect()  # noqa: MEM101" }) });
    const r = await check({ cwd, noConfig: true, fix: true, select: ["MEM101"] });
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(cwd, "test_a.py"), "utf8")).not.toContain("import gc");
  });
});

describe("# pytest-memlint: disable", () => {
  it("`disable=CODES` before any code disables those codes for the file", async () => {
    expect(await lint({ "test_a.py": suite({ header: "# pytest-memlint: disable=MEM102\n" }) })).toEqual(["test_a.py:7:9 MEM101"]);
    expect(await lint({ "test_a.py": suite({ header: "#pytest-memlint: disable = MEM102, MEM101\n" }) })).toEqual([]);
  });

  it("bare `disable` disables every code", async () => {
    expect(await lint({ "test_a.py": suite({ header: "# pytest-memlint: disable\n" }) })).toEqual([]);
  });

  it("may follow a shebang, other comments and the module docstring", async () => {
    const header = '#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n"""Client tests."""\n# pytest-memlint: disable=MEM102\n';
    expect(await lint({ "test_a.py": suite({ header }) })).toEqual(["test_a.py:10:9 MEM101"]);
  });

  it("is ignored after code, at the end of a line, or with no code named after `=`", async () => {
    const afterCode = suite().replace("from unittest.mock import MagicMock\n", "from unittest.mock import MagicMock\n# pytest-memlint: disable\n");
    expect(await lint({ "test_a.py": afterCode })).toHaveLength(2);
    expect(await lint({ "test_a.py": suite({ header: '"""Doc."""  # pytest-memlint: disable\n' }) })).toHaveLength(2);
    expect(await lint({ "test_a.py": suite({ header: "# pytest-memlint: disable=\n" }) })).toHaveLength(2);
    expect(await lint({ "test_a.py": suite({ header: "# pytest-memlint: disabled\n" }) })).toHaveLength(2);
  });

  it("applies to the one file only", async () => {
    const lines = await lint({ "test_a.py": suite({ header: "# pytest-memlint: disable\n" }), "test_b.py": suite() });
    expect(lines).toEqual(["test_b.py:4:1 MEM102", "test_b.py:6:9 MEM101"]);
  });
});

describe("parseNoqa", () => {
  it("reads the codes of a noqa comment", () => {
    expect(parseNoqa("# noqa")).toEqual(new Set(["*"]));
    expect(parseNoqa("# noqa: MEM101,E501 trailing words")).toEqual(new Set(["MEM101", "E501"]));
    expect(parseNoqa("# noqa:")).toEqual(new Set());
    expect(parseNoqa("# nothing here")).toBeUndefined();
    expect(parseNoqa("# noqa_x")).toBeUndefined();
  });
});

function fakeFinding(file: TextFile, line: number, code: string): Finding {
  const start = file.lines.lineStart(line - 1);
  return { code, name: "n", severity: "warning", message: "m", file, start, end: start + 1, fix: null };
}

function textFile(p: string, text: string): TextFile {
  return { path: p, text, lines: new LineIndex(text) };
}

describe("configuration files (MEM5xx findings)", () => {
  const ini = "[pytest]\n# noqa: MEM501\naddopts = -n auto\nmarkers =\n    slow\n; noqa: MEM503\n# why: the plugin registers it\npython_files = test_*.py  # noqa: MEM502\n";
  const file = textFile("/p/pytest.ini", ini);

  it("a full-line noqa directly above the offending line suppresses it", () => {
    expect(suppressionsFor(file).isSuppressed(fakeFinding(file, 3, "MEM501"))).toBe(true);
    expect(suppressionsFor(file).isSuppressed(fakeFinding(file, 3, "MEM502"))).toBe(false);
  });

  it("within a block of full-line comments (`#` or `;`) above it", () => {
    expect(suppressionsFor(file).isSuppressed(fakeFinding(file, 8, "MEM503"))).toBe(true);
  });

  it("never an inline comment (pytest keeps it in the value), nor a comment above other lines", () => {
    expect(suppressionsFor(file).isSuppressed(fakeFinding(file, 8, "MEM502"))).toBe(false);
    expect(suppressionsFor(file).isSuppressed(fakeFinding(file, 4, "MEM501"))).toBe(false);
    expect(suppressionsFor(file).isSuppressed(fakeFinding(file, 1, "MEM501"))).toBe(false);
  });

  it("reads a noqa as in Python files: `# noqa:` naming no code suppresses nothing", () => {
    const f = textFile("/p/tox.ini", "[pytest]\n# noqa: see the CI notes\naddopts = -n auto\n;; NOQA:MEM501\nmarkers = slow\n");
    expect(suppressionsFor(f).isSuppressed(fakeFinding(f, 3, "MEM501"))).toBe(false);
    expect(suppressionsFor(f).isSuppressed(fakeFinding(f, 5, "MEM501"))).toBe(true);
  });

  it("in TOML a line starting with `;` is no comment (ini files only)", () => {
    const toml = textFile("/p/pytest.toml", '[pytest]\n; noqa: MEM501\naddopts = ["-n", "auto"]\n');
    expect(suppressionsFor(toml).isSuppressed(fakeFinding(toml, 3, "MEM501"))).toBe(false);
    const ini = textFile("/p/pytest.ini", "[pytest]\n; noqa: MEM501\naddopts = -n auto\n");
    expect(suppressionsFor(ini).isSuppressed(fakeFinding(ini, 3, "MEM501"))).toBe(true);
  });

  it("Python files met by suite findings are read for their comments", () => {
    const py = textFile("/p/conftest.py", "import os  # noqa: MEM503\n");
    expect(suppressionsFor(py).isSuppressed(fakeFinding(py, 1, "MEM503"))).toBe(true);
    expect(suppressionsFor(py).isSuppressed(fakeFinding(py, 1, "MEM501"))).toBe(false);
  });

  it("Suppressions of a Python file agree with suppressionsFor", () => {
    const text = "# pytest-memlint: disable=MEM402\nimport torch\n";
    const f = textFile("/p/conftest.py", text);
    expect(new Suppressions(parse(text), f.lines).isSuppressed(fakeFinding(f, 2, "MEM402"))).toBe(true);
    expect(suppressionsFor(f).isSuppressed(fakeFinding(f, 2, "MEM402"))).toBe(true);
  });
});

describe("end to end", () => {
  it("the built CLI honours noqa and file-level disables", () => {
    const cwd = makeTree({ "tests/test_a.py": suite({ gcLine: "gc.collect()  # noqa: MEM101" }), "tests/test_b.py": suite({ header: "# pytest-memlint: disable\n" }) });
    const r = cli(["--no-config", "--select", "MEM1", "--format", "json", "tests"], { cwd });
    expect(r.stderr).toBe("");
    expect(findingLines(parseFindings(r.stdout))).toEqual(["tests/test_a.py:4:1 MEM102"]);
    expect(r.code).toBe(1);
  });
});
