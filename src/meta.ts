import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The package's own package.json: found walking up, as this file runs from src/ in tests and dist/src/ when built. */
function readPackageJson(): { version: string; homepage?: string } {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, "package.json");
    if (fs.existsSync(candidate)) return JSON.parse(fs.readFileSync(candidate, "utf8")) as { version: string; homepage?: string };
    const parent = path.dirname(dir);
    if (parent === dir) return { version: "0.0.0" };
    dir = parent;
  }
}

const pkg = readPackageJson();

export const VERSION = pkg.version;
export const TOOL_NAME = "pytest-memlint";
export const HOMEPAGE = pkg.homepage ?? "https://github.com/pytest-memlint/pytest-memlint";

export function ruleDocsUrl(code: string): string {
  return `${HOMEPAGE}/blob/main/docs/rules/${code}.md`;
}
