import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { workerFileFor } from "../src/parallel.js";
import { ROOT } from "./helpers.js";

describe("worker threads", () => {
  it("run the bundle's worker when the pool starts from a bundle chunk, the tsc output's otherwise", () => {
    const chunks = path.join(ROOT, "dist", "bundle", "chunks");
    const parallelChunk = fs.readdirSync(chunks).find((f) => f.startsWith("parallel-") && f.endsWith(".js"));
    expect(parallelChunk, "npm run build makes the bundle").toBeDefined();
    expect(workerFileFor(pathToFileURL(path.join(chunks, parallelChunk as string)).href)).toBe(path.join(ROOT, "dist", "bundle", "worker.js"));
    expect(workerFileFor(pathToFileURL(path.join(ROOT, "dist", "src", "parallel.js")).href)).toBe(path.join(ROOT, "dist", "src", "worker.js"));
    expect(workerFileFor(pathToFileURL(path.join(ROOT, "src", "parallel.ts")).href)).toBe(path.join(ROOT, "dist", "src", "worker.js"));
  });
});
