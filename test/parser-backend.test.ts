/**
 * The two parser backends: the native tree-sitter binding, and web-tree-sitter with the grammar's .wasm,
 * used when the binding cannot load (no compiler, `npm install --ignore-scripts`, a prebuilt binary that
 * does not fit the machine). This file also runs in the `wasm` vitest project (PYTEST_MEMLINT_PARSER=wasm).
 *
 * The install test packs this repository as `npm pack` does and installs the tarball with
 * `--ignore-scripts` into a temporary folder (dependencies from the npm cache or registry), then
 * compares its JSON with this build's, byte for byte, on the example suite and every rule fixture.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parserBackend } from "../src/engine/parser.js";
import { BIN, cli, makeTree, ROOT, tmpDir } from "./helpers.js";

const forced = process.env["PYTEST_MEMLINT_PARSER"];

describe("parser backend", () => {
  it("PYTEST_MEMLINT_PARSER picks the backend, and --version names it", async () => {
    const backend = await parserBackend();
    if (forced === "wasm") expect(backend.name).toBe("wasm");
    const version = cli(["--version"]);
    expect(version.code).toBe(0);
    const expected = backend.name === "wasm" ? "parser: tree-sitter WebAssembly (web-tree-sitter)" : "parser: tree-sitter native binding";
    expect(version.stdout).toContain(expected);
  });

  it("a bad PYTEST_MEMLINT_PARSER value is one error line and exit 2", () => {
    const r = cli(["--version"], { env: { PYTEST_MEMLINT_PARSER: "rust" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: PYTEST_MEMLINT_PARSER must be 'native' or 'wasm', not 'rust'\n");
  });
});

describe.skipIf(forced === "wasm")("the bundled CLI", () => {
  it("gives byte-identical JSON with either parser on the example suite and the rule fixtures", () => {
    expect(fs.existsSync(path.join(ROOT, "dist", "bundle", "cli.js"))).toBe(true);
    const native = lintFixtures(BIN, { PYTEST_MEMLINT_PARSER: "native" });
    expect(native.match(/"code":/g)?.length).toBeGreaterThan(300);
    expect(lintFixtures(BIN, { PYTEST_MEMLINT_PARSER: "wasm" })).toBe(native);
  });

  it("--version loads the parser lazily and names the one forced", () => {
    expect(cli(["--version"], { env: { PYTEST_MEMLINT_PARSER: "wasm" } }).stdout).toContain("parser: tree-sitter WebAssembly (web-tree-sitter); native binding not used: PYTEST_MEMLINT_PARSER=wasm");
    expect(cli(["--version"], { env: { PYTEST_MEMLINT_PARSER: "native" } }).stdout).toContain("parser: tree-sitter native binding");
  });
});

describe("lazy loading", () => {
  it("a run answered from the cache never loads the parser (a bad PYTEST_MEMLINT_PARSER goes unread); a cold run does", () => {
    const cwd = makeTree({ "tests/test_a.py": "def test_x():\n    gc.collect()\n" });
    const warmUp = cli(["check", "--format", "json"], { cwd });
    expect(warmUp.code).toBe(1);
    const warm = cli(["check", "--format", "json"], { cwd, env: { PYTEST_MEMLINT_PARSER: "rust" } });
    expect(warm.stderr).toBe("");
    expect(warm.stdout).toBe(warmUp.stdout);
    const cold = cli(["check", "--format", "json", "--no-cache"], { cwd, env: { PYTEST_MEMLINT_PARSER: "rust" } });
    expect(cold.code).toBe(2);
    expect(cold.stderr).toBe("error: PYTEST_MEMLINT_PARSER must be 'native' or 'wasm', not 'rust'\n");
  });
});

const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

function npm(args: string[], cwd: string): string {
  const r = spawnSync("npm", args, { cwd, encoding: "utf8", timeout: 600_000, env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" } });
  if (r.status !== 0) throw new Error(`npm ${args.join(" ")} failed in ${cwd}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** Every rule fixture and the example suite, all rules on, as JSON. */
function lintFixtures(bin: string, env: NodeJS.ProcessEnv = {}): string {
  const r = spawnSync(process.execPath, [bin, "check", "fixtures", "--select", "ALL", "--no-config", "--no-cache", "--format", "json"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...env },
    maxBuffer: 1 << 28,
    timeout: 300_000,
  });
  // Warnings (a fixture's pytest configuration that pytest 9 refuses) but no error; both are compared.
  expect(r.stderr).not.toMatch(/^error:/m);
  expect(r.status).toBe(1);
  return `${r.stdout}\n--- standard error ---\n${r.stderr}`;
}

describe.skipIf(forced === "wasm")("installed from the packed tarball with --ignore-scripts", () => {
  it("gives byte-identical JSON to this build on the example suite and the rule fixtures", () => {
    const dir = tmpDir("memlint-install-");
    made.push(dir);
    // The tarball of what `npm publish` would upload; dist/ is already built by `npm test`.
    const packed = npm(["pack", "--ignore-scripts", "--json", "--pack-destination", dir], ROOT);
    const tarball = path.join(dir, (JSON.parse(packed) as { filename: string }[])[0]?.filename ?? "");
    const app = path.join(dir, "app");
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, "package.json"), '{ "private": true }\n');
    npm(["install", "--ignore-scripts", "--prefer-offline", "--no-save", tarball], app);
    const installed = path.join(app, "node_modules", "pytest-memlint", "bin", "pytest-memlint.js");

    const reference = lintFixtures(BIN);
    expect(reference.match(/"code":/g)?.length).toBeGreaterThan(300);
    // Whatever the installed copy picks by itself (here the WebAssembly parser, as no binding was built) ...
    const version = spawnSync(process.execPath, [installed, "--version"], { encoding: "utf8" });
    expect(version.status).toBe(0);
    expect(version.stdout).toMatch(/^parser: tree-sitter /m);
    expect(lintFixtures(installed)).toBe(reference);
    // ... and its WebAssembly parser in any case, in case a prebuilt binary fitted this machine.
    if (!version.stdout.includes("WebAssembly")) expect(lintFixtures(installed, { PYTEST_MEMLINT_PARSER: "wasm" })).toBe(reference);
  }, 900_000);
});
