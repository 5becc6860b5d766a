/** A JSON-RPC client (vscode-jsonrpc) driving the built `pytest-memlint server` as an editor would. */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { pathToFileURL } from "node:url";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from "vscode-jsonrpc/node";
import { BIN } from "./helpers.js";

export interface Diagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity?: number;
  code?: string | number;
  codeDescription?: { href: string };
  source?: string;
  message: string;
}

export interface Published {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
}

export function uriOf(filePath: string): string {
  return pathToFileURL(filePath).href;
}

export class LspClient {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly connection: MessageConnection;
  readonly published: Published[] = [];
  readonly logs: { type: number; message: string }[] = [];
  readonly registrations: unknown[] = [];
  readonly exited: Promise<number | null>;
  stderr = "";
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  constructor(cwd: string, env: NodeJS.ProcessEnv = {}) {
    this.proc = spawn(process.execPath, [BIN, "server", "--stdio"], { cwd, env: { ...process.env, ...env } });
    this.exited = new Promise((resolve) => this.proc.on("exit", (code) => resolve(code)));
    this.proc.stderr.on("data", (d: Buffer) => (this.stderr += d.toString()));
    this.connection = createMessageConnection(new StreamMessageReader(this.proc.stdout), new StreamMessageWriter(this.proc.stdin));
    this.connection.onNotification("textDocument/publishDiagnostics", (p: Published) => {
      this.published.push(p);
      this.poke();
    });
    this.connection.onNotification("window/logMessage", (p: { type: number; message: string }) => {
      this.logs.push(p);
      this.poke();
    });
    this.connection.onRequest("client/registerCapability", (p: unknown) => {
      this.registrations.push(p);
      this.poke();
      return null;
    });
    this.connection.listen();
  }

  private poke(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.check()) return true;
      w.resolve();
      return false;
    });
  }

  /** Resolves when `check` holds (checked now and after each message from the server). */
  waitFor(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; published: ${JSON.stringify(this.published.map((p) => [p.uri.split("/").pop(), p.version, p.diagnostics.map((d) => d.code)]))}; log: ${JSON.stringify(this.logs)}; stderr: ${this.stderr}`)), timeoutMs);
      this.waiters.push({
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /** The next diagnostics published for `uri` (after `since` publications) that satisfy `accept`. */
  async diagnostics(uri: string, accept: (d: Diagnostic[]) => boolean = () => true, since = 0): Promise<Diagnostic[]> {
    let found: Published | undefined;
    await this.waitFor(`diagnostics for ${uri}`, () => {
      found = this.published.slice(since).find((p) => p.uri === uri && accept(p.diagnostics));
      return found !== undefined;
    });
    return (found as Published).diagnostics;
  }

  async initialize(rootDir: string): Promise<{ capabilities: Record<string, unknown> }> {
    const result = await this.connection.sendRequest<{ capabilities: Record<string, unknown> }>("initialize", {
      processId: process.pid,
      rootUri: uriOf(rootDir),
      workspaceFolders: [{ uri: uriOf(rootDir), name: "suite" }],
      capabilities: {
        workspace: { didChangeWatchedFiles: { dynamicRegistration: true }, workspaceEdit: { documentChanges: true } },
        textDocument: { publishDiagnostics: { versionSupport: true }, codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ["quickfix", "source.fixAll"] } } } },
      },
    });
    await this.connection.sendNotification("initialized", {});
    return result;
  }

  open(uri: string, text: string, languageId = "python", version = 1): Promise<void> {
    return this.connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId, version, text } });
  }

  change(uri: string, version: number, text: string): Promise<void> {
    return this.connection.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  /** Ends the session as an editor does; resolves to the exit code. */
  async stop(): Promise<number | null> {
    await this.connection.sendRequest("shutdown");
    await this.connection.sendNotification("exit");
    const code = await this.exited;
    this.connection.dispose();
    return code;
  }

  kill(): void {
    this.connection.dispose();
    if (this.proc.exitCode === null) this.proc.kill("SIGKILL");
  }
}
