/**
 * `pytest-memlint server`: the built CLI's language server, driven over stdio by a JSON-RPC client
 * (vscode-jsonrpc) as an editor drives it.
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { TextDocument } from "vscode-languageserver-textdocument";
import { ruleDocsUrl } from "../src/meta.js";
import { makeTree } from "./helpers.js";
import { LspClient, uriOf, type Diagnostic } from "./lsp-client.js";

const SAMPLE = `from unittest.mock import MagicMock

import matplotlib.pyplot as plt


class TestThing:
    def test_mock(self):
        m = MagicMock()
        assert m.value is not None


def test_plot():
    fig = plt.figure()
    assert fig is not None
`;

const CLOSING_CONFTEST = `import matplotlib.pyplot as plt
import pytest


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")
`;

interface TextEdit {
  range: Diagnostic["range"];
  newText: string;
}
interface CodeAction {
  title: string;
  kind?: string;
  isPreferred?: boolean;
  edit?: { documentChanges?: { textDocument: { uri: string; version: number }; edits: TextEdit[] }[]; changes?: Record<string, TextEdit[]> };
}

const codes = (d: Diagnostic[]) => d.map((x) => String(x.code)).sort();

function applyAction(text: string, uri: string, action: CodeAction): string {
  const edits = action.edit?.documentChanges?.find((c) => c.textDocument.uri === uri)?.edits ?? action.edit?.changes?.[uri] ?? [];
  expect(edits.length).toBeGreaterThan(0);
  return TextDocument.applyEdits(TextDocument.create(uri, "python", 0, text), edits);
}

let client: LspClient | undefined;
afterEach(() => {
  client?.kill();
  client = undefined;
});

describe("pytest-memlint server", () => {
  it("publishes diagnostics, follows changes, offers fixes and noqa, re-lints on conftest changes, exits 0", async () => {
    const dir = makeTree({ "pytest.ini": "[pytest]\n", "tests/test_sample.py": SAMPLE });
    const file = path.join(dir, "tests", "test_sample.py");
    const uri = uriOf(file);
    const c = (client = new LspClient(dir));
    const init = await c.initialize(dir);
    expect(init.capabilities["codeActionProvider"]).toEqual({ codeActionKinds: ["quickfix", "source.fixAll.pytest-memlint"] });

    // The conftest/configuration watcher is registered dynamically, as the client supports it.
    await c.waitFor("the file watcher registration", () => c.registrations.length > 0);
    expect(JSON.stringify(c.registrations[0])).toContain("conftest.py");

    await c.open(uri, SAMPLE);
    const first = await c.diagnostics(uri);
    expect(codes(first)).toEqual(["MEM102", "MEM103", "MEM201", "MEM403"]);
    const mem201 = first.find((d) => d.code === "MEM201") as Diagnostic;
    expect(mem201).toMatchObject({
      source: "pytest-memlint",
      severity: 2,
      codeDescription: { href: ruleDocsUrl("MEM201") },
      range: { start: { line: 7, character: 12 }, end: { line: 7, character: 23 } },
    });

    // Typing `spec_set=`: MEM201 goes away, the rest stays.
    let text = SAMPLE.replace("MagicMock()", "MagicMock(spec_set=object)");
    let version = 2;
    let seen = c.published.length;
    await c.change(uri, version, text);
    expect(codes(await c.diagnostics(uri, undefined, seen))).toEqual(["MEM102", "MEM103", "MEM403"]);

    // The MEM103 quick fix, applied, removes the finding.
    const current = c.published.at(-1)?.diagnostics ?? [];
    const mem103 = current.find((d) => d.code === "MEM103") as Diagnostic;
    const actions = await c.connection.sendRequest<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri },
      range: mem103.range,
      context: { diagnostics: [mem103] },
    });
    const fix = actions.find((a) => a.kind === "quickfix" && a.title.includes("MEM103") && a.isPreferred);
    expect(fix?.title).toContain("teardown_method");
    expect(actions.some((a) => a.title === "pytest-memlint (MEM103): Disable for this line")).toBe(true);
    text = applyAction(text, uri, fix as CodeAction);
    expect(text).toContain("gc.collect()");
    seen = c.published.length;
    await c.change(uri, ++version, text);
    // The teardown calls gc.collect() without `import gc` yet: MEM101, whose own fix comes next (as --fix does in passes).
    expect(codes(await c.diagnostics(uri, undefined, seen))).toEqual(["MEM101", "MEM102", "MEM403"]);

    // `# noqa: MEM102` for the class line.
    const mem102 = (c.published.at(-1)?.diagnostics ?? []).find((d) => d.code === "MEM102") as Diagnostic;
    const noqaActions = await c.connection.sendRequest<CodeAction[]>("textDocument/codeAction", { textDocument: { uri }, range: mem102.range, context: { diagnostics: [mem102] } });
    const noqa = noqaActions.find((a) => a.title === "pytest-memlint (MEM102): Disable for this line") as CodeAction;
    const withNoqa = applyAction(text, uri, noqa);
    expect(withNoqa).toContain("class TestThing:  # noqa: MEM102\n");

    // A conftest above that closes every figure after each test silences MEM403 once the watcher reports it.
    seen = c.published.length;
    fs.writeFileSync(path.join(dir, "tests", "conftest.py"), CLOSING_CONFTEST);
    await c.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: uriOf(path.join(dir, "tests", "conftest.py")), type: 1 }] });
    expect(codes(await c.diagnostics(uri, undefined, seen))).toEqual(["MEM101", "MEM102"]);

    // Fix all (as on save): the file's safe fixes.
    const fixAll = await c.connection.sendRequest<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ["source.fixAll"] },
    });
    expect(fixAll.map((a) => a.kind)).toEqual(["source.fixAll.pytest-memlint"]);
    text = applyAction(text, uri, fixAll[0] as CodeAction);
    expect(text).toContain("@pytest.mark.xdist_group");
    seen = c.published.length;
    await c.change(uri, ++version, text);
    expect(await c.diagnostics(uri, undefined, seen)).toEqual([]);

    // The server never wrote the file.
    expect(fs.readFileSync(file, "utf8")).toBe(SAMPLE);
    expect(await c.stop()).toBe(0);
  }, 120_000);

  it("lints conftest.py and the pytest configuration (MEM5xx) with the configuration that applies", async () => {
    const dir = makeTree({
      "pytest.ini": "[pytest]\naddopts = -n auto\n",
      "pyproject.toml": '[tool.pytest-memlint]\nignore = ["MEM201"]\n',
      "tests/test_a.py": "",
    });
    const c = (client = new LspClient(dir));
    await c.initialize(dir);
    const ini = uriOf(path.join(dir, "pytest.ini"));
    await c.open(ini, "[pytest]\naddopts = -n auto\n", "ini");
    const onIni = await c.diagnostics(ini);
    expect(codes(onIni)).toEqual(["MEM501"]);
    expect(onIni[0]?.range.start.line).toBe(1);
    // MEM5xx has no fix: the code action is a full-line `# noqa: MEM501` above the addopts line (never inline: pytest keeps that in the value).
    const iniActions = await c.connection.sendRequest<CodeAction[]>("textDocument/codeAction", { textDocument: { uri: ini }, range: onIni[0]?.range, context: { diagnostics: onIni } });
    expect(iniActions.map((a) => a.title)).toEqual(["pytest-memlint (MEM501): Disable for this line"]);
    const silenced = applyAction("[pytest]\naddopts = -n auto\n", ini, iniActions[0] as CodeAction);
    expect(silenced).toBe("[pytest]\n# noqa: MEM501\naddopts = -n auto\n");
    let seen = c.published.length;
    await c.change(ini, 2, silenced);
    expect(await c.diagnostics(ini, undefined, seen)).toEqual([]);
    seen = c.published.length;
    await c.change(ini, 3, "[pytest]\naddopts = -n auto\n");
    expect(codes(await c.diagnostics(ini, undefined, seen))).toEqual(["MEM501"]);
    // The editor's unsaved text counts.
    seen = c.published.length;
    await c.change(ini, 4, "[pytest]\naddopts = -n auto --maxprocesses 4\n");
    expect(await c.diagnostics(ini, undefined, seen)).toEqual([]);

    // `ignore` of the pytest-memlint configuration above the file applies; a non-test file gets nothing.
    const test = uriOf(path.join(dir, "tests", "test_a.py"));
    await c.open(test, "from unittest.mock import MagicMock\n\n\nclass TestB:\n    def test_b(self):\n        assert MagicMock()\n");
    expect(codes(await c.diagnostics(test))).toEqual(["MEM102", "MEM103"]);
    const helper = uriOf(path.join(dir, "tests", "helper.py"));
    await c.open(helper, "from unittest.mock import MagicMock\nm = MagicMock()\n");
    const conftest = uriOf(path.join(dir, "tests", "conftest.py"));
    await c.open(conftest, "from unittest.mock import MagicMock\nm = MagicMock()\n");
    expect(codes(await c.diagnostics(conftest))).toEqual(["MEM204"]);
    expect(c.published.some((p) => p.uri === helper)).toBe(false);

    // The open conftest.py counts as typed, before it is saved: an autouse fixture closing every figure silences MEM403 below it.
    const plot = uriOf(path.join(dir, "tests", "test_plot.py"));
    await c.open(plot, "import matplotlib.pyplot as plt\n\n\ndef test_plot():\n    assert plt.figure()\n");
    expect(codes(await c.diagnostics(plot))).toEqual(["MEM403"]);
    const seenPlot = c.published.length;
    await c.change(conftest, 2, CLOSING_CONFTEST);
    expect(await c.diagnostics(plot, undefined, seenPlot)).toEqual([]);
    expect(fs.existsSync(path.join(dir, "tests", "conftest.py"))).toBe(false);
    expect(await c.stop()).toBe(0);
  }, 120_000);

  it("lints an opened document at once, a changed one after the typing stops, and re-lints when the settings change on disk", async () => {
    const dir = makeTree({ "pytest.ini": "[pytest]\n", "tests/test_a.py": "" });
    // A debounce longer than the test: what a burst of changes publishes is seen without racing a timer. The native parser (the server prefers the WebAssembly one).
    const c = (client = new LspClient(dir, { PYTEST_MEMLINT_TEST_SERVER_DEBOUNCE_MS: "600000", PYTEST_MEMLINT_PARSER: "native" }));
    await c.initialize(dir);
    const uri = uriOf(path.join(dir, "tests", "test_a.py"));
    const body = (n: number) => `from unittest.mock import MagicMock\n\n\ndef test_${n}():\n    assert MagicMock()\n`;
    // didOpen is not debounced: its diagnostics come long before the debounce would end.
    await c.open(uri, body(1));
    expect(codes(await c.diagnostics(uri))).toEqual(["MEM201"]);

    const seen = c.published.length;
    for (let version = 2; version <= 6; version++) await c.change(uri, version, body(version));
    // Answered after every change before it was handled: none of them was linted yet.
    await expect(c.connection.sendRequest("pytestMemlint/unknown", {})).rejects.toMatchObject({ code: -32601 });
    expect(c.published.length).toBe(seen);
    // A save lints at once: one publication, for the last version only.
    await c.connection.sendNotification("textDocument/didSave", { textDocument: { uri } });
    await c.diagnostics(uri, undefined, seen);
    expect(c.published.slice(seen).map((p) => [p.uri, p.version])).toEqual([[uri, 6]]);

    // `[tool.pytest-memlint]` written on disk: the watcher's report re-lints the open document with it.
    const later = c.published.length;
    fs.writeFileSync(path.join(dir, "pyproject.toml"), '[tool.pytest-memlint]\nignore = ["MEM201"]\n');
    await c.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: uriOf(path.join(dir, "pyproject.toml")), type: 1 }] });
    expect(await c.diagnostics(uri, undefined, later)).toEqual([]);
    expect(await c.stop()).toBe(0);
  }, 120_000);

  it("answers malformed requests and unknown methods with errors, ignores what is not Python, survives a document that throws and a 20 MB one", async () => {
    const dir = makeTree({ "pytest.ini": "[pytest]\n" });
    const c = (client = new LspClient(dir, { PYTEST_MEMLINT_TEST_SERVER_FAULT: "BOOM-FAULT" }));
    await c.initialize(dir);
    const probe = uriOf(path.join(dir, "test_probe.py"));
    let probeVersion = 1;
    /** The server still lints: a change to the probe document is published. */
    const stillServing = async () => {
      const seen = c.published.length;
      const text = `from unittest.mock import MagicMock\n\n\ndef test_${probeVersion}():\n    assert MagicMock()\n`;
      if (probeVersion === 1) await c.open(probe, text);
      else await c.change(probe, probeVersion, text);
      probeVersion++;
      expect(codes(await c.diagnostics(probe, undefined, seen))).toEqual(["MEM201"]);
    };
    await stillServing();

    // Unknown request: MethodNotFound. Unknown notification: nothing.
    await expect(c.connection.sendRequest("pytestMemlint/unknown", {})).rejects.toMatchObject({ code: -32601 });
    await c.connection.sendNotification("pytestMemlint/unknownNotification", { x: 1 });
    // Requests with nonsense parameters: an error answer, or an empty one.
    await expect(c.connection.sendRequest("textDocument/codeAction", { nonsense: true })).rejects.toMatchObject({ code: -32602 });
    const none = await c.connection.sendRequest("textDocument/codeAction", { textDocument: { uri: "file:///nowhere/test_x.py" }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } });
    expect(none).toEqual([]);
    await c.connection.sendNotification("textDocument/didChange", { textDocument: { uri: "file:///nowhere/test_x.py", version: 3 }, contentChanges: [{ text: "x" }] });
    await c.connection.sendNotification("textDocument/didOpen", { textDocument: { uri: 42 } });
    // Bytes that are not JSON-RPC at all.
    const garbage = "{this is not json";
    c.proc.stdin.write(`Content-Length: ${Buffer.byteLength(garbage)}\r\n\r\n${garbage}`);
    const notRpc = JSON.stringify({ hello: "world" });
    c.proc.stdin.write(`Content-Length: ${Buffer.byteLength(notRpc)}\r\n\r\n${notRpc}`);
    await stillServing();

    // A document that is not Python: nothing published.
    const notes = uriOf(path.join(dir, "test_notes.md"));
    await c.open(notes, "from unittest.mock import MagicMock\nMagicMock()\n", "markdown");
    await stillServing();
    expect(c.published.some((p) => p.uri === notes)).toBe(false);

    // A document whose lint throws: one log message however often it changes, and the server goes on.
    const faulty = uriOf(path.join(dir, "test_faulty.py"));
    await c.open(faulty, "# BOOM-FAULT\n");
    await c.change(faulty, 2, "# BOOM-FAULT again\n");
    await c.waitFor("the fault's log message", () => c.logs.some((l) => l.message.includes("injected fault")));
    await stillServing();
    expect(c.logs.filter((l) => l.message.includes("injected fault"))).toHaveLength(1);

    // A 20 MB document: declined with one log line (linting it would hold up every other request), and the server answers afterwards.
    const big = uriOf(path.join(dir, "test_big.py"));
    const unit = "class TestBig:\n    def test_it(self):\n        assert MagicMock(spec_set=object)\n\n\n";
    await c.open(big, "from unittest.mock import MagicMock\n\n\n" + unit.repeat(Math.ceil(20_000_000 / unit.length)));
    await stillServing();
    expect(c.logs.filter((l) => l.message.includes("test_big.py") && l.message.includes("more than the editor server lints"))).toHaveLength(1);
    expect(c.published.some((p) => p.uri === big)).toBe(false);
    expect(await c.stop()).toBe(0);
  }, 180_000);
});
