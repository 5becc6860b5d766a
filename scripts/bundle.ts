/**
 * Bundles the CLI (and the `--jobs` worker thread) into dist/bundle/ with esbuild, so a run loads a
 * few files instead of hundreds of modules. Code only some runs need (worker pool, reporters, diff,
 * TOML, zod) is split into chunks loaded by dynamic `import()` where it is used. The native
 * tree-sitter binding cannot be bundled and is loaded from node_modules.
 * Run after `tsc` (npm run build); bin/pytest-memlint.js uses the bundle (its entry: start.js) when it exists.
 */
import { build } from "esbuild";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

let root = path.dirname(fileURLToPath(import.meta.url));
while (!fs.existsSync(path.join(root, "package.json"))) root = path.dirname(root);
const outdir = path.join(root, "dist", "bundle");
fs.rmSync(outdir, { recursive: true, force: true });

await build({
  entryPoints: { cli: path.join(root, "src", "cli.ts"), worker: path.join(root, "src", "worker.ts") },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // piscina starts its own worker script from its package folder, so it is loaded from node_modules too.
  external: ["tree-sitter", "tree-sitter-python", "web-tree-sitter", "piscina"],
  // CommonJS dependencies bundled into ESM still call `require` for Node built-ins and read
  // `__filename` (some read it to find files next to them).
  banner: {
    js: [
      'import { createRequire as __pmCreateRequire } from "node:module";',
      'import { fileURLToPath as __pmFileURLToPath } from "node:url";',
      "const require = __pmCreateRequire(import.meta.url);",
      "const __filename = __pmFileURLToPath(import.meta.url);",
    ].join(" "),
  },
  chunkNames: "chunks/[name]-[hash]",
  logLevel: "warning",
});

// The command's entry, which answers a run from its memo or loads cli.js: CommonJS, one file.
await build({
  entryPoints: [path.join(root, "src", "start.ts")],
  outfile: path.join(outdir, "start.cjs"),
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  logLevel: "warning",
});

// The build's identity, for the run memo (src/cache/run-memo.ts): a digest of the bundle and of the
// package.json that pins the parser packages. A memo recorded by another build is never used.
const id = crypto.createHash("sha1");
id.update(fs.readFileSync(path.join(root, "package.json")));
for (const file of (fs.readdirSync(outdir, { recursive: true }) as string[]).sort()) {
  const full = path.join(outdir, file);
  if (!fs.statSync(full).isFile()) continue;
  id.update(`\0${file}\0`);
  id.update(fs.readFileSync(full));
}
fs.writeFileSync(path.join(outdir, "build-id"), id.digest("hex"));
