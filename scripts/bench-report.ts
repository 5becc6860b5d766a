/**
 * The suite memory report's part of `npm run bench`: the report's run (lint plus what the report
 * gathers, HTML and Markdown written) and the time Chromium takes to open the HTML, when Chromium
 * is installed.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { runReportCommand } from "../src/suite-report/command.js";

export interface ReportPhase {
  ms: number;
  maxRssMb: number;
  htmlBytes: number;
  htmlPath: string;
}

export async function reportPhase(dir: string): Promise<ReportPhase> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "memlint-bench-report-"));
  const htmlPath = path.join(out, "report.html");
  const start = process.hrtime.bigint();
  await runReportCommand(
    { paths: [dir], cwd: process.cwd(), format: "text", html: htmlPath, markdown: path.join(out, "report.md"), noConfig: true },
    { stdout: () => undefined, stderr: () => undefined, isTTY: false },
  );
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, maxRssMb: process.resourceUsage().maxRSS / 1024, htmlBytes: fs.statSync(htmlPath).size, htmlPath };
}

const CHROMIUM = [process.env["CHROMIUM_PATH"], "/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p): p is string => !!p && fs.existsSync(p));

/** Milliseconds from navigation to the load event of the HTML report in headless Chromium (median of 3), or a reason. */
export async function chromiumOpenMs(htmlPath: string): Promise<number | string> {
  if (!CHROMIUM) return "Chromium not installed";
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  try {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const start = process.hrtime.bigint();
      await page.goto(pathToFileURL(htmlPath).href, { waitUntil: "load" });
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
      await page.close();
    }
    return times.sort((a, b) => a - b)[1] ?? 0;
  } finally {
    await browser.close();
  }
}
