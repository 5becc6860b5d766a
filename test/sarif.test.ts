/**
 * `--format sarif`: the parts GitHub code scanning reads checked by hand (rule descriptors with help,
 * result levels, relative URIs with a uriBaseId, regions, fingerprints, notifications), and the logs
 * of every case checked by Microsoft's SARIF validator (`Sarif.Multitool validate` from
 * @microsoft/sarif-multitool, with its GitHub Advanced Security rules) and against Microsoft's SARIF
 * 2.1.0 JSON schema that ships in the same package.
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
import { check, cli, makeTree, parseFindings, ROOT, skipIfMissing } from "./helpers.js";

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
  uuid: (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s),
  "date-time": (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/i.test(s) && !Number.isNaN(Date.parse(s)),
};

/**
 * Microsoft's SARIF validator: the self-contained `Sarif.Multitool` executable (.NET, no runtime to
 * install) in the platform package of @microsoft/sarif-multitool, about 100 MB, so not a dependency:
 * `.ci/run` installs it (`npm install --no-save`), and without it the validation tests are skipped
 * with the reason, except under CI=true, where they fail. Its folder also holds the SARIF 2.1.0 JSON
 * schema Microsoft ships with it (`sarif-2.1.0.json`): no copy in this repository.
 */
const MULTITOOL = "@microsoft/sarif-multitool@5.7.0";

// .NET's invariant globalization: the validator then needs no ICU library on the machine.
const MULTITOOL_ENV = { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: "1" };

let multitoolFound: { exe: string; schema: string } | string | undefined;

function findMultitool(): { exe: string; schema: string } | string {
  multitoolFound ??= locateMultitool();
  return multitoolFound;
}

function locateMultitool(): { exe: string; schema: string } | string {
  let reason: string;
  try {
    const dir = path.dirname(createRequire(import.meta.url).resolve(`@microsoft/sarif-multitool-${process.platform}/package.json`));
    const exe = path.join(dir, process.platform === "win32" ? "Sarif.Multitool.exe" : "Sarif.Multitool");
    const r = spawnSync(exe, ["--version"], { encoding: "utf8", env: MULTITOOL_ENV, timeout: 120_000 });
    if (!r.error && r.status === 0) return { exe, schema: path.join(dir, "sarif-2.1.0.json") };
    reason = `Sarif.Multitool does not run (${r.error?.message ?? `exit ${r.status}: ${r.stderr.trim().split("\n")[0]}`})`;
  } catch {
    reason = `Microsoft's SARIF validator is not installed (npm install --no-save ${MULTITOOL}; .ci/run installs it)`;
  }
  if (process.env["CI"] === "true") throw new Error(`${reason}: CI=true requires it`);
  return reason;
}

/** SARIF2006 fetches every URI in the log over HTTP: off, so the test needs no network (the URIs are checked by hand). */
const MULTITOOL_CONFIG = `<?xml version="1.0" encoding="utf-8"?>
<Properties>
  <Properties Key="SARIF2006.UrisShouldBeReachable.Options">
    <Property Key="RuleEnabled" Value="Disabled" Type="Driver.RuleEnabledState" />
  </Properties>
</Properties>
`;

interface Verdict {
  rule: string;
  level: string;
  text: string;
}

/**
 * Runs `Sarif.Multitool validate` once over the named logs with the SARIF and GitHub Advanced Security
 * rule kinds and every level, and reads its verdicts back from the SARIF log it writes (its exit code
 * only says that the validator itself ran).
 */
function runMultitool(exe: string, logs: Record<string, unknown>): Map<string, Verdict[]> {
  const dir = makeTree({ "config.xml": MULTITOOL_CONFIG, ...Object.fromEntries(Object.entries(logs).map(([name, log]) => [`${name}.sarif`, JSON.stringify(log, null, 2)])) });
  const out = path.join(dir, "verdicts.sarif");
  const files = Object.keys(logs).map((name) => path.join(dir, `${name}.sarif`));
  // Arguments go to the executable directly: the package's bin.js passes them through a shell, where `;` ends the command.
  const args = ["validate", ...files, "-o", out, "--log", "ForceOverwrite", "-c", path.join(dir, "config.xml"), "--rule-kind", "Ghas;Sarif", "--level", "Error;Warning;Note", "-q"];
  const r = spawnSync(exe, args, { encoding: "utf8", env: MULTITOOL_ENV, timeout: 600_000 });
  expect(r.status, r.stderr || r.stdout).toBe(0);
  interface Verdicts {
    runs: { tool: { driver: { rules?: { id: string; messageStrings?: Record<string, { text: string }> }[] } }; results: { ruleId: string; ruleIndex?: number; level?: string; message: { id?: string; text?: string; arguments?: string[] }; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
  }
  const verdicts = JSON.parse(fs.readFileSync(out, "utf8")) as Verdicts;
  const byLog = new Map<string, Verdict[]>(Object.keys(logs).map((name) => [name, []]));
  for (const run of verdicts.runs) {
    for (const result of run.results) {
      const file = path.basename(fileURLToPath(result.locations[0]?.physicalLocation.artifactLocation.uri ?? ""), ".sarif");
      const rule = run.tool.driver.rules?.[result.ruleIndex ?? -1];
      const template = result.message.text ?? rule?.messageStrings?.[result.message.id ?? ""]?.text ?? "";
      const text = template.replace(/\{(\d+)\}/g, (_, i: string) => result.message.arguments?.[Number(i)] ?? "");
      byLog.get(file)?.push({ rule: result.ruleId, level: result.level ?? "warning", text });
    }
  }
  return byLog;
}

/**
 * Microsoft's schema applied with Ajv. It adds what the validator misses: Sarif.Multitool 5.7.0
 * reports nothing at all for a log with an invalid enum value (a result `"level": "fatal"`).
 */
function schemaValidator(schemaFile: string): ValidateFunction {
  const schema = JSON.parse(fs.readFileSync(schemaFile, "utf8")) as Record<string, unknown>;
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

/** Two findings on identical lines of one file (the fingerprints' occurrence index), through the reporter itself. */
function repeatedLinesLog(): SarifLog {
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
  return JSON.parse(renderReport(sarifReporter, input)) as SarifLog;
}

/** The logs of every case the tests below look at, by name. */
async function caseLogs(): Promise<Record<string, SarifLog>> {
  const outside = makeTree(suite());
  fs.mkdirSync(path.join(outside, "elsewhere"));
  const repo = makeTree(suite());
  expect(spawnSync("git", ["init", "-q"], { cwd: repo }).status).toBe(0);
  const unreadable = makeTree({ ...suite(), "tests/test_latin.py": Buffer.from([0x78, 0x20, 0x3d, 0x20, 0x22, 0xff, 0xfe, 0x22, 0x0a]) });
  const badConfig = makeTree({ ...suite(), "pyproject.toml": "[tool.pytest-memlint]\nselect = 3\n" });
  const logOf = (r: { stdout: string }) => JSON.parse(r.stdout) as SarifLog;
  return {
    "several-rules-with-fixes": await sarifOf(makeTree(suite()), { select: ["ALL"] }),
    clean: await sarifOf(makeTree({ "test_ok.py": "def test_ok():\n    assert True\n" })),
    "file-outside-the-working-directory": await sarifOf(path.join(outside, "elsewhere"), { paths: [path.join(outside, "tests", "test_service.py")] }),
    "git-subfolder": logOf(cli(["check", "--format", "sarif", "."], { cwd: path.join(repo, "tests") })),
    "unreadable-and-missing-files": logOf(cli(["check", "--format", "sarif", "tests", "tests/missing_test.py"], { cwd: unreadable })),
    "configuration-error": logOf(cli(["check", "--format", "sarif", "tests"], { cwd: badConfig })),
    "repeated-lines": repeatedLinesLog(),
  };
}

/** Logs broken on purpose, each from a copy of a good one, with what Microsoft's validator says about it. */
function brokenLogs(good: SarifLog): Record<string, { log: unknown; multitool?: string }> {
  const copy = () => JSON.parse(JSON.stringify(good)) as SarifLog;
  const firstResult = (log: SarifLog) => log.runs[0]?.results[0] as SarifResult;
  const noTool = copy();
  delete (noTool.runs[0] as Partial<SarifLog["runs"][0]>).tool;
  const noRules = copy();
  delete (noRules.runs[0]?.tool.driver as Partial<SarifLog["runs"][0]["tool"]["driver"]>).rules;
  for (const r of noRules.runs[0]?.results ?? []) delete (r as Partial<SarifResult>).ruleIndex;
  const lineZero = copy();
  (firstResult(lineZero).locations[0] as SarifResult["locations"][0]).physicalLocation.region.startLine = 0;
  const badLevel = copy();
  firstResult(badLevel).level = "fatal";
  const spaceInUri = copy();
  (firstResult(spaceInUri).locations[0] as SarifResult["locations"][0]).physicalLocation.artifactLocation.uri = "a b.py";
  return {
    "broken-no-tool": { log: noTool, multitool: "JSON1002" },
    // Valid SARIF, but GitHub code scanning needs the rules: a GitHub Advanced Security rule.
    "broken-no-rules": { log: noRules, multitool: "GH1018" },
    "broken-line-0": { log: lineZero, multitool: "JSON1008" },
    "broken-space-in-uri": { log: spaceInUri, multitool: "SARIF1002" },
    // Sarif.Multitool 5.7.0 reports nothing for this one (see schemaValidator).
    "broken-level": { log: badLevel },
  };
}

describe("checked by Microsoft's SARIF validator and schema", () => {
  let logs: Record<string, SarifLog> = {};
  beforeAll(async () => {
    logs = await caseLogs();
  }, 300_000);

  it("covers the cases: findings of several rules with fixes, notifications, an absolute URI", () => {
    const several = logs["several-rules-with-fixes"]?.runs[0]?.results ?? [];
    for (const code of ["MEM000", "MEM101", "MEM102", "MEM103"]) expect(several.map((r) => r.ruleId)).toContain(code);
    expect(several.some((r) => (r.fixes ?? []).length > 0)).toBe(true);
    expect(logs["unreadable-and-missing-files"]?.runs[0]?.invocations[0]?.toolExecutionNotifications).toHaveLength(2);
    expect(logs["configuration-error"]?.runs[0]?.invocations[0]?.toolExecutionNotifications).toHaveLength(1);
    expect(logs["file-outside-the-working-directory"]?.runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri).toMatch(/^file:\/\/\//);
  });

  it("Sarif.Multitool validate (SARIF and GitHub rules): no error or warning for any log; the broken ones are rejected", (ctx) => {
    const multitool = findMultitool();
    skipIfMissing(ctx, typeof multitool === "string" ? multitool : undefined);
    if (typeof multitool === "string") return;
    const broken = brokenLogs(logs["several-rules-with-fixes"] as SarifLog);
    const verdicts = runMultitool(multitool.exe, { ...logs, ...Object.fromEntries(Object.entries(broken).map(([name, b]) => [name, b.log])) });
    for (const name of Object.keys(logs)) {
      const complaints = (verdicts.get(name) ?? []).filter((v) => v.level !== "note");
      expect(complaints, name).toEqual([]);
      // It did look at the log: its notes (suggestions such as code snippets) are there.
      expect(verdicts.get(name)?.length, name).toBeGreaterThan(0);
    }
    for (const [name, b] of Object.entries(broken)) {
      if (b.multitool === undefined) continue;
      const errors = (verdicts.get(name) ?? []).filter((v) => v.level === "error").map((v) => v.rule);
      expect(errors, name).toContain(b.multitool);
    }
  });

  it("Microsoft's SARIF 2.1.0 schema (from the same package): every log is valid, every broken one is not", (ctx) => {
    const multitool = findMultitool();
    skipIfMissing(ctx, typeof multitool === "string" ? multitool : undefined);
    if (typeof multitool === "string") return;
    const validate = schemaValidator(multitool.schema);
    for (const [name, log] of Object.entries(logs)) {
      const ok = validate(log);
      expect(validate.errors ?? [], name).toEqual([]);
      expect(ok, name).toBe(true);
    }
    for (const [name, b] of Object.entries(brokenLogs(logs["several-rules-with-fixes"] as SarifLog))) {
      if (name === "broken-no-rules") continue; // valid SARIF: only GitHub's rule rejects it
      expect(validate(b.log), name).toBe(false);
    }
  });
});

describe("sarif output", () => {
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
    const prints = repeatedLinesLog().runs[0]?.results.map((r) => r.partialFingerprints[FINGERPRINT_KEY] ?? "") ?? [];
    expect(prints).toHaveLength(2);
    const [hash1, n1] = (prints[0] ?? "").split(":");
    const [hash2, n2] = (prints[1] ?? "").split(":");
    expect(hash1).toBe(hash2);
    expect([n1, n2]).toEqual(["1", "2"]);
  });

  it("uses an absolute file URI for a file outside the working directory", async () => {
    const root = makeTree(suite());
    const cwd = path.join(root, "elsewhere");
    fs.mkdirSync(cwd);
    const log = await sarifOf(cwd, { paths: [path.join(root, "tests", "test_service.py")] });
    const loc = log.runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation;
    expect(loc?.uriBaseId).toBeUndefined();
    expect(fileURLToPath(loc?.uri ?? "")).toBe(path.join(root, "tests", "test_service.py"));
  });

  it("is a valid log with no results for a clean suite", async () => {
    const cwd = makeTree({ "test_ok.py": "def test_ok():\n    assert True\n" });
    const log = await sarifOf(cwd);
    expect(log.runs[0]?.results).toEqual([]);
  });

  it("makes paths relative to the git top level when run from a subfolder, and outside git to the working directory", () => {
    const repo = makeTree(suite());
    expect(spawnSync("git", ["init", "-q"], { cwd: repo }).status).toBe(0);
    const cwd = path.join(repo, "tests");
    const r = cli(["check", "--format", "sarif", "."], { cwd });
    const log = JSON.parse(r.stdout) as SarifLog;
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
    expect(badLog.runs[0]?.results).toEqual([]);
    expect(badLog.runs[0]?.invocations[0]?.executionSuccessful).toBe(false);
    expect(badLog.runs[0]?.invocations[0]?.toolExecutionNotifications.map((n) => `error: ${n.message.text}\n`).join("")).toBe(bad.stderr);
  });

  it("a clean run's log says the run succeeded, with no notifications", async () => {
    const log = await sarifOf(makeTree({ "test_ok.py": "def test_ok():\n    assert True\n" }));
    expect(log.runs[0]?.invocations).toEqual([{ executionSuccessful: true, toolExecutionNotifications: [] }]);
  });
});
