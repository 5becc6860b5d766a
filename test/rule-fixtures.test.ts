/**
 * Every case under fixtures/rules/<CODE>/ is linted and compared with its expectations:
 *   <case>            a test file (test_x.py, conftest.py) or a folder (a small suite with its own config)
 *   <case>.expected   the findings, one `path:line:col CODE` a line (paths relative to the case); empty = clean
 *   <case>.args       optional CLI arguments (default `--select <CODE>`)
 *   <case>.stderr     optional: what the run must print on standard error (default nothing)
 *   <case>.fixed      optional: the expected text after `--fix` (a folder of expected files for folder cases);
 *                     the fixed files must parse with Python's own parser, and a second --fix changes nothing.
 *                     Without it, `--fix` must leave the case byte for byte unchanged.
 *   <case>.snap       generated: every finding of the JSON output in full (start and end, message, severity,
 *                     the fix's applicability, message and edits; see finding-snapshot.ts), so a change
 *                     `.expected` does not see still fails. A missing or different snapshot fails the test;
 *                     `UPDATE_SNAPSHOTS=1 npx vitest run test/rule-fixtures.test.ts` rewrites them (and
 *                     removes those whose case is gone). Review the diff before committing it.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findingSnapshot } from "./finding-snapshot.js";
import { check, copyInto, findingLines, FIXTURES, parseFindings, pythonParses, ROOT, tmpDir, type CliResult } from "./helpers.js";

const RULES_DIR = path.join(FIXTURES, "rules");
const SIDE_SUFFIXES = [".expected", ".args", ".fixed", ".stderr", ".snap"];
const UPDATE_SNAPSHOTS = process.env["UPDATE_SNAPSHOTS"] === "1";

function casesOf(codeDir: string): string[] {
  return fs
    .readdirSync(codeDir)
    .filter((name) => !SIDE_SUFFIXES.some((s) => name.endsWith(s)) && !name.startsWith("."))
    .sort();
}

function splitArgs(text: string): string[] {
  return text.trim().split(/\s+/).filter((a) => a !== "");
}

function argsToOptions(args: string[]) {
  const opts: Record<string, string | string[] | boolean> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    const next = () => args[++i] ?? "";
    if (a === "--select") opts["select"] = next().split(",");
    else if (a === "--extend-select") opts["extendSelect"] = next().split(",");
    else if (a === "--ignore") opts["ignore"] = next().split(",");
    else if (a === "--unsafe-fixes") opts["unsafeFixes"] = true;
    else if (a === "--xdist-group-name") opts["xdistGroupName"] = next();
    else if (a === "--config") opts["config"] = next();
    else throw new Error(`unsupported fixture argument ${a}`);
  }
  return opts;
}

function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)))
    // The result cache the run keeps at the project root is not part of the case.
    .filter((rel) => !rel.startsWith(".pytest-memlint_cache"))
    .sort();
}

describe("side files", () => {
  it("each belongs to a case", () => {
    const orphans: string[] = [];
    for (const code of fs.readdirSync(RULES_DIR)) {
      for (const name of fs.readdirSync(path.join(RULES_DIR, code))) {
        const suffix = SIDE_SUFFIXES.find((s) => name.endsWith(s));
        if (suffix === undefined || fs.existsSync(path.join(RULES_DIR, code, name.slice(0, -suffix.length)))) continue;
        if (UPDATE_SNAPSHOTS && suffix === ".snap") fs.rmSync(path.join(RULES_DIR, code, name), { force: true });
        else orphans.push(`${code}/${name}`);
      }
    }
    expect(orphans).toEqual([]);
  });
});

for (const code of fs.existsSync(RULES_DIR) ? fs.readdirSync(RULES_DIR).sort() : []) {
  const codeDir = path.join(RULES_DIR, code);
  describe(code, () => {
    for (const name of casesOf(codeDir)) {
      const casePath = path.join(codeDir, name);
      const argsFile = `${casePath}.args`;
      const args = fs.existsSync(argsFile) ? splitArgs(fs.readFileSync(argsFile, "utf8")) : ["--select", code];
      const options = argsToOptions(args);
      const isDir = fs.statSync(casePath).isDirectory();
      const stderrFile = `${casePath}.stderr`;
      const expectedStderr = fs.existsSync(stderrFile) ? fs.readFileSync(stderrFile, "utf8") : "";

      const stage = () => {
        const work = tmpDir();
        const copied = copyInto(casePath, work);
        return { cwd: isDir ? copied : work, copied };
      };
      const withConfig = (cwd: string) => ({ ...options, config: typeof options["config"] === "string" ? path.join(cwd, options["config"]) : undefined, noConfig: !options["config"] });

      // One lint run serves both the hand-written expectations and the snapshot.
      let linting: Promise<CliResult> | undefined;
      const lint = () => (linting ??= (() => {
        const { cwd } = stage();
        return check({ cwd, ...withConfig(cwd) });
      })());

      it(`${name}: findings`, async () => {
        const r = await lint();
        expect(r.stderr).toBe(expectedStderr);
        const expected = fs.readFileSync(`${casePath}.expected`, "utf8").split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
        expect(findingLines(parseFindings(r.stdout))).toEqual(expected);
        expect(r.code).toBe(expected.length > 0 ? 1 : 0);
      });

      it(`${name}: snapshot (positions, messages, fixes)`, async () => {
        const actual = findingSnapshot(args, parseFindings((await lint()).stdout));
        const snapFile = `${casePath}.snap`;
        const stored = fs.existsSync(snapFile) ? fs.readFileSync(snapFile, "utf8").replace(/\r\n/g, "\n") : undefined;
        if (UPDATE_SNAPSHOTS) {
          if (stored !== actual) fs.writeFileSync(snapFile, actual);
          return;
        }
        expect(stored, `${path.relative(ROOT, snapFile)} is missing: run UPDATE_SNAPSHOTS=1 npx vitest run test/rule-fixtures.test.ts`).toBeDefined();
        expect(actual).toBe(stored);
      });

      const fixedPath = `${casePath}.fixed`;
      if (!fs.existsSync(fixedPath)) {
        it(`${name}: --fix leaves it byte for byte unchanged`, async () => {
          const { cwd, copied } = stage();
          const files = isDir ? listFiles(copied).map((rel) => path.join(copied, rel)) : [copied];
          const before = files.map((f) => fs.readFileSync(f));
          const r = await check({ cwd, fix: true, format: "text", ...withConfig(cwd) });
          expect(r.stderr).toBe(expectedStderr);
          files.forEach((f, i) => expect(fs.readFileSync(f).equals(before[i] as Buffer), f).toBe(true));
        });
      } else {
        it(`${name}: --fix gives the expected text, parses, and converges`, async () => {
          const { cwd, copied } = stage();
          const first = await check({ cwd, fix: true, format: "text", ...withConfig(cwd) });
          expect(first.stderr).toBe(expectedStderr);
          const pairs: [string, string][] = isDir
            ? listFiles(fixedPath).map((rel) => [path.join(copied, rel), path.join(fixedPath, rel)])
            : [[copied, fixedPath]];
          for (const [actual, expected] of pairs) {
            expect(fs.readFileSync(actual).toString("latin1"), actual).toBe(fs.readFileSync(expected).toString("latin1"));
            const parsed = pythonParses(actual);
            expect(parsed.ok, parsed.error).toBe(true);
          }
          const snapshot = pairs.map(([actual]) => fs.readFileSync(actual));
          const second = await check({ cwd, fix: true, format: "text", ...withConfig(cwd) });
          expect(second.stderr).toBe(expectedStderr);
          pairs.forEach(([actual], i) => expect(fs.readFileSync(actual).equals(snapshot[i] as Buffer)).toBe(true));
        });
      }
    }
  });
}
