/**
 * Property-based test of the fix engine (fast-check): over generated test files (classes, decorators,
 * docstrings, comments, tabs or spaces, LF/CRLF/CR, a BOM, latin-1 with a coding declaration), after
 * `--fix --unsafe-fixes` every file parses with Python's `ast`, a second `--fix` changes nothing, and
 * the fixes only insert: the original bytes are all there, in order, untouched, and what is inserted
 * uses the file's own line ending. The files of a run are checked in one CLI run per step.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { diffChars } from "diff";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cli, tmpDir } from "./helpers.js";

const FILES = Number(process.env["PYTEST_MEMLINT_PROPERTY_FILES"] ?? 100);
const ARGS = ["--no-config", "--no-cache", "--select", "MEM101,MEM102,MEM103,MEM303,MEM404", "--fix", "--unsafe-fixes", "--format", "json", "."];

interface Style {
  eol: "\n" | "\r\n" | "\r";
  indent: string;
  encoding: "utf8" | "utf8-bom" | "latin1";
  finalEol: boolean;
}

interface TestClass {
  decorated: boolean;
  docstring: "none" | "one-line" | "multi-line";
  usesMocker: boolean;
  callsGc: boolean;
  timed: boolean;
  comment: boolean;
}

interface Generated {
  style: Style;
  moduleDocstring: boolean;
  imports: string[];
  classes: TestClass[];
  functions: Array<{ timed: boolean; bigArray: boolean; callsGc: boolean }>;
}

const styleArb: fc.Arbitrary<Style> = fc.record({
  eol: fc.constantFrom<Style["eol"]>("\n", "\r\n", "\r"),
  indent: fc.constantFrom("    ", "  ", "\t"),
  encoding: fc.constantFrom<Style["encoding"]>("utf8", "utf8-bom", "latin1"),
  finalEol: fc.boolean(),
});

const classArb: fc.Arbitrary<TestClass> = fc.record({
  decorated: fc.boolean(),
  docstring: fc.constantFrom<TestClass["docstring"]>("none", "one-line", "multi-line"),
  usesMocker: fc.boolean(),
  callsGc: fc.boolean(),
  timed: fc.boolean(),
  comment: fc.boolean(),
});

const generatedArb: fc.Arbitrary<Generated> = fc.record({
  style: styleArb,
  moduleDocstring: fc.boolean(),
  imports: fc.subarray(["import os", "import time", "import numpy as np", "from unittest import mock"]),
  classes: fc.array(classArb, { maxLength: 3 }),
  functions: fc.array(fc.record({ timed: fc.boolean(), bigArray: fc.boolean(), callsGc: fc.boolean() }), { maxLength: 2 }),
});

/** The file's text, as lines at indentation levels joined with its own line ending. */
function render(g: Generated): string {
  const { indent, eol, encoding } = g.style;
  const accent = "é"; // in latin-1 and UTF-8 alike
  const lines: Array<[number, string]> = [];
  const add = (level: number, text: string) => lines.push([level, text]);
  if (encoding === "latin1") add(0, "# -*- coding: latin-1 -*-");
  if (g.moduleDocstring) add(0, `"""Tests of the caf${accent}: generated."""`);
  if (g.moduleDocstring || encoding === "latin1") add(0, "");
  add(0, "import pytest");
  for (const i of g.imports) add(0, i);
  g.classes.forEach((c, k) => {
    add(0, "");
    add(0, "");
    if (c.comment) add(0, `# class ${k}: r${accent}sum${accent}`);
    if (c.decorated) add(0, "@pytest.mark.slow");
    add(0, `class TestC${k}:`);
    if (c.docstring === "one-line") add(1, `"""Class ${k}."""`);
    if (c.docstring === "multi-line") {
      add(1, `"""Class ${k}.`);
      add(0, "");
      add(1, `More about it, with a tab:\tand ${accent}.`);
      add(1, `"""`);
      add(0, "");
    }
    add(1, `def test_a(self${c.usesMocker ? ", mocker" : ""}):`);
    if (c.usesMocker) add(2, 'mocker.patch.object(os, "getcwd", autospec=True)');
    if (c.callsGc) add(2, "gc.collect()");
    add(2, "assert True  # done");
    if (c.timed) {
      add(0, "");
      add(1, "def test_speed(self):");
      add(2, "start = time.perf_counter()");
      add(2, "assert time.perf_counter() - start < 1.0");
    }
  });
  g.functions.forEach((f, k) => {
    add(0, "");
    add(0, "");
    add(0, `def test_f${k}():`);
    if (f.bigArray) add(1, "data = np.zeros((10_000, 10_000))");
    if (f.timed) add(1, "t0 = time.perf_counter()");
    if (f.callsGc) add(1, "gc.collect()");
    add(1, `assert "${accent}"`);
  });
  const text = lines.map(([level, t]) => (t === "" ? "" : indent.repeat(level) + t)).join(eol);
  return g.style.finalEol ? text + eol : text;
}

function encode(g: Generated, text: string): Buffer {
  if (g.style.encoding === "latin1") return Buffer.from(text, "latin1");
  const body = Buffer.from(text, "utf8");
  return g.style.encoding === "utf8-bom" ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
}

/** Python's `ast.parse` on each file's bytes (coding declaration, BOM and line endings as Python reads them): the failures. */
function pythonFailures(files: string[]): Record<string, string> {
  const script = "import ast,sys,json\nbad={}\nfor f in sys.argv[1:]:\n    try:\n        ast.parse(open(f,'rb').read())\n    except SyntaxError as e:\n        bad[f]=repr(e)\nprint(json.dumps(bad))\n";
  const r = spawnSync("python3", ["-c", script, ...files], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, string>;
}

describe("the fix engine, on generated files", () => {
  it(`after --fix: ${FILES} files parse, a second --fix changes nothing, fixes only insert in the file's style`, () => {
    fc.assert(
      fc.property(fc.array(generatedArb, { minLength: FILES, maxLength: FILES }), (generated) => {
        const dir = tmpDir();
        const names = generated.map((_, i) => `test_gen_${String(i).padStart(3, "0")}.py`);
        const originals = generated.map((g) => encode(g, render(g)));
        names.forEach((n, i) => fs.writeFileSync(path.join(dir, n), originals[i] as Buffer));

        const first = cli(ARGS, { cwd: dir, timeout: 300_000 });
        expect(first.stderr).toBe("");
        expect(first.code).not.toBe(2);
        const fixed = names.map((n) => fs.readFileSync(path.join(dir, n)));
        expect(fixed.some((b, i) => !b.equals(originals[i] as Buffer)), "some file was fixed").toBe(true);

        expect(pythonFailures(names.map((n) => path.join(dir, n)))).toEqual({});

        const second = cli(ARGS, { cwd: dir, timeout: 300_000 });
        expect(second.stderr).toBe("");
        names.forEach((n, i) => expect(fs.readFileSync(path.join(dir, n)).equals(fixed[i] as Buffer), `${n} changed on a second --fix`).toBe(true));

        names.forEach((n, i) => {
          const g = generated[i] as Generated;
          // Bytes as latin-1 characters: a byte-level comparison that keeps the BOM and the encoding visible.
          const before = (originals[i] as Buffer).toString("latin1");
          const after = (fixed[i] as Buffer).toString("latin1");
          const parts = diffChars(before, after);
          const removed = parts.filter((p) => p.removed).map((p) => p.value);
          expect(removed, `${n}: original bytes removed or changed\n${JSON.stringify(before)}\n${JSON.stringify(after)}`).toEqual([]);
          // The original uses one line ending throughout: so must the fixed file.
          const foreign = g.style.eol === "\n" ? /\r/ : g.style.eol === "\r" ? /\n/ : /\r(?!\n)|(?<!\r)\n/;
          expect(after, `${n}: inserted text uses another line ending`).not.toMatch(foreign);
        });
        fs.rmSync(dir, { recursive: true, force: true });
      }),
      { numRuns: 1, endOnFailure: true },
    );
  }, 600_000);
});
