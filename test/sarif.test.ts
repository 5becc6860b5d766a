/**
 * `--format sarif` validated against Microsoft's SARIF 2.1.0 JSON schema (from @microsoft/sarif-multitool),
 * for a suite with findings of several rules, and the parts GitHub code scanning reads checked by hand:
 * rule descriptors with help, result levels, relative URIs with a uriBaseId, regions, fingerprints.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { beforeAll, describe, expect, it } from "vitest";
import { LineIndex } from "../src/engine/lines.js";
import type { Finding } from "../src/engine/types.js";
import { toRecord } from "../src/engine/record.js";
import { FINGERPRINT_KEY, sarifReporter } from "../src/report/sarif.js";
import { renderReport } from "../src/report/stream.js";
import { RULES } from "../src/rules/index.js";
import { check, cli, makeTree, parseFindings, ROOT } from "./helpers.js";

interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: SarifRegion } }[];
  partialFingerprints: Record<string, string>;
  fixes?: unknown[];
}
interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: string };
}
interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; informationUri: string; rules: SarifRule[] } };
    originalUriBaseIds: Record<string, { uri: string }>;
    invocations: { executionSuccessful: boolean; toolExecutionNotifications: { level: string; message: { text: string }; locations?: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[] }[] }[];
    results: SarifResult[];
  }[];
}

// RFC 3986 / RFC 3339 checks for the schema's `format`s (ajv leaves formats to the caller).
const URI_CHARS = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;
const FORMATS = {
  uri: (s: string) => /^[A-Za-z][A-Za-z0-9+.-]*:/.test(s) && URI_CHARS.test(s),
  "uri-reference": (s: string) => URI_CHARS.test(s),
  "date-time": (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/i.test(s) && !Number.isNaN(Date.parse(s)),
};

/**
 * The SARIF 2.1.0 schema Microsoft ships with its SARIF SDK's validator (@microsoft/sarif-multitool,
 * the platform package holds `sarif-2.1.0.json`), read from node_modules: no copy in this repository.
 * (The multitool's own `validate` command runs here but reports nothing, not even a log without
 * `tool`, so the test applies the schema itself.)
 */
function sarifValidator(): ValidateFunction {
  const pkg = path.dirname(createRequire(import.meta.url).resolve(`@microsoft/sarif-multitool-${process.platform}/package.json`));
  const schema = JSON.parse(fs.readFileSync(path.join(pkg, "sarif-2.1.0.json"), "utf8")) as Record<string, unknown>;
  expect(schema["$schema"]).toBe("https://json-schema.org/draft/2020-12/schema");
  // The schema's `language` pattern ends in a stray `]`, legal in a plain ECMA-262 pattern but not with the `u` flag.
  const ajv = new Ajv2020({ allErrors: true, strict: false, unicodeRegExp: false, formats: FORMATS });
  return ajv.compile(schema);
}

const SERVICE = `from unittest.mock import MagicMock


class TestService:
    def test_calls(self):
        client = MagicMock()
        gc.collect()
        assert client


class TestOther:
    def test_more(self):
        gc.collect()
`;

function suite(prefix = ""): Record<string, string> {
  return {
    "tests/test_service.py": prefix + SERVICE,
    "tests/sub dir/test_ünï%code.py": "from unittest import mock\n\n\nclass TestOdd:\n    def test_x(self):\n        assert mock.MagicMock()\n",
    "tests/test_broken.py": "def test_x(:\n    pass\n",
    "tests/test_clean.py": "def test_ok():\n    assert True\n",
  };
}

async function sarifOf(cwd: string, extra: Record<string, unknown> = {}): Promise<SarifLog> {
  const r = await check({ cwd, format: "sarif", ...extra });
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout) as SarifLog;
}

describe("sarif output", () => {
  let validate: ValidateFunction;
  beforeAll(() => {
    validate = sarifValidator();
  });

  it("is valid SARIF 2.1.0 for a suite with findings of several rules", async () => {
    const cwd = makeTree(suite());
    const log = await sarifOf(cwd, { select: ["ALL"] });
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    const codes = new Set(log.runs[0]?.results.map((r) => r.ruleId));
    expect(codes.size).toBeGreaterThanOrEqual(4);
    for (const code of ["MEM000", "MEM101", "MEM102", "MEM103"]) expect(codes).toContain(code);
    // Fixes are part of what was validated.
    expect(log.runs[0]?.results.some((r) => (r.fixes ?? []).length > 0)).toBe(true);
  });

  it("the validator is real: it rejects a broken log", async () => {
    const cwd = makeTree(suite());
    const log = await sarifOf(cwd);
    const result = log.runs[0]?.results[0] as unknown as Record<string, unknown>;
    result["level"] = "fatal";
    expect(validate(log)).toBe(false);
    const log2 = await sarifOf(cwd);
    const loc = log2.runs[0]?.results[0]?.locations[0]?.physicalLocation.region as unknown as Record<string, unknown>;
    loc["startLine"] = 0;
    expect(validate(log2)).toBe(false);
    const log3 = await sarifOf(cwd);
    (log3.runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation as { uri: string }).uri = "a b.py";
    expect(validate(log3)).toBe(false);
  });

  it("describes every rule with help, levels and a docs link", async () => {
    const cwd = makeTree(suite());
    const log = await sarifOf(cwd);
    const driver = log.runs[0]?.tool.driver;
    expect(driver?.name).toBe("pytest-memlint");
    expect(driver?.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(driver?.informationUri).toMatch(/^https:\/\//);
    const ids = driver?.rules.map((r) => r.id) ?? [];
    expect(ids).toEqual(["MEM000", ...RULES.map((r) => r.meta.code)]);
    for (const rule of RULES) {
      const d = driver?.rules.find((r) => r.id === rule.meta.code);
      expect(d?.name).toBe(rule.meta.name);
      expect(d?.shortDescription.text).toBe(rule.meta.summary);
      expect(d?.fullDescription.text).toBe(rule.meta.docs.whatItDoes);
      expect(d?.help.markdown).toContain(`# ${rule.meta.code} ${rule.meta.name}`);
      expect(d?.help.markdown).toContain("## Why is this bad?");
      expect(d?.help.text.length).toBeGreaterThan(0);
      expect(d?.helpUri).toMatch(new RegExp(`/docs/rules/${rule.meta.code}\\.md$`));
      expect(d?.defaultConfiguration.level).toBe({ error: "error", warning: "warning", info: "note" }[rule.meta.severity]);
    }
  });

  it("gives each result its rule, level, relative location and region as the json output has them", async () => {
    const cwd = makeTree(suite());
    const log = await sarifOf(cwd, { select: ["ALL"] });
    const json = parseFindings((await check({ cwd, format: "json", select: ["ALL"] })).stdout);
    const run = log.runs[0];
    if (!run) throw new Error("no run");
    expect(run.results).toHaveLength(json.length);
    const base = run.originalUriBaseIds["%SRCROOT%"]?.uri ?? "";
    expect(base.endsWith("/")).toBe(true);
    expect(fs.realpathSync(fileURLToPath(base))).toBe(fs.realpathSync(cwd));
    run.results.forEach((r, i) => {
      const j = json[i];
      if (!j) throw new Error("missing json finding");
      expect(r.ruleId).toBe(j.code);
      expect(run.tool.driver.rules[r.ruleIndex]?.id).toBe(r.ruleId);
      expect(r.level).toBe({ error: "error", warning: "warning", info: "note" }[j.severity]);
      expect(r.message.text).toBe(j.message);
      const loc = r.locations[0]?.physicalLocation;
      expect(loc?.artifactLocation.uriBaseId).toBe("%SRCROOT%");
      const uri = loc?.artifactLocation.uri ?? "";
      expect(uri.startsWith("/")).toBe(false);
      // The relative URI, resolved against the base, is the file.
      expect(fileURLToPath(new URL(uri, base))).toBe(path.join(fs.realpathSync(cwd), j.path));
      expect(loc?.region).toEqual({ startLine: j.line, startColumn: j.column, endLine: j.endLine, endColumn: j.endColumn });
    });
    expect(run.results.some((r) => r.locations[0]?.physicalLocation.artifactLocation.uri === "tests/sub%20dir/test_%C3%BCn%C3%AF%25code.py")).toBe(true);
  });

  it("keeps fingerprints when lines move, and tells apart repeated findings", async () => {
    const before = await sarifOf(makeTree(suite()));
    const after = await sarifOf(makeTree(suite("# a comment\n\n\n")));
    const prints = (log: SarifLog) => (log.runs[0]?.results ?? []).map((r) => `${r.ruleId} ${r.partialFingerprints[FINGERPRINT_KEY]}`);
    const lines = (log: SarifLog) => (log.runs[0]?.results ?? []).map((r) => r.locations[0]?.physicalLocation.region.startLine);
    expect(lines(after)).not.toEqual(lines(before));
    expect(prints(after).sort()).toEqual(prints(before).sort());
    const all = prints(before);
    expect(new Set(all).size).toBe(all.length);
    // Editing the finding's line changes its fingerprint; the other files' findings keep theirs.
    const edited = await sarifOf(makeTree({ ...suite(), "tests/test_service.py": SERVICE.replace("class TestService:", "class TestServices:") }));
    const changed = prints(edited).filter((p) => !prints(before).includes(p));
    expect(changed.map((p) => p.split(" ")[0]).sort()).toEqual(["MEM102", "MEM103"]);
    expect(prints(edited).length).toBe(prints(before).length);
  });

  it("numbers findings that share code, path and line text", () => {
    // Two findings on identical lines of one file: the occurrence index tells them apart, in order.
    const text = "x = 1\nsame line\nsame line\n";
    const file = { path: path.join(ROOT, "test_same.py"), text, lines: new LineIndex(text) };
    const finding = (start: number): Finding => ({ code: "MEM101", name: "missing-gc-import", severity: "error", message: "m", file, start, end: start + 4, fix: null });
    const input = {
      findings: [finding(6), finding(16)].map(toRecord),
      cwd: ROOT,
      files: [file.path],
      fixed: { findings: 0, files: 0 },
      fixable: { safe: 0, unsafe: 0 },
      fixMode: false,
      unsafeFixes: false,
      color: false,
      showSource: false,
      quiet: false,
    };
    const log = JSON.parse(renderReport(sarifReporter, input)) as SarifLog;
    const prints = log.runs[0]?.results.map((r) => r.partialFingerprints[FINGERPRINT_KEY] ?? "") ?? [];
    expect(prints).toHaveLength(2);
    const [hash1, n1] = (prints[0] ?? "").split(":");
    const [hash2, n2] = (prints[1] ?? "").split(":");
    expect(hash1).toBe(hash2);
    expect([n1, n2]).toEqual(["1", "2"]);
    expect(validate(log)).toBe(true);
  });

  it("uses an absolute file URI for a file outside the working directory", async () => {
    const root = makeTree(suite());
    const cwd = path.join(root, "elsewhere");
    fs.mkdirSync(cwd);
    const log = await sarifOf(cwd, { paths: [path.join(root, "tests", "test_service.py")] });
    expect(validate(log)).toBe(true);
    const loc = log.runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation;
    expect(loc?.uriBaseId).toBeUndefined();
    expect(fileURLToPath(loc?.uri ?? "")).toBe(path.join(root, "tests", "test_service.py"));
  });

  it("is a valid log with no results for a clean suite", async () => {
    const cwd = makeTree({ "test_ok.py": "def test_ok():\n    assert True\n" });
    const log = await sarifOf(cwd);
    expect(validate(log)).toBe(true);
    expect(log.runs[0]?.results).toEqual([]);
  });

  it("makes paths relative to the git top level when run from a subfolder, and outside git to the working directory", () => {
    const repo = makeTree(suite());
    expect(spawnSync("git", ["init", "-q"], { cwd: repo }).status).toBe(0);
    const cwd = path.join(repo, "tests");
    const r = cli(["check", "--format", "sarif", "."], { cwd });
    const log = JSON.parse(r.stdout) as SarifLog;
    expect(validate(log)).toBe(true);
    const run = log.runs[0];
    expect(fs.realpathSync(fileURLToPath(run?.originalUriBaseIds["%SRCROOT%"]?.uri ?? ""))).toBe(fs.realpathSync(repo));
    const uris = new Set(run?.results.map((x) => x.locations[0]?.physicalLocation.artifactLocation.uri));
    expect(uris).toContain("tests/test_service.py");
    expect([...uris].every((u) => u?.startsWith("tests/"))).toBe(true);
    // The same files from a copy outside any repository: relative to the working directory.
    const plain = makeTree(suite());
    const outside = JSON.parse(cli(["check", "--format", "sarif", "tests"], { cwd: plain }).stdout) as SarifLog;
    expect(new Set(outside.runs[0]?.results.map((x) => x.locations[0]?.physicalLocation.artifactLocation.uri))).toEqual(uris);
  });

  it("reports files that could not be read and configuration errors as tool execution notifications", () => {
    const cwd = makeTree({ ...suite(), "tests/test_latin.py": Buffer.from([0x78, 0x20, 0x3d, 0x20, 0x22, 0xff, 0xfe, 0x22, 0x0a]) });
    const r = cli(["check", "--format", "sarif", "tests", "tests/missing_test.py"], { cwd });
    expect(r.code).toBe(2);
    const log = JSON.parse(r.stdout) as SarifLog;
    expect(validate(log)).toBe(true);
    const invocation = log.runs[0]?.invocations[0];
    expect(invocation?.executionSuccessful).toBe(false);
    const notes = invocation?.toolExecutionNotifications ?? [];
    // One notification per error line, with the file it names.
    const lines = r.stderr.trimEnd().split("\n").map((l) => l.replace(/^error: /, ""));
    expect(notes.map((n) => n.message.text)).toEqual(lines);
    expect(notes.map((n) => n.level)).toEqual(lines.map(() => "error"));
    expect(notes.map((n) => n.locations?.[0]?.physicalLocation.artifactLocation.uri).sort()).toEqual(["tests/missing_test.py", "tests/test_latin.py"]);
    // The other files were still checked.
    expect(log.runs[0]?.results.length).toBeGreaterThan(0);

    // A configuration error stops the run before any file: the log says why, with no results.
    fs.writeFileSync(path.join(cwd, "pyproject.toml"), "[tool.pytest-memlint]\nselect = 3\n");
    const bad = cli(["check", "--format", "sarif", "tests"], { cwd });
    expect(bad.code).toBe(2);
    const badLog = JSON.parse(bad.stdout) as SarifLog;
    expect(validate(badLog)).toBe(true);
    expect(badLog.runs[0]?.results).toEqual([]);
    expect(badLog.runs[0]?.invocations[0]?.executionSuccessful).toBe(false);
    expect(badLog.runs[0]?.invocations[0]?.toolExecutionNotifications.map((n) => `error: ${n.message.text}\n`).join("")).toBe(bad.stderr);
  });

  it("a clean run's log says the run succeeded, with no notifications", async () => {
    const log = await sarifOf(makeTree({ "test_ok.py": "def test_ok():\n    assert True\n" }));
    expect(log.runs[0]?.invocations).toEqual([{ executionSuccessful: true, toolExecutionNotifications: [] }]);
  });
});
