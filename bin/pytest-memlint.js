#!/usr/bin/env node
import fs from "node:fs";

// The bundled CLI (npm run build makes it) loads far fewer files; the tsc output is the fallback.
// A dynamic import so that a failure to load is one line, not a stack trace.
const bundle = new URL("../dist/bundle/cli.js", import.meta.url);
import(fs.existsSync(bundle) ? bundle.href : "../dist/src/cli.js").catch((e) => {
  process.stderr.write(`error: ${e?.message ?? String(e)}\n`);
  process.exitCode = 2;
});
