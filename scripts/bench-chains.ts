/**
 * npm run bench:chains
 * MEM203 on one file of N tests whose mock chains share a prefix that every test also assigns
 * (`mock_db.client.connection.cursor = ...`), for N = 5k, 10k, 20k: the time must grow linearly
 * (it was quadratic: each chain looked at every assignment of its prefix). Each size runs in its
 * own child process, so its peak RSS is its own.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "../src/run.js";

const SIZES = [5_000, 10_000, 20_000];

function source(tests: number): string {
  const parts = ["from unittest.mock import MagicMock\n"];
  for (let i = 0; i < tests; i++) {
    parts.push(`\ndef test_${i}(mock_db):\n    mock_db.client.connection.cursor.execute.return_value = ${i}\n    mock_db.client.connection.cursor = MagicMock()\n`);
  }
  return parts.join("\n");
}

async function measure(tests: number): Promise<{ ms: number; maxRssMb: number; findings: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "memlint-bench-chains-"));
  try {
    fs.writeFileSync(path.join(dir, "test_chains.py"), source(tests));
    let out = "";
    const start = process.hrtime.bigint();
    await run(
      { paths: [dir], cwd: dir, fix: false, unsafeFixes: false, diff: false, format: "json", exitZero: true, noConfig: true, noCache: true, quiet: true, color: "never", select: ["MEM203"], jobs: 1 },
      { stdout: (t) => (out += t.toString()), stderr: () => undefined, isTTY: false },
    );
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    return { ms, maxRssMb: process.resourceUsage().maxRSS / 1024, findings: (JSON.parse(out || "[]") as unknown[]).length };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const sizeIndex = args.indexOf("--size");
  if (sizeIndex !== -1) {
    process.stdout.write(JSON.stringify(await measure(Number(args[sizeIndex + 1]))));
    return;
  }
  const self = fileURLToPath(import.meta.url);
  const lines: string[] = [];
  let first: { tests: number; ms: number } | undefined;
  for (const tests of SIZES) {
    const child = spawnSync(process.execPath, [self, "--size", String(tests)], { encoding: "utf8" });
    if (child.status !== 0) throw new Error(`size ${tests} failed: ${child.stderr}`);
    const r = JSON.parse(child.stdout) as { ms: number; maxRssMb: number; findings: number };
    first ??= { tests, ms: r.ms };
    lines.push(
      `MEM203, ${tests} tests sharing chain prefixes: ${r.ms.toFixed(0)} ms (${((r.ms / tests) * 1000).toFixed(0)} µs a test), peak RSS ${r.maxRssMb.toFixed(0)} MB, ${r.findings} findings; time / time at ${first.tests}: ${(r.ms / first.ms).toFixed(2)} for ${(tests / first.tests).toFixed(0)}x the tests`,
    );
  }
  process.stdout.write(lines.join("\n") + "\n");
}

main().catch((e: unknown) => {
  process.stderr.write(`bench-chains: ${(e as Error).message}\n`);
  process.exit(2);
});
