import fs from "node:fs";

const pkg = JSON.parse(fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string; homepage?: string };

export const VERSION = pkg.version;
export const TOOL_NAME = "pytest-memlint";
export const HOMEPAGE = pkg.homepage ?? "https://github.com/pytest-memlint/pytest-memlint";

export function ruleDocsUrl(code: string): string {
  return `${HOMEPAGE}/blob/main/docs/rules/${code}.md`;
}
