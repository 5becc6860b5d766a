/**
 * `--format junit` as SPEC.md says: one test suite per file, one test case per finding (a failure each),
 * so `failures` never exceeds `tests`; a clean file is one passing case; an unreadable file an error.
 * Read back by two independent XML parsers: fast-xml-parser, and Python's expat-based ElementTree.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { LineIndex } from "../src/engine/lines.js";
import type { Finding } from "../src/engine/types.js";
import { toRecord } from "../src/engine/record.js";
import { junitReporter } from "../src/report/junit.js";
import { renderReport } from "../src/report/stream.js";
import { check, cli, makeTree, parseFindings, tmpDir } from "./helpers.js";

interface Problem {
  "@_message": string;
  "@_type": string;
  "#text"?: string;
}
interface TestCase {
  "@_name": string;
  "@_classname": string;
  "@_file": string;
  "@_line"?: string;
  failure?: Problem[];
  error?: Problem[];
}
interface TestSuite {
  "@_name": string;
  "@_tests": string;
  "@_failures": string;
  "@_errors": string;
  testcase?: TestCase[];
}
interface Report {
  testsuites: { "@_tests": string; "@_failures": string; "@_errors": string; testsuite?: TestSuite[] };
}

function readJunit(xml: string): Report {
  const valid = XMLValidator.validate(xml);
  expect(valid).toBe(true);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@_",
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    processEntities: true,
    htmlEntities: true,
    isArray: (name) => ["testsuite", "testcase", "failure", "error"].includes(name),
  });
  return parser.parse(xml) as Report;
}

interface ExpatSuite {
  name: string;
  tests: string;
  failures: string;
  errors: string;
  cases: { name: string; failures: { message: string; type: string; text: string }[]; errors: number }[];
}

/** The report read by Python's expat-based ElementTree (a strict XML 1.0 parser). */
function expatRead(xml: string): { totals: Record<string, string>; suites: ExpatSuite[] } {
  const script = [
    "import json, sys, xml.etree.ElementTree as ET",
    "root = ET.fromstring(sys.stdin.buffer.read())",
    "suites = [{'name': s.get('name'), 'tests': s.get('tests'), 'failures': s.get('failures'), 'errors': s.get('errors'),",
    "  'cases': [{'name': c.get('name'), 'errors': len(c.findall('error')),",
    "    'failures': [{'message': f.get('message'), 'type': f.get('type'), 'text': f.text} for f in c.findall('failure')]} for c in s.findall('testcase')]}",
    "  for s in root.findall('testsuite')]",
    "totals = {k: root.get(k) for k in ('tests', 'failures', 'errors')}",
    "sys.stdout.write(json.dumps({'totals': totals, 'suites': suites}))",
  ].join("\n");
  const r = spawnSync("python3", ["-c", script], { input: Buffer.from(xml, "utf8"), encoding: "utf8" });
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout) as { totals: Record<string, string>; suites: ExpatSuite[] };
}

// Five findings: MEM102 and MEM103 on the class, MEM201 on each MagicMock(), MEM101 for gc without `import gc`.
const FIVE = "from unittest.mock import MagicMock\n\n\nclass TestThing:\n    def test_it(self):\n        assert MagicMock()\n        assert MagicMock()\n        gc.collect()\n";

describe("junit output", () => {
  it("has one suite per file and one case per finding; a clean file is one passing case; an unreadable file an error", async () => {
    const cwd = makeTree({
      "tests/test_a.py": FIVE,
      "tests/test_b.py": "import gc\n\n\ndef test_ok():\n    gc.collect()\n",
      "tests/test_c.py": "def test_x(:\n",
      "tests/conftest.py": "import pytest\n",
      "tests/test_latin.py": Buffer.from([0x78, 0x20, 0x3d, 0x20, 0x22, 0xff, 0xfe, 0x22, 0x0a]),
    });
    const json = parseFindings((await check({ cwd })).stdout);
    const fiveOf = json.filter((j) => j.path === "tests/test_a.py");
    expect(fiveOf).toHaveLength(5);
    const r = await check({ cwd, format: "junit" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: tests\/test_latin\.py: /m);
    const report = readJunit(r.stdout);
    const suites = report.testsuites.testsuite ?? [];
    expect(suites.map((s) => s["@_name"])).toEqual(["tests/conftest.py", "tests/test_a.py", "tests/test_b.py", "tests/test_c.py", "tests/test_latin.py"]);
    for (const s of suites) {
      const cases = s.testcase ?? [];
      const own = json.filter((j) => j.path === s["@_name"]);
      const errors = cases.filter((c) => (c.error ?? []).length > 0).length;
      expect(cases.length, s["@_name"]).toBe(Math.max(1, own.length + errors));
      expect(s["@_tests"]).toBe(String(cases.length));
      expect(s["@_failures"]).toBe(String(own.length));
      expect(s["@_errors"]).toBe(String(errors));
      expect(Number(s["@_failures"])).toBeLessThanOrEqual(Number(s["@_tests"]));
      // Each case holds at most one failure, and each finding is one case.
      for (const c of cases) expect((c.failure ?? []).length).toBeLessThanOrEqual(1);
      for (const j of own) {
        const matching = cases.filter((c) => c.failure?.[0]?.["@_type"] === j.code && c["@_line"] === String(j.line) && (c.failure[0]["#text"] ?? "") === `${j.path}:${j.line}:${j.column}: ${j.code} ${j.message}`);
        expect(matching, `${j.path}:${j.line} ${j.code}`).toHaveLength(1);
        expect(matching[0]?.failure?.[0]?.["@_message"]).toBe(`${j.code} ${j.name}: ${j.message}`);
        expect(matching[0]?.["@_file"]).toBe(j.path);
      }
    }
    const byName = new Map(suites.map((s) => [s["@_name"], s]));
    // The file with five findings is five test cases, each failing once.
    expect(byName.get("tests/test_a.py")?.testcase).toHaveLength(5);
    // A clean file: one passing case.
    expect(byName.get("tests/test_b.py")?.testcase?.map((c) => [c.failure, c.error])).toEqual([[undefined, undefined]]);
    // The file that could not be read: an error case naming why.
    const latin = byName.get("tests/test_latin.py")?.testcase ?? [];
    expect(latin).toHaveLength(1);
    expect(latin[0]?.error?.[0]?.["@_message"]).toMatch(/^tests\/test_latin\.py: /);
    const tests = suites.reduce((n, s) => n + Number(s["@_tests"]), 0);
    expect(report.testsuites["@_tests"]).toBe(String(tests));
    expect(report.testsuites["@_failures"]).toBe(String(json.length));
    expect(report.testsuites["@_errors"]).toBe("1");

    // The second parser reads the same structure.
    const strict = expatRead(r.stdout);
    expect(strict.totals).toEqual({ tests: String(tests), failures: String(json.length), errors: "1" });
    expect(strict.suites.map((s) => [s.name, s.tests, s.failures, s.errors, s.cases.length])).toEqual(suites.map((s) => [s["@_name"], s["@_tests"], s["@_failures"], s["@_errors"], (s.testcase ?? []).length]));
    const a = strict.suites.find((s) => s.name === "tests/test_a.py");
    expect(a?.cases.map((c) => c.failures.length)).toEqual([1, 1, 1, 1, 1]);
    expect(a?.cases.map((c) => c.failures[0]?.type).sort()).toEqual(fiveOf.map((j) => j.code).sort());
  });

  it("escapes markup, quotes and characters XML cannot hold, in names and messages", () => {
    const cwd = tmpDir();
    const text = "x = 1\n";
    const nasty = `a<b>&c"d'e]]>\tf\ng\rh\u0001i\u{1F600}j\uD800k`;
    const file = { path: path.join(cwd, `test_${[...nasty].map((c) => ("\n\r\u0001\uD800".includes(c) ? "_" : c)).join("")}.py`), text, lines: new LineIndex(text) };
    const finding: Finding = { code: "MEM101", name: "missing-gc-import", severity: "error", message: `message ${nasty}`, file, start: 0, end: 1, fix: null };
    const xml = renderReport(junitReporter, { findings: [toRecord(finding)], cwd, files: [file.path], fixed: { findings: 0, files: 0 }, fixable: { safe: 0, unsafe: 0 }, fixMode: false, unsafeFixes: false, color: false, showSource: false, quiet: false });
    const report = readJunit(xml);
    const suite = report.testsuites.testsuite?.[0];
    expect(suite?.["@_name"]).toBe(path.basename(file.path));
    const c = suite?.testcase?.[0];
    expect(c?.["@_file"]).toBe(path.basename(file.path));
    const f = c?.failure?.[0];
    // What XML can hold comes back exactly; a control character and a lone surrogate become U+FFFD.
    const expected = `message ${nasty}`.replace("\u0001", "\uFFFD").replace("\uD800", "\uFFFD");
    expect(f?.["@_message"]).toBe(`MEM101 missing-gc-import: ${expected}`);
    expect(f?.["#text"]).toBe(`${path.basename(file.path)}:1:1: MEM101 ${expected}`);
    // A strict XML 1.0 parser (Python's expat: attribute-value normalisation, end-of-line handling,
    // no control characters) reads the same values.
    const strict = expatRead(xml);
    expect(strict.suites.map((s) => s.name)).toEqual([path.basename(file.path)]);
    expect(strict.suites[0]?.cases.map((x) => x.failures)).toEqual([[{ message: `MEM101 missing-gc-import: ${expected}`, type: "MEM101", text: `${path.basename(file.path)}:1:1: MEM101 ${expected}` }]]);
  });

  it("lists every checked file as a suite with one passing case when the suite is clean", () => {
    const cwd = makeTree({ "test_one.py": "def test_ok():\n    assert True\n", "pkg/test_two.py": "def test_ok():\n    assert True\n" });
    const r = cli(["--format", "junit", "."], { cwd });
    expect(r.code).toBe(0);
    const report = readJunit(r.stdout);
    expect(report.testsuites["@_tests"]).toBe("2");
    expect(report.testsuites["@_failures"]).toBe("0");
    expect((report.testsuites.testsuite ?? []).map((s) => [s["@_name"], s["@_tests"], s["@_failures"], (s.testcase ?? []).map((c) => c.failure)])).toEqual([
      ["pkg/test_two.py", "1", "0", [undefined]],
      ["test_one.py", "1", "0", [undefined]],
    ]);
  });
});
