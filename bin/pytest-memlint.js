#!/usr/bin/env node
import fs from "node:fs";

// The bundled CLI (npm run build makes it) loads far fewer files; the tsc output is the fallback.
const bundle = new URL("../dist/bundle/cli.js", import.meta.url);
await import(fs.existsSync(bundle) ? bundle.href : "../dist/src/cli.js");
