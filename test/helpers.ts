import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { run, type RunOptions } from "../src/run.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BIN = path.join(ROOT, "bin", "pytest-memlint.js");
export const FIXTURES = path.join(ROOT, "fixtures");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would, as a subprocess. */
export function cli(args: string[], opts: { cwd?: string; input?: string | Buffer; env?: NodeJS.ProcessEnv; timeout?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input,
    env: { ...process.env, NO_COLOR: "1", ...opts.env },
    encoding: "utf8",
    timeout: opts.timeout ?? 120_000,
    maxBuffer: 1 << 28,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `check` in-process (faster than a subprocess, same code path after argument parsing). */
export async function check(options: Partial<RunOptions> & { cwd: string }): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await run(
    { paths: [], fix: false, unsafeFixes: false, diff: false, format: "json", exitZero: false, noConfig: false, quiet: false, color: "never", ...options },
    { stdout: (t) => (stdout += t.toString()), stderr: (t) => (stderr += t), isTTY: false },
  );
  return { code, stdout, stderr };
}

export function tmpDir(prefix = "memlint-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes files (path → content) under a new temporary folder and returns it. */
export function makeTree(files: Record<string, string | Buffer>): string {
  const dir = tmpDir();
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(dir, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
  return dir;
}

export function copyInto(src: string, destDir: string): string {
  const dest = path.join(destDir, path.basename(src));
  fs.cpSync(src, dest, { recursive: true });
  return dest;
}

export interface JsonFinding {
  code: string;
  name: string;
  severity: string;
  message: string;
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  fix: null | { applicability: string; message: string; edits: unknown[] };
  url: string;
}

export function parseFindings(stdout: string): JsonFinding[] {
  return JSON.parse(stdout) as JsonFinding[];
}

/** `path:line:col CODE` lines, the form `.expected` files use. */
export function findingLines(findings: JsonFinding[]): string[] {
  return findings.map((f) => `${f.path}:${f.line}:${f.column} ${f.code}`);
}

/** Python's own parser: throws with Python's message when the file does not parse. */
export function pythonParses(file: string): { ok: boolean; error: string } {
  const r = spawnSync("python3", ["-c", "import ast,sys\ndata=open(sys.argv[1],'rb').read()\nast.parse(data)", file], { encoding: "utf8" });
  return { ok: r.status === 0, error: r.stderr };
}

/**
 * Why an outside program a test runs for real cannot be used here, or undefined when it can. Where it is
 * missing the test is skipped with this reason, except under CI=true (.ci/run installs it): there the
 * test fails, so a CI machine without it can never pass by skipping.
 */
export function missingProgram(probe: { cmd: string; args: string[]; what: string; debianPackage: string }): string | undefined {
  const r = spawnSync(probe.cmd, probe.args, { encoding: "utf8", timeout: 60_000 });
  if (!r.error && r.status === 0) return undefined;
  const reason = `${probe.what} is not available (Debian package ${probe.debianPackage}; .ci/run installs it)`;
  if (process.env["CI"] === "true") throw new Error(`${reason}: CI=true requires it`);
  return reason;
}

/** Skips the test when its program is missing (`missingProgram`), naming it: the default reporter only counts skipped tests. */
export function skipIfMissing(ctx: { task: { name: string }; skip: (condition: boolean, note?: string) => void }, missing: string | undefined): void {
  if (missing === undefined) return;
  console.warn(`skipped: "${ctx.task.name}": ${missing}`);
  ctx.skip(true, missing);
}
