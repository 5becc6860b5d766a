#!/usr/bin/env node
// A dynamic import so that a failure to load (no usable parser) is one line, not a stack trace.
import("../dist/src/cli.js").catch((e) => {
  process.stderr.write(`error: ${e?.message ?? String(e)}\n`);
  process.exitCode = 2;
});
