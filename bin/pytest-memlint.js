#!/usr/bin/env node
// CommonJS (bin/package.json): Node starts it without its ES module loader, so that a run answered
// from its memo (src/start.ts) costs little more than starting Node.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { pathToFileURL } = require("node:url");

// A failure to load is one line, not a stack trace.
const fail = (e) => {
  process.stderr.write(`error: ${e?.message ?? String(e)}\n`);
  process.exitCode = 2;
};
// The bundle (npm run build makes it) loads far fewer files; the tsc output is the fallback.
const bundle = path.join(__dirname, "..", "dist", "bundle");
if (fs.existsSync(path.join(bundle, "start.cjs"))) {
  try {
    require(path.join(bundle, "start.cjs")).start(bundle, () => import(pathToFileURL(path.join(bundle, "cli.js")).href));
  } catch (e) {
    fail(e);
  }
} else {
  import("../dist/src/cli.js").catch(fail);
}
