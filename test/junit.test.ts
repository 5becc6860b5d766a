/**
 * `--format junit`: well-formed XML that a JUnit XML reader reads back as one suite, one test case per
 * checked file and one failure per finding, with the counts in the attributes and every text intact.
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

interface Failure {
  "@_message": string;
  "@_type": string;
  "#text"?: string;
}
interface TestCase {
  "@_name": string;
  "@_classname": string;
  "@_file": string;
  failure?: Failure[];
}
interface TestSuite {
  "@_name": string;
  "@_tests": string;
  "@_failures": string;
  "@_errors": string;
  testcase?: TestCase[];
}
interface Report {
  testsuites: { "@_tests": string; "@_failures": string; testsuite: TestSuite[] };
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
    isArray: (name) => ["testsuite", "testcase", "failure"].includes(name),
  });
  return parser.parse(xml) as Report;
}

/** The suite read by Python's expat-based ElementTree. */
function expatRead(xml: string): { cases: string[]; failures: { message: string; type: string; text: string }[] } {
  const script = [
    "import json, sys, xml.etree.ElementTree as ET",
    "root = ET.fromstring(sys.stdin.buffer.read())",
    "cases = [c.get('name') for c in root.iter('testcase')]",
    "failures = [{'message': f.get('message'), 'type': f.get('type'), 'text': f.text} for f in root.iter('failure')]",
    "sys.stdout.write(json.dumps({'cases': cases, 'failures': failures}))",
  ].join("\n");
  const r = spawnSync("python3", ["-c", script], { input: Buffer.from(xml, "utf8"), encoding: "utf8" });
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout) as { cases: string[]; failures: { message: string; type: string; text: string }[] };
}

const MOCKED = "from unittest.mock import MagicMock\n\n\nclass TestThing:\n    def test_it(self):\n        assert MagicMock()\n        gc.collect()\n";

describe("junit output", () => {
  it("has one suite, one case per checked file and one failure per finding", async () => {
    const cwd = makeTree({
      "tests/test_a.py": MOCKED,
      "tests/test_b.py": "import gc\n\n\ndef test_ok():\n    gc.collect()\n",
      "tests/test_c.py": "def test_x(:\n",
      "tests/conftest.py": "import pytest\n",
    });
    const json = parseFindings((await check({ cwd })).stdout);
    const r = await check({ cwd, format: "junit" });
    expect(r.code).toBe(1);
    const report = readJunit(r.stdout);
    const suites = report.testsuites.testsuite;
    expect(suites).toHaveLength(1);
    const suite = suites[0];
    if (!suite) throw new Error("no suite");
    const cases = suite.testcase ?? [];
    expect(cases.map((c) => c["@_name"]).sort()).toEqual(["tests/conftest.py", "tests/test_a.py", "tests/test_b.py", "tests/test_c.py"]);
    expect(suite["@_tests"]).toBe("4");
    expect(suite["@_failures"]).toBe(String(json.length));
    expect(suite["@_errors"]).toBe("0");
    expect(report.testsuites["@_tests"]).toBe("4");
    expect(report.testsuites["@_failures"]).toBe(String(json.length));
    const failures = cases.flatMap((c) => (c.failure ?? []).map((f) => ({ file: c["@_file"], f })));
    expect(failures).toHaveLength(json.length);
    for (const j of json) {
      const matching = failures.filter(({ file, f }) => file === j.path && f["@_type"] === j.code && (f["#text"] ?? "").startsWith(`${j.path}:${j.line}:${j.column}: ${j.code} `));
      expect(matching, `${j.path}:${j.line} ${j.code}`).toHaveLength(1);
      expect(matching[0]?.f["@_message"]).toBe(`${j.code} ${j.name}: ${j.message}`);
    }
    // Clean files are passing cases; files with findings have as many failures as findings.
    for (const c of cases) expect((c.failure ?? []).length).toBe(json.filter((j) => j.path === c["@_name"]).length);
    expect(json.filter((j) => j.path === "tests/test_a.py").length).toBeGreaterThanOrEqual(2);
  });

  it("escapes markup, quotes and characters XML cannot hold, in names and messages", () => {
    const cwd = tmpDir();
    const text = "x = 1\n";
    const nasty = `a<b>&c"d'e]]>\tf\ng\rh\u0001i\u{1F600}j\uD800k`;
    const file = { path: path.join(cwd, `test_${[...nasty].map((c) => ("\n\r\u0001\uD800".includes(c) ? "_" : c)).join("")}.py`), text, lines: new LineIndex(text) };
    const finding: Finding = { code: "MEM101", name: "missing-gc-import", severity: "error", message: `message ${nasty}`, file, start: 0, end: 1, fix: null };
    const xml = renderReport(junitReporter, { findings: [toRecord(finding)], cwd, files: [file.path], fixed: { findings: 0, files: 0 }, fixable: { safe: 0, unsafe: 0 }, fixMode: false, unsafeFixes: false, color: false, showSource: false, quiet: false });
    const report = readJunit(xml);
    const c = report.testsuites.testsuite[0]?.testcase?.[0];
    expect(c?.["@_name"]).toBe(path.basename(file.path));
    const f = c?.failure?.[0];
    // What XML can hold comes back exactly; a control character and a lone surrogate become U+FFFD.
    const expected = `message ${nasty}`.replace("\u0001", "\uFFFD").replace("\uD800", "\uFFFD");
    expect(f?.["@_message"]).toBe(`MEM101 missing-gc-import: ${expected}`);
    expect(f?.["#text"]).toBe(`${path.basename(file.path)}:1:1: MEM101 ${expected}`);
    // A strict XML 1.0 parser (Python's expat: attribute-value normalisation, end-of-line handling,
    // no control characters) reads the same values.
    const strict = expatRead(xml);
    expect(strict.failures).toEqual([{ message: `MEM101 missing-gc-import: ${expected}`, type: "MEM101", text: `${path.basename(file.path)}:1:1: MEM101 ${expected}` }]);
    expect(strict.cases).toEqual([path.basename(file.path)]);
  });

  it("lists every checked file as a passing case when the suite is clean", () => {
    const cwd = makeTree({ "test_one.py": "def test_ok():\n    assert True\n", "pkg/test_two.py": "def test_ok():\n    assert True\n" });
    const r = cli(["--format", "junit", "."], { cwd });
    expect(r.code).toBe(0);
    const report = readJunit(r.stdout);
    const suite = report.testsuites.testsuite[0];
    expect(suite?.["@_tests"]).toBe("2");
    expect(suite?.["@_failures"]).toBe("0");
    expect((suite?.testcase ?? []).map((c) => [c["@_name"], c.failure])).toEqual([
      ["pkg/test_two.py", undefined],
      ["test_one.py", undefined],
    ]);
  });
});
