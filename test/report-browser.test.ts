/**
 * The HTML report in a real headless Chromium (Debian's `chromium`, installed by .ci/run), driven by
 * playwright-core with the system browser (no browser is downloaded). Skipped with the reason when
 * Chromium is missing, except under CI=true, where that is a failure.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, FIXTURES, tmpDir } from "./helpers.js";

const CANDIDATES = [process.env["CHROMIUM_PATH"], "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
const CHROMIUM = CANDIDATES.find((p): p is string => p !== undefined && p !== "" && fs.existsSync(p));
const MISSING = "Chromium is not installed (apt-get install chromium, or set CHROMIUM_PATH)";

if (!CHROMIUM && process.env["CI"] === "true") {
  describe("HTML report in Chromium", () => {
    it("has Chromium under CI", () => {
      throw new Error(`${MISSING}: .ci/run installs it`);
    });
  });
}

describe.skipIf(!CHROMIUM)(`HTML report in Chromium${CHROMIUM ? "" : ` (skipped: ${MISSING})`}`, () => {
  let browser: Browser;
  let url: string;
  let page: Page;
  const consoleErrors: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    const dir = tmpDir();
    const file = path.join(dir, "report.html");
    const r = cli(["report", "--html", file], { cwd: path.join(FIXTURES, "report-suite") });
    expect(r.code).toBe(0);
    url = pathToFileURL(file).href;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(e.message));
    page.on("request", (req) => {
      if (req.url() !== url) requests.push(req.url());
    });
    await page.goto(url, { waitUntil: "load" });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it("loads with no console errors and no network requests", () => {
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
    expect(page.url()).toBe(url);
  });

  const names = (table: string) => page.$$eval(`#${table} tbody tr:not([hidden]) td:first-child`, (cells) => cells.map((c) => c.textContent ?? ""));

  it("sorts a column when its header is clicked", async () => {
    const before = await names("fixtures");
    await page.click("#fixtures thead th:first-child button");
    const ascending = await names("fixtures");
    expect(ascending).toEqual([...before].sort());
    expect(ascending).not.toEqual(before);
    expect(await page.getAttribute("#fixtures thead th:first-child", "aria-sort")).toBe("ascending");
    await page.click("#fixtures thead th:first-child button");
    expect(await names("fixtures")).toEqual([...before].sort().reverse());
    // A numeric column: the first click puts the largest first.
    const testsColumn = 8; // "Tests in reach"
    await page.click(`#fixtures thead th:nth-child(${testsColumn}) button`);
    const values = await page.$$eval(`#fixtures tbody tr td:nth-child(${testsColumn})`, (cells) => cells.map((c) => Number(c.getAttribute("data-v"))));
    expect(values).toEqual([...values].sort((a, b) => b - a));
  });

  it("hides the rows the filter does not match", async () => {
    const all = (await names("fixtures")).length;
    await page.fill('input[data-filter="fixtures"]', "unit/test_math");
    const shown = await names("fixtures");
    expect(shown).toEqual(["numbers"]);
    expect(await page.$$eval("#fixtures tbody tr[hidden]", (rows) => rows.length)).toBe(all - 1);
    expect(await page.textContent('[data-count="fixtures"]')).toBe(`1 of ${all} rows`);
    await page.fill('input[data-filter="fixtures"]', "");
    expect((await names("fixtures")).length).toBe(all);
  });

  it("charts one bar per folder", async () => {
    const bars = await page.$$eval("svg.chart g.bar", (gs) => gs.map((g) => g.getAttribute("data-folder")));
    const folders = await names("folders");
    expect([...bars].sort()).toEqual([...folders].sort());
    // Largest first.
    expect(bars).toEqual(["tests/integration", "tests", "tests/unit"]);
    const widths = await page.$$eval("svg.chart g.bar rect", (rects) => rects.map((r) => r.getBoundingClientRect().width));
    expect(widths.every((w) => w > 0)).toBe(true);
  });

  it("fits a phone's width: only the tables scroll sideways", async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 800 } });
    await phone.goto(url, { waitUntil: "load" });
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.close();
  });
});
