import Parser from "tree-sitter";
const counts = new Map();
for (const m of ["captures", "matches"]) {
  const orig = Parser.Query.prototype[m];
  Parser.Query.prototype[m] = function (...a) {
    const t = Date.now();
    const r = orig.apply(this, a);
    const where = (new Error().stack.split("\n")[2] || "").trim().replace(/.*dist\//, "").replace(/\)$/, "");
    const c = counts.get(where) || { n: 0, ms: 0 }; c.n++; c.ms += Date.now() - t; counts.set(where, c);
    return r;
  };
}
const { run } = await import("./dist/src/run.js");
const t = Date.now();
await run({ paths: [process.argv[2]], cwd: process.cwd(), fix: false, unsafeFixes: false, diff: false, format: "json", exitZero: true, noConfig: true, quiet: true, color: "never" }, { stdout: () => {}, stderr: () => {}, isTTY: false });
console.log("total", Date.now() - t);
[...counts].sort((a, b) => b[1].ms - a[1].ms).forEach(([k, v]) => console.log(v.ms + "ms", v.n, k));
