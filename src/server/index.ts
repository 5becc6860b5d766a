import { loadParser, preferParser } from "../engine/parser.js";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  CodeActionKind,
  createConnection,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { VERSION, TOOL_NAME } from "../meta.js";
import { codeActions, FIX_ALL_KIND } from "./code-actions.js";
import { DocumentLinter, type DocumentLint } from "./document-linter.js";
import { toDiagnostic } from "./lsp-convert.js";

/** Quiet time after the last keystroke before a changed document is linted again (an opened one is linted at once). */
const CHANGE_DEBOUNCE_MS = debounceMs(process.env["PYTEST_MEMLINT_TEST_SERVER_DEBOUNCE_MS"]);
/** Files whose change can change the findings of other files. */
const WATCHED_NAMES = ["conftest.py", "pyproject.toml", "pytest.toml", ".pytest.toml", "pytest.ini", ".pytest.ini", "tox.ini", "setup.cfg", ".pytest-memlint.toml"];
const WATCHED_GLOB = `**/{${WATCHED_NAMES.join(",")}}`;
/** Larger documents are not linted in the editor (one log line says so): linting one would hold up every other request for seconds. */
const MAX_DOCUMENT_LENGTH = 5 * 1024 * 1024;
/** Test-only: a document holding this text makes its lint throw (to test that one bad document never stops the server). */
const FAULT_MARKER = process.env["PYTEST_MEMLINT_TEST_SERVER_FAULT"];
/** Bench-only: each publication is followed by a `pytestMemlint/timing` notification saying where its time went. */
const TIMING = process.env["PYTEST_MEMLINT_BENCH_SERVER_TIMING"] === "1";

/** Monotonic milliseconds, on the clock every process of the machine shares (the bench compares them with its own). */
const now = (): number => Number(process.hrtime.bigint()) / 1e6;

interface DocumentState {
  version: number;
  lint: DocumentLint;
  timer?: NodeJS.Timeout;
  /** The last problem logged for this document: the same one is not logged again on every keystroke. */
  lastProblems: string;
  /** Whether diagnostics were published (so that an empty list is only sent to clear them). */
  published: boolean;
}

class TooLarge extends Error {}

/** 120 ms; tests set a long one to see what a burst of changes publishes without racing a timer. */
function debounceMs(fromTest: string | undefined): number {
  const ms = Number(fromTest);
  return fromTest !== undefined && Number.isInteger(ms) && ms >= 0 ? ms : 120;
}

function filePathOf(uri: unknown): string | undefined {
  if (typeof uri !== "string" || !uri.startsWith("file:")) return undefined;
  try {
    return path.resolve(fileURLToPath(uri));
  } catch {
    return undefined;
  }
}

function affectsOthers(filePath: string): boolean {
  return WATCHED_NAMES.includes(path.basename(filePath));
}

/**
 * The server parses with web-tree-sitter unless PYTEST_MEMLINT_PARSER names a parser: the rules read
 * a tree node by node, and each read of a native tree crosses into C++ and makes a JavaScript object,
 * so a 2,000-line file costs about a fifth more CPU with the native binding (`npm run bench`). The
 * trees live in the WebAssembly heap and are freed when collected (see engine/parser.ts). Where the
 * WebAssembly parser cannot load, the native one is used.
 */
export async function loadServerParser(): Promise<void> {
  preferParser("wasm");
  await loadParser();
}

/** `pytest-memlint server`: the Language Server Protocol over stdio. Resolves never; the client's `exit` ends the process. */
export async function runServer(): Promise<void> {
  // Loaded before the first message: the WebAssembly parser starts asynchronously.
  await loadServerParser();
  const connection = createConnection(process.stdin, process.stdout);
  serve(connection);
  connection.listen();
}

export function serve(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const states = new Map<string, DocumentState>();
  const openText = new Map<string, string>();
  const linter = new DocumentLinter((filePath) => openText.get(filePath));
  let documentChanges = false;
  let canWatch = false;
  let relintAllTimer: NodeJS.Timeout | undefined;
  let shuttingDown = false;

  const log = (message: string) => connection.console.error(`${TOOL_NAME}: ${message}`);
  /** A handler that throws (a malformed message) is logged; the server goes on. */
  const guard =
    <A extends unknown[], R>(what: string, fallback: R, handler: (...args: A) => R) =>
    (...args: A): R => {
      try {
        return handler(...args);
      } catch (e) {
        log(`internal error in ${what}: ${(e as Error)?.message ?? String(e)}`);
        return fallback;
      }
    };

  /** Lints a document now and publishes its diagnostics. One bad document is logged once and never stops the server. */
  const lintNow = (doc: TextDocument): void => {
    const started = TIMING ? now() : 0;
    const state = states.get(doc.uri);
    if (!state || shuttingDown) return;
    if (state.timer) clearTimeout(state.timer);
    state.timer = undefined;
    const filePath = filePathOf(doc.uri);
    let lint: DocumentLint = { kind: "none", findings: [], problems: [] };
    let problems: string[] = [];
    if (filePath !== undefined) {
      try {
        const text = doc.getText();
        if (text.length > MAX_DOCUMENT_LENGTH) throw new TooLarge(`${filePath}: ${(text.length / 1024 / 1024).toFixed(1)} MB is more than the editor server lints (5 MB); run \`pytest-memlint check\` on it`);
        if (FAULT_MARKER && text.includes(FAULT_MARKER)) throw new Error("injected fault (PYTEST_MEMLINT_TEST_SERVER_FAULT)");
        lint = linter.lint(filePath, text, doc.languageId);
        problems = lint.problems;
      } catch (e) {
        if (e instanceof TooLarge) problems = [e.message];
        else problems = [`${filePath}: internal error: ${(e as Error)?.message ?? String(e)}; no diagnostics for this document`];
      }
    }
    const joined = problems.join("\n");
    if (joined !== "" && joined !== state.lastProblems) log(joined);
    state.lastProblems = joined;
    state.version = doc.version;
    state.lint = lint;
    if (lint.findings.length === 0 && !state.published) return;
    state.published = lint.findings.length > 0;
    const linted = TIMING ? now() : 0;
    const diagnostics = lint.findings.map((f) => toDiagnostic(doc, f));
    const converted = TIMING ? now() : 0;
    const sending = connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
    if (TIMING) void sending.then(() => connection.sendNotification("pytestMemlint/timing", { uri: doc.uri, started, linted, converted, written: now() }));
  };

  const lintSoon = (doc: TextDocument): void => {
    const state = states.get(doc.uri);
    if (!state) return;
    if (state.timer) clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      const current = documents.get(doc.uri);
      if (current) lintNow(current);
    }, CHANGE_DEBOUNCE_MS);
  };

  /** A conftest.py or configuration changed: forget cached facts, lint every open document again. */
  const relintAll = (delay: number): void => {
    if (relintAllTimer) clearTimeout(relintAllTimer);
    relintAllTimer = setTimeout(() => {
      relintAllTimer = undefined;
      linter.invalidate();
      for (const doc of documents.all()) lintNow(doc);
    }, delay);
  };

  connection.onInitialize((params): InitializeResult => {
    documentChanges = params.capabilities.workspace?.workspaceEdit?.documentChanges === true;
    canWatch = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
      },
      serverInfo: { name: TOOL_NAME, version: VERSION },
    };
  });

  connection.onInitialized(() => {
    // Clients that cannot register watchers dynamically watch what their own configuration says (see the README).
    if (!canWatch) return;
    void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: WATCHED_GLOB }] }).catch(() => undefined);
  });

  documents.onDidOpen(
    guard("didOpen", undefined, ({ document }) => {
      const filePath = filePathOf(document.uri);
      if (filePath !== undefined) openText.set(filePath, document.getText());
      states.set(document.uri, { version: document.version, lint: { kind: "none", findings: [], problems: [] }, lastProblems: "", published: false });
      if (filePath !== undefined && affectsOthers(filePath)) linter.invalidate();
      lintNow(document);
    }),
  );

  documents.onDidChangeContent(
    guard("didChange", undefined, ({ document }) => {
      const state = states.get(document.uri);
      if (!state || state.version === document.version) return; // the open itself, linted already
      const filePath = filePathOf(document.uri);
      if (filePath !== undefined) {
        openText.set(filePath, document.getText());
        if (affectsOthers(filePath)) {
          relintAll(CHANGE_DEBOUNCE_MS);
          return;
        }
      }
      lintSoon(document);
    }),
  );

  documents.onDidSave(
    guard("didSave", undefined, ({ document }) => {
      const filePath = filePathOf(document.uri);
      if (filePath !== undefined && affectsOthers(filePath)) relintAll(0);
      else lintNow(document);
    }),
  );

  documents.onDidClose(
    guard("didClose", undefined, ({ document }) => {
      const state = states.get(document.uri);
      if (state?.timer) clearTimeout(state.timer);
      states.delete(document.uri);
      const filePath = filePathOf(document.uri);
      if (filePath !== undefined) {
        openText.delete(filePath);
        // The editor's unsaved text no longer counts: the file on disk does.
        if (affectsOthers(filePath)) relintAll(0);
      }
      if (state?.published) void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
    }),
  );

  connection.onDidChangeWatchedFiles(guard("didChangeWatchedFiles", undefined, () => relintAll(20)));

  connection.onCodeAction((params) => {
    const uri: unknown = params?.textDocument?.uri;
    if (typeof uri !== "string" || !params.range || !params.context) throw new ResponseError(ErrorCodes.InvalidParams, "textDocument/codeAction needs textDocument.uri, range and context");
    return guard("codeAction", [], () => {
      const doc = documents.get(uri);
      const state = states.get(uri);
      const filePath = filePathOf(uri);
      if (!doc || !state || filePath === undefined) return [];
      if (state.version !== doc.version || state.timer) lintNow(doc);
      const kind = state.lint.kind;
      if (kind === "none" || state.lint.findings.length === 0) return [];
      const fixAll = () => (kind === "python" ? linter.fixAll(filePath, doc.getText(), doc.languageId) : undefined);
      return codeActions({ doc, params, findings: state.lint.findings, kind, fixAll, documentChanges });
    })();
  });

  connection.onShutdown(() => {
    shuttingDown = true;
    if (relintAllTimer) clearTimeout(relintAllTimer);
    for (const state of states.values()) if (state.timer) clearTimeout(state.timer);
  });

  documents.listen(connection);
}
