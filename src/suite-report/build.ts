import path from "node:path";
import type { FindingRecord } from "../engine/record.js";
import { TOOL_NAME, VERSION, ruleDocsUrl } from "../meta.js";
import { displayPath } from "../report/paths.js";
import { addoptsOf, effectiveDist, startsWorkers } from "../config/addopts.js";
import { configGroups } from "../rules/shared/pytest-suite.js";
import type { CollectedSuite, FixtureFacts } from "./collect.js";
import { formatBytes } from "./estimate.js";
import { REPORT_SCHEMA_VERSION, type ConfigurationReport, type FindingRef, type FixtureReport, type FolderReport, type RiskReport, type SuiteReport } from "./types.js";

export const ESTIMATE_NOTE =
  "Every size is an estimate read from the code, never measured: constant-evaluated data (lists, tuples, dicts, sets and ranges of known length, strings and bytes literals) at CPython 64-bit object sizes, numpy/torch arrays as elements × the dtype's item size, and a fixed documented cost per heavy constructor. Tests and test modules count the data of their MEM302/MEM303 findings. '≥' marks a lower bound (some parts could not be sized); a fixture with nothing sizable has no estimate. Times built: a function-scoped fixture once per test that gets it, a class-scoped one once per test class (or module-level test), module per file, package per folder, session once; times its params; test parametrization is not counted.";

/** How many times a run builds a fixture, and how that was counted. */
export function timesBuilt(f: Pick<FixtureFacts, "scope" | "params" | "hasParams" | "transitiveTests" | "classes" | "modules" | "packages">): { times: number; how: string } {
  const params = f.hasParams ? (f.params ?? 1) : 1;
  const paramsText = f.hasParams ? (f.params === undefined ? " × params (count unknown, taken as 1)" : ` × ${f.params} params`) : "";
  let units: number;
  let what: string;
  switch (f.scope) {
    case "session":
      units = f.transitiveTests > 0 ? 1 : 0;
      what = "once per session";
      break;
    case "package":
      units = f.packages.size;
      what = `${units} package${units === 1 ? "" : "s"}`;
      break;
    case "module":
      units = f.modules.size;
      what = `${units} module${units === 1 ? "" : "s"}`;
      break;
    case "class":
      units = f.classes.size;
      what = `${units} class${units === 1 ? "" : "es"} or module-level tests`;
      break;
    default:
      units = f.transitiveTests;
      what = `${units} test${units === 1 ? "" : "s"}${f.scope === undefined ? " (scope not a literal: counted as function)" : ""}`;
  }
  return { times: units * params, how: what + paramsText };
}

function findingRef(f: FindingRecord): FindingRef {
  return { code: f.code, name: f.name, line: f.line, message: f.message, url: ruleDocsUrl(f.code) };
}

/** Which finding's fix addresses a fixture's memory first. */
/** A fixture building less than this once (a few small literals) is not listed as a risk. */
const MIN_RISK_BYTES = 1024;
/** Risks listed (the largest). */
const MAX_RISKS = 25;

const ADDRESSING_ORDER = ["MEM304", "MEM301", "MEM302", "MEM303", "MEM305", "MEM306"];

function adviceFor(r: FixtureReport): string {
  const top = r.findings.find((f) => ADDRESSING_ORDER.includes(f.code));
  if (top?.code === "MEM301") return "Widen the scope (class, module or session) so it is built once and shared";
  if (top?.code === "MEM304") return "Each param builds it again: share one object across params or shrink the data";
  if (top?.code === "MEM302") return "Build less data, or build it once at a wider scope";
  if (top?.code === "MEM305") return "Tear it down after the yield so its memory is released";
  if (r.scope === "function" || r.scope === null) return r.timesBuilt > 1 ? "Built for every test that gets it: consider a wider scope if tests do not mutate it" : "Built once in this run";
  if (r.scope === "session") return "Held for the whole session on every xdist worker";
  return `Rebuilt per ${r.scope}: held while its tests run`;
}

function configurationReports(collected: CollectedSuite, cwd: string, sessionBytes: number, classes: { total: number; grouped: number }): ConfigurationReport[] {
  const reports: ConfigurationReport[] = [];
  for (const group of configGroups(collected.suite)) {
    const addopts = addoptsOf(group.config);
    const x = addopts?.xdist;
    const hook = group.files.some((f) => f.isConftest && f.facts.autoNumWorkersHook);
    const workers = x?.numprocesses === undefined ? null : String(x.numprocesses);
    const starts = x ? startsWorkers(x) : false;
    const dist = x && starts ? effectiveDist(x) : "no";
    const cap = x?.maxprocesses !== undefined && x.maxprocesses !== 0 ? x.maxprocesses : null;
    reports.push({
      path: displayPath(cwd, group.config.path),
      workers,
      maxprocesses: cap,
      dist,
      startsWorkers: starts,
      autoNumWorkersHook: hook,
      implications: implications({ workers, cap, dist, starts, hook, sessionBytes, classes }),
    });
  }
  return reports;
}

interface XdistSetup {
  workers: string | null;
  cap: number | null;
  dist: string;
  starts: boolean;
  hook: boolean;
  sessionBytes: number;
  classes: { total: number; grouped: number };
}

/** What the worker count and distribution mode mean for memory, in plain sentences. */
export function implications(s: XdistSetup): string[] {
  const out: string[] = [];
  if (!s.starts) {
    out.push("No xdist workers: one process runs every test, so peak memory is what the widest-scoped fixtures hold plus the largest test.");
    return out;
  }
  const numeric = s.workers !== null && /^\d+$/.test(s.workers) ? Number(s.workers) : undefined;
  const count = numeric !== undefined ? (s.cap !== null ? Math.min(numeric, s.cap) : numeric) : s.cap;
  if (count === null || count === undefined) {
    out.push(
      s.hook
        ? `-n ${s.workers}: the worker count comes from the pytest_xdist_auto_num_workers hook in a conftest.py.`
        : `-n ${s.workers} with no --maxprocesses: one worker per CPU, so memory grows with the machine (a 64-core runner starts 64 full pytest processes).`,
    );
  } else {
    out.push(`${count} worker${count === 1 ? "" : "s"}${s.cap !== null ? ` (capped by --maxprocesses ${s.cap})` : ""}: each is a full pytest process with its own copy of the suite's modules and fixtures.`);
  }
  if (s.sessionBytes > 0) {
    const per = formatBytes(s.sessionBytes);
    out.push(count ? `Session-scoped fixtures (≈${per} estimated) are built on every worker: ≈${formatBytes(s.sessionBytes * count)} across ${count} workers.` : `Session-scoped fixtures (≈${per} estimated) are built once on every worker.`);
  }
  switch (s.dist) {
    case "load":
    case "worksteal":
      out.push(`--dist ${s.dist}: tests go to whichever worker is free, so class- and module-scoped fixtures are rebuilt on every worker that runs one of their tests, and xdist_group marks are ignored.`);
      break;
    case "loadscope":
      out.push("--dist loadscope: a module's (or class's) tests stay on one worker, so module- and class-scoped fixtures are built once; xdist_group marks are ignored.");
      break;
    case "loadfile":
      out.push("--dist loadfile: a file's tests stay on one worker, so module-scoped fixtures are built once; xdist_group marks are ignored.");
      break;
    case "loadgroup":
      out.push("--dist loadgroup: tests of one xdist_group stay on one worker; ungrouped tests are spread like --dist load.");
      break;
    default:
      out.push(`--dist ${s.dist}.`);
  }
  if (s.classes.grouped > 0 && s.dist !== "loadgroup") out.push(`${s.classes.grouped} test class${s.classes.grouped === 1 ? " has" : "es have"} an xdist_group mark that has no effect without --dist loadgroup (MEM502).`);
  return out;
}

/** Turns what the lint gathered into the report's data. */
export function buildReport(collected: CollectedSuite, cwd: string, paths: readonly string[]): SuiteReport {
  const findingsByFile = new Map<string, FindingRecord[]>();
  for (const f of collected.findings) {
    let list = findingsByFile.get(f.path);
    if (!list) findingsByFile.set(f.path, (list = []));
    list.push(f);
  }
  const fixtures: FixtureReport[] = [];
  for (const f of collected.fixtures.values()) {
    const times = timesBuilt(f);
    const own = (findingsByFile.get(f.file) ?? []).filter((x) => x.start >= f.start && x.start < f.end).map(findingRef);
    const bytes = f.built.bytes ?? null;
    fixtures.push({
      id: f.id,
      name: f.name,
      path: displayPath(cwd, f.file),
      line: f.line,
      scope: f.scope ?? null,
      autouse: f.autouse,
      params: f.hasParams ? (f.params ?? null) : 0,
      users: { directTests: f.directTests, directFixtures: f.directFixtures, transitiveTests: f.transitiveTests },
      built: { bytes, lowerBound: f.built.lowerBound, how: f.built.parts.map((p) => `line ${p.line}: ${p.how} ≈ ${formatBytes(p.bytes)}${p.lowerBound ? " (at least)" : ""}`) },
      timesBuilt: times.times,
      timesBuiltHow: times.how,
      totalBytes: bytes === null ? null : bytes * times.times,
      cleanup: f.cleanup,
      findings: own,
    });
  }
  fixtures.sort((a, b) => (b.totalBytes ?? -1) - (a.totalBytes ?? -1) || a.path.localeCompare(b.path) || a.line - b.line);

  const folders = new Map<string, FolderReport>();
  const folderOf = (dir: string): FolderReport => {
    const key = path.relative(cwd, dir).split(path.sep).join("/") || ".";
    let r = folders.get(key);
    if (!r) folders.set(key, (r = { path: key, testFiles: 0, tests: 0, testClasses: 0, mockUsingClasses: 0, xdistGroupClasses: 0, gcTeardownClasses: 0, fixtures: 0, estimatedBytes: 0, estimatedBytesLowerBound: false }));
    return r;
  };
  for (const [dir, facts] of collected.folders) Object.assign(folderOf(dir), facts);
  for (const f of collected.fixtures.values()) {
    const r = folderOf(path.dirname(f.file));
    r.fixtures++;
  }
  for (const f of fixtures) {
    const folder = folderOf(path.dirname(path.resolve(cwd, f.path)));
    folder.estimatedBytes += f.totalBytes ?? 0;
    if ((f.totalBytes ?? 0) > 0 && f.built.lowerBound) folder.estimatedBytesLowerBound = true;
  }
  const fixtureRisks: RiskReport[] = fixtures
    .filter((f) => f.built.bytes !== null && f.built.bytes >= MIN_RISK_BYTES && (f.totalBytes ?? 0) > 0)
    .slice(0, MAX_RISKS)
    .map((f) => ({
      kind: "fixture" as const,
      id: f.id,
      name: f.name,
      path: f.path,
      line: f.line,
      scope: f.scope,
      bytes: f.built.bytes as number,
      lowerBound: f.built.lowerBound,
      timesBuilt: f.timesBuilt,
      totalBytes: f.totalBytes as number,
      addressedBy: ADDRESSING_ORDER.map((code) => f.findings.find((x) => x.code === code)).find((x) => x !== undefined) ?? null,
      advice: adviceFor(f),
    }));
  const dataRisks: RiskReport[] = collected.testData.map((d) => ({
    kind: d.kind,
    id: `${displayPath(cwd, d.file)}:${d.line}`,
    name: d.name,
    path: displayPath(cwd, d.file),
    line: d.line,
    scope: null,
    bytes: d.estimate.bytes,
    lowerBound: d.estimate.lowerBound,
    timesBuilt: 1,
    totalBytes: d.estimate.bytes,
    addressedBy: findingRef(d.finding),
    advice:
      d.kind === "module"
        ? "Built at import and held for the whole session on every worker: build it in a fixture, or smaller"
        : d.finding.code === "MEM303"
          ? "Mark the test so it can run apart from the xdist workers, or allocate less"
          : "Build less data in the test",
  }));
  for (const d of dataRisks) {
    const folder = folderOf(path.dirname(path.resolve(cwd, d.path)));
    folder.estimatedBytes += d.totalBytes;
    if (d.lowerBound) folder.estimatedBytesLowerBound = true;
  }
  const risks = [...fixtureRisks, ...dataRisks].sort((a, b) => b.totalBytes - a.totalBytes || a.path.localeCompare(b.path) || a.line - b.line).slice(0, MAX_RISKS);
  const folderList = [...folders.values()].sort((a, b) => a.path.localeCompare(b.path));

  const counts = new Map<string, { code: string; name: string; count: number; url: string }>();
  for (const f of collected.findings) {
    const c = counts.get(f.code) ?? { code: f.code, name: f.name, count: 0, url: ruleDocsUrl(f.code) };
    c.count++;
    counts.set(f.code, c);
  }
  const sessionBytes = fixtures.filter((f) => f.scope === "session").reduce((a, f) => a + (f.totalBytes ?? 0), 0);
  const totalClasses = folderList.reduce((a, f) => a + f.testClasses, 0);
  const grouped = folderList.reduce((a, f) => a + f.xdistGroupClasses, 0);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: VERSION },
    paths: paths.length > 0 ? [...paths] : ["."],
    summary: {
      files: collected.files.length,
      testFiles: folderList.reduce((a, f) => a + f.testFiles, 0),
      tests: folderList.reduce((a, f) => a + f.tests, 0),
      testClasses: totalClasses,
      fixtures: fixtures.length,
      findings: collected.findings.length,
      estimatedBytes: fixtures.reduce((a, f) => a + (f.totalBytes ?? 0), 0) + dataRisks.reduce((a, d) => a + d.totalBytes, 0),
      estimatedBytesLowerBound: fixtures.some((f) => (f.totalBytes ?? 0) > 0 && f.built.lowerBound) || dataRisks.some((d) => d.lowerBound),
    },
    estimateNote: ESTIMATE_NOTE,
    configurations: configurationReports(collected, cwd, sessionBytes, { total: totalClasses, grouped }),
    folders: folderList,
    risks,
    fixtures,
    findingCounts: [...counts.values()].sort((a, b) => a.code.localeCompare(b.code)),
  };
}
