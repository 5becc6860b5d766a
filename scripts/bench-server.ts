/**
 * Part of `npm run bench`: how long `pytest-memlint server` takes from `didOpen` of a 2,000-line test
 * file to its `publishDiagnostics`, once the server is up (budget: 150 ms). The real server process
 * is driven over stdio; the same text linted in this process, without the protocol, gives the ratio.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node";
import { parserBackend } from "../src/engine/parser.js";
import { DocumentLinter } from "../src/server/document-linter.js";
import { loadServerParser } from "../src/server/index.js";
import { median } from "./median.js";

const ROUNDS = 9;
const BUDGET_MS = 150;
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "bin", "pytest-memlint.js");

/** A test module of about `lines` lines: mock-using classes, fixtures, parametrized tests. */
function testModule(lines: number, seed: number): string {
  const head = "import gc\nfrom unittest.mock import MagicMock, patch\n\nimport pytest\n\n\n";
  const block = (i: number) =>
    [
      `@pytest.fixture`,
      `def records_${i}():`,
      `    return [{"id": n, "name": f"r{n}"} for n in range(${i + seed})]`,
      ``,
      ``,
      `class TestCase${i}:`,
      `    def test_mock_${i}(self, records_${i}):`,
      `        client = MagicMock()`,
      `        client.fetch.return_value = records_${i}`,
      `        assert client.fetch() == records_${i}`,
      ``,
      `    @pytest.mark.parametrize("n", [1, 2, 3])`,
      `    def test_patch_${i}(self, n):`,
      `        with patch("os.getcwd") as cwd:`,
      `            cwd.return_value = str(n)`,
      `            assert cwd() == str(n)`,
      ``,
      `    def teardown_method(self):`,
      `        gc.collect()`,
      ``,
      ``,
    ].join("\n") + "\n";
  let text = head;
  for (let i = 0; text.split("\n").length < lines; i++) text += block(i);
  return text;
}

interface ServerTiming {
  uri: string;
  started: number;
  linted: number;
  converted: number;
  /** The publication's bytes handed to the pipe. */
  written: number;
}

interface Phases {
  toServer: number;
  lint: number;
  convert: number;
  write: number;
  toClient: number;
}

/** Monotonic milliseconds, the clock the server's timing marks use too. */
const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/** CPU time (user + system) a process has used, in ms; /proc counts in clock ticks of 10 ms. */
function cpuMs(pid: number | undefined): number | undefined {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

function peakRssMb(pid: number | undefined): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /VmHWM:\s+(\d+)/.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "memlint-bench-server-"));
  fs.writeFileSync(path.join(dir, "pytest.ini"), "[pytest]\n");
  // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the server process.
  const nodeArgs = (process.env["BENCH_SERVER_NODE_ARGS"] ?? "").split(" ").filter((a) => a !== "");
  const proc = spawn(process.execPath, [...nodeArgs, BIN, "server"], { cwd: dir, stdio: ["pipe", "pipe", "inherit"], env: { ...process.env, PYTEST_MEMLINT_BENCH_SERVER_TIMING: "1" } });
  const connection = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const waiting = new Map<string, (count: number) => void>();
  const received = new Map<string, number>();
  const timings = new Map<string, ServerTiming>();
  connection.onNotification("textDocument/publishDiagnostics", (p: { uri: string; diagnostics: unknown[] }) => {
    received.set(p.uri, now());
    waiting.get(p.uri)?.(p.diagnostics.length);
  });
  // The server's own clock marks (the same monotonic clock): where each didOpen's time went.
  connection.onNotification("pytestMemlint/timing", (t: ServerTiming) => {
    timings.set(t.uri, t);
  });
  connection.listen();
  await connection.sendRequest("initialize", { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: {} });
  await connection.sendNotification("initialized", {});

  const openAndWait = async (name: string, text: string): Promise<{ ms: number; count: number }> => {
    const uri = pathToFileURL(path.join(dir, name)).href;
    const published = new Promise<number>((resolve) => waiting.set(uri, resolve));
    const start = now();
    await connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "python", version: 1, text } });
    const count = await published;
    const end = received.get(uri) ?? now();
    await waitForTiming(uri);
    const t = timings.get(uri);
    if (t) phases.push({ toServer: t.started - start, lint: t.linted - t.started, convert: t.converted - t.linted, write: t.written - t.converted, toClient: end - t.written });
    return { ms: end - start, count };
  };
  const waitForTiming = async (uri: string) => {
    for (let i = 0; i < 100 && !timings.has(uri); i++) await new Promise((r) => setTimeout(r, 5));
  };
  const phases: Phases[] = [];

  // The server is up once it has loaded the rules and the parser and linted a first file.
  await openAndWait("test_warmup.py", testModule(2000, 0));
  phases.length = 0;
  const times: number[] = [];
  const cpuBefore = cpuMs(proc.pid);
  let findings = 0;
  let lineCount = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    const text = testModule(2000, round);
    lineCount = text.split("\n").length;
    const r = await openAndWait(`test_round_${round}.py`, text);
    times.push(r.ms);
    findings = r.count;
  }
  const cpuAfter = cpuMs(proc.pid);
  const cpuPerOpen = cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / ROUNDS;
  const rss = peakRssMb(proc.pid);
  await connection.sendRequest("shutdown");
  await connection.sendNotification("exit");
  await new Promise((resolve) => proc.on("exit", resolve));
  connection.dispose();

  // The same lint without the protocol, in this process (after a warm-up), with the parser the server uses.
  await loadServerParser();
  const parser = (await parserBackend()).name;
  const linter = new DocumentLinter(() => undefined);
  linter.lint(path.join(dir, "test_warmup.py"), testModule(2000, 0), "python");
  const direct: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const text = testModule(2000, round);
    const start = process.hrtime.bigint();
    linter.lint(path.join(dir, `test_direct_${round}.py`), text, "python");
    direct.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  fs.rmSync(dir, { recursive: true, force: true });

  const med = median(times);
  const phase = (k: keyof Phases) => median(phases.map((p) => p[k])).toFixed(1);
  const lines = [
    `server: didOpen -> publishDiagnostics for a ${lineCount}-line test file (${findings} findings), ${ROUNDS} rounds after warm-up, ${parser} parser`,
    `  median ${med.toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms (budget ${BUDGET_MS} ms: ${med <= BUDGET_MS ? "within" : "OVER"}), server peak RSS ${rss === undefined ? "n/a" : `${rss.toFixed(0)} MB`}`,
    `  server CPU time per didOpen (what the latency is on an idle core): ${cpuPerOpen === undefined ? "n/a" : `${cpuPerOpen.toFixed(0)} ms`}; machine load average ${os.loadavg()[0]?.toFixed(1)} on ${os.availableParallelism()} CPUs`,
    `  where it goes (medians): client -> server handler ${phase("toServer")} ms, lint ${phase("lint")} ms, findings -> LSP diagnostics ${phase("convert")} ms, encoding and writing ${phase("write")} ms, pipe -> client ${phase("toClient")} ms`,
    `  same lint in-process without the protocol: median ${median(direct).toFixed(1)} ms; ratio server / in-process ${(med / median(direct)).toFixed(2)}`,
  ];
  process.stdout.write(lines.join("\n") + "\n");
}

main().catch((e: unknown) => {
  process.stderr.write(`bench-server: ${(e as Error).message}\n`);
  process.exit(2);
});
