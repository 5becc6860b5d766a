/** The server's edits: `# noqa: CODE` for a line, and the one edit of "fix all". */
import { describe, expect, it } from "vitest";
import { TextDocument } from "vscode-languageserver-textdocument";
import { applyEdits } from "../src/fix/apply.js";
import { wholeTextEdit } from "../src/server/lsp-convert.js";
import { configNoqaEdit } from "../src/server/config-noqa-edit.js";
import { noqaEdit } from "../src/server/noqa-edit.js";

function withNoqa(text: string, marker: string, code = "MEM201"): string | undefined {
  const edit = noqaEdit(text, text.indexOf(marker), code);
  return edit && applyEdits(text, [edit]);
}

describe("noqa edit", () => {
  it("appends a comment after the code", () => {
    expect(withNoqa("m = MagicMock()\nx = 1\n", "MagicMock")).toBe("m = MagicMock()  # noqa: MEM201\nx = 1\n");
  });

  it("keeps CRLF and trailing blanks out of the way", () => {
    expect(withNoqa("m = MagicMock()   \r\nx = 1\r\n", "MagicMock")).toBe("m = MagicMock()  # noqa: MEM201   \r\nx = 1\r\n");
  });

  it("merges into an existing noqa list, keeping other tools' codes", () => {
    expect(withNoqa("m = MagicMock()  # noqa: E501\n", "MagicMock")).toBe("m = MagicMock()  # noqa: E501, MEM201\n");
    expect(withNoqa("m = MagicMock()  # noqa: E501,F401 trailing words\n", "MagicMock")).toBe("m = MagicMock()  # noqa: E501,F401, MEM201 trailing words\n");
    expect(withNoqa("m = MagicMock()  # noqa:\n", "MagicMock")).toBe("m = MagicMock()  # noqa: MEM201\n");
  });

  it("adds to another comment, and offers nothing where a bare noqa already silences the line", () => {
    expect(withNoqa("m = MagicMock()  # type: ignore\n", "MagicMock")).toBe("m = MagicMock()  # type: ignore  # noqa: MEM201\n");
    expect(withNoqa("m = MagicMock()  # noqa\n", "MagicMock")).toBeUndefined();
  });

  it("offers nothing where a comment would become string text or break a continuation", () => {
    expect(withNoqa('m = MagicMock(name="""a\nb""")\n', "MagicMock")).toBeUndefined();
    expect(withNoqa("m = MagicMock() + \\\n    1\n", "MagicMock")).toBeUndefined();
  });

  it("does not mistake a noqa inside a string for a comment", () => {
    expect(withNoqa('m = MagicMock(name="# noqa: E501")\n', "MagicMock")).toBe('m = MagicMock(name="# noqa: E501")  # noqa: MEM201\n');
  });

  it("lands on the line of the offset when the statement spans lines", () => {
    expect(withNoqa("m = MagicMock(\n    name=1,\n)\n", "MagicMock")).toBe("m = MagicMock(  # noqa: MEM201\n    name=1,\n)\n");
  });
});

describe("noqa edit in a pytest configuration file", () => {
  const silence = (text: string, marker: string, code = "MEM501") => applyEdits(text, [configNoqaEdit(text, text.indexOf(marker), code)]);

  it("adds a full-line comment above the finding's line, with its indentation and line ending", () => {
    expect(silence("[pytest]\naddopts = -n auto\n", "addopts")).toBe("[pytest]\n# noqa: MEM501\naddopts = -n auto\n");
    expect(silence("[tool.pytest.ini_options]\r\n  addopts = \"-n auto\"\r\n", "addopts")).toBe("[tool.pytest.ini_options]\r\n  # noqa: MEM501\r\n  addopts = \"-n auto\"\r\n");
    expect(silence("addopts = -n auto", "addopts")).toBe("# noqa: MEM501\naddopts = -n auto");
  });

  it("adds the code to a noqa line already above, and leaves other comments alone", () => {
    expect(silence("[pytest]\n# noqa: MEM502\naddopts = -n auto\n", "addopts")).toBe("[pytest]\n# noqa: MEM502, MEM501\naddopts = -n auto\n");
    expect(silence("[pytest]\n# workers: see CI\naddopts = -n auto\n", "addopts")).toBe("[pytest]\n# workers: see CI\n# noqa: MEM501\naddopts = -n auto\n");
  });
});

describe("fix-all edit", () => {
  const roundTrip = (before: string, after: string) => {
    const doc = TextDocument.create("file:///t.py", "python", 1, before);
    const edit = wholeTextEdit(doc, before, after);
    expect(TextDocument.applyEdits(doc, [edit])).toBe(after);
    return edit;
  };

  it("replaces only the changed middle", () => {
    const edit = roundTrip("a\nb\nc\n", "a\nB\nc\n");
    expect(edit).toEqual({ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 1 } }, newText: "B" });
  });

  it("never splits a CRLF or a surrogate pair", () => {
    roundTrip("x = 1\r\ny = 2\r\n", "x = 1\r\nimport gc\r\ny = 2\r\n");
    roundTrip("s = '😀'\n", "s = '😁'\n");
    roundTrip("a\r\n", "a\n");
    roundTrip("", "import gc\n");
  });
});
