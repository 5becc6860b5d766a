import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { SuiteReport } from "../src/suite-report/types.js";
import { cli, copyInto, FIXTURES, tmpDir } from "./helpers.js";

const SUITE = path.join(FIXTURES, "report-suite");

function jsonReport(args: string[], cwd = SUITE): SuiteReport {
  const r = cli(["report", ...args, "--format", "json"], { cwd });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as SuiteReport;
}

describe("report --format json", () => {
  let report: SuiteReport;
  beforeAll(() => {
    report = jsonReport([]);
  });

  const fixture = (name: string) => {
    const f = report.fixtures.find((x) => x.name === name);
    if (!f) throw new Error(`no fixture ${name}`);
    return f;
  };

  it("lists every fixture with where, scope, params, users and what it builds", () => {
    expect(report.schemaVersion).toBe(1);
    expect(report.fixtures.map((f) => f.name).sort()).toEqual(["backend", "embeddings", "matrix", "numbers", "reset_env", "scaled"]);
    expect(fixture("embeddings")).toMatchObject({ path: "tests/conftest.py", line: 7, scope: "session", autouse: false, params: 0, timesBuilt: 1, cleanup: false });
    expect(fixture("embeddings").built.bytes).toBe(112 + 1000 * 256 * 4);
    // `matrix` is requested by one test and by the `scaled` fixture, whose test gets it too.
    expect(fixture("matrix").users).toEqual({ directTests: 1, directFixtures: 1, transitiveTests: 2 });
    expect(fixture("matrix").timesBuilt).toBe(2);
    expect(fixture("matrix").totalBytes).toBe(2 * (112 + 250_000 * 8));
    // Parametrized: one test, three params.
    expect(fixture("backend")).toMatchObject({ params: 3, timesBuilt: 3, timesBuiltHow: "1 test × 3 params" });
    expect(fixture("backend").findings.map((f) => f.code)).toEqual(expect.arrayContaining(["MEM304"]));
    // Autouse: every test gets it; it tears down after its yield.
    expect(fixture("reset_env")).toMatchObject({ autouse: true, cleanup: true, users: { directTests: 10, directFixtures: 0, transitiveTests: 10 } });
    // Nothing it builds can be sized.
    expect(fixture("scaled").built.bytes).toBeNull();
    expect(fixture("scaled").totalBytes).toBeNull();
  });

  it("links each fixture finding to the rule docs", () => {
    const mem301 = fixture("numbers").findings.find((f) => f.code === "MEM301");
    expect(mem301?.url).toMatch(/docs\/rules\/MEM301\.md$/);
    expect(mem301?.line).toBe(8);
  });

  it("counts per folder: files, tests, classes, mock-using, xdist_group, gc teardown", () => {
    expect(report.folders.map((f) => f.path)).toEqual(["tests", "tests/integration", "tests/unit"]);
    expect(report.folders.find((f) => f.path === "tests/unit")).toMatchObject({ testFiles: 1, tests: 6, testClasses: 2, mockUsingClasses: 1, xdistGroupClasses: 1, gcTeardownClasses: 1, fixtures: 1 });
    expect(report.folders.find((f) => f.path === "tests/integration")).toMatchObject({ testFiles: 1, tests: 4, testClasses: 1, mockUsingClasses: 1, xdistGroupClasses: 0, gcTeardownClasses: 0 });
  });

  it("ranks risks by bytes × times built, each with the finding that addresses it", () => {
    const totals = report.risks.map((r) => r.totalBytes);
    expect([...totals].sort((a, b) => b - a)).toEqual(totals);
    expect(report.risks[0]).toMatchObject({ kind: "test", name: "test_big_array", totalBytes: 112 + 16_000_000 * 8, addressedBy: { code: "MEM303" } });
    expect(report.risks.find((r) => r.name === "backend")?.addressedBy?.code).toBe("MEM304");
    expect(report.risks.find((r) => r.name === "numbers")?.addressedBy?.code).toBe("MEM301");
    // Small literals are not risks.
    expect(report.risks.some((r) => r.name === "reset_env")).toBe(false);
  });

  it("reads the worker count and distribution mode, and what they imply", () => {
    expect(report.configurations).toHaveLength(1);
    const c = report.configurations[0];
    expect(c).toMatchObject({ path: "pytest.ini", workers: "4", dist: "loadscope", startsWorkers: true });
    expect(c?.implications.join(" ")).toMatch(/across 4 workers/);
    expect(c?.implications.join(" ")).toMatch(/xdist_group mark that has no effect without --dist loadgroup/);
  });

  it("honours the configuration's exclude and works on a subset", () => {
    expect(report.fixtures.some((f) => f.path.includes("legacy"))).toBe(false);
    const unit = jsonReport(["tests/unit"]);
    expect(unit.folders.map((f) => f.path)).toEqual(["tests", "tests/unit"]);
    expect(unit.summary.testFiles).toBe(1);
    // Fixtures of the conftest.py above the subset still resolve.
    expect(unit.fixtures.find((f) => f.name === "matrix")?.users.transitiveTests).toBe(2);
    expect(unit.fixtures.some((f) => f.name === "backend")).toBe(false);
    const noConfig = jsonReport(["--no-config"]);
    expect(noConfig.fixtures.some((f) => f.name === "huge")).toBe(true);
  });
});

describe("report files", () => {
  it("writes Markdown tables and a self-contained HTML file", () => {
    const dir = copyInto(SUITE, tmpDir());
    const r = cli(["report", "--html", "out/report.html", "--markdown", "report.md"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^## Summary/);
    expect(r.stdout).toContain("Wrote out/report.html");
    const md = fs.readFileSync(path.join(dir, "report.md"), "utf8");
    expect(md).toContain("| Folder | Test files | Tests | Test classes | Mock-using classes | With xdist_group | With gc.collect() teardown |");
    expect(md).toMatch(/\| `backend` \| tests\/conftest.py:17 \| function \|/);
    const html = fs.readFileSync(path.join(dir, "out", "report.html"), "utf8");
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain("default-src 'none'");
    // No external resource: the only URLs are links to the rule docs.
    expect(html).not.toMatch(/<(?:script|link|img|iframe)[^>]+(?:src|href)=/);
    for (const url of html.match(/https?:\/\/[^"'\s<]+/g) ?? []) expect(url).toMatch(/\/docs\/rules\/MEM\d{3}\.md$/);
    expect(html.match(/<g class="bar"/g)).toHaveLength(3);
  });

  it("says so when a file cannot be written, and exits 2", () => {
    const dir = copyInto(SUITE, tmpDir());
    const r = cli(["report", "--html", "tests"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: tests: could not be written (EISDIR)\n");
  });
});
