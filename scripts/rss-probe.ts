/**
 * Preloaded into a benchmarked CLI (`node --import`): writes the process's peak RSS in KB and its CPU
 * time (user + system) in ms, worker threads and V8's own threads included, as `KB MS` to the file
 * named by PYTEST_MEMLINT_RSS_FILE when it exits.
 */
import fs from "node:fs";

const out = process.env["PYTEST_MEMLINT_RSS_FILE"];
if (out) {
  process.on("exit", () => {
    const usage = process.resourceUsage();
    fs.writeFileSync(out, `${usage.maxRSS} ${Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000)}`);
  });
}
