/**
 * Preloaded into a benchmarked CLI (`node --import`): writes the process's peak RSS in KB, worker
 * threads included, to the file named by PYTEST_MEMLINT_RSS_FILE when it exits.
 */
import fs from "node:fs";

const out = process.env["PYTEST_MEMLINT_RSS_FILE"];
if (out) process.on("exit", () => fs.writeFileSync(out, String(process.resourceUsage().maxRSS)));
