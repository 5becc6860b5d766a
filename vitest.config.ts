import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    setupFiles: ["test/setup-parser.ts"],
    projects: [
      { extends: true, test: { name: "native", include: ["test/**/*.test.ts"] } },
      // The same rule fixtures with the WebAssembly parser, the fallback when the native binding cannot load.
      { extends: true, test: { name: "wasm", include: ["test/rule-fixtures.test.ts", "test/parser-backend.test.ts", "test/tree-release.test.ts"], env: { PYTEST_MEMLINT_PARSER: "wasm" } } },
    ],
  },
});
