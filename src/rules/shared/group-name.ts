import path from "node:path";
import { ConfigError } from "../../config/errors.js";

let lastPath: string | undefined;
let lastStem = "";

/** `tests/test_auth_factory.py` → `auth_factory` (the last answer remembered: a file's classes ask in turn). */
export function fileStem(filePath: string): string {
  if (filePath === lastPath) return lastStem;
  lastStem = stemOf(filePath);
  lastPath = filePath;
  return lastStem;
}

function stemOf(filePath: string): string {
  let stem = path.basename(filePath).replace(/\.py$/, "");
  if (stem.startsWith("test_")) stem = stem.slice(5);
  if (stem.endsWith("_test")) stem = stem.slice(0, -5);
  return stem;
}

/** Why a group name cannot be written, or undefined when it can. */
export function groupNameProblem(name: string): string | undefined {
  if (name === "") return "it is empty";
  if (/["']/.test(name)) return "it holds a quote";
  if (name.includes("\\")) return "it holds a backslash";
  if (/[\r\n]/.test(name)) return "it holds a newline";
  if (name.includes("@")) return "it holds '@' (pytest-xdist keeps only the text after the last '@')";
  return undefined;
}

/** Checks a template before any file is touched: a configuration error, never written. */
export function validateGroupTemplate(template: string, source: string): void {
  const problem = groupNameProblem(template.replace(/\{stem\}/g, "x").replace(/\{class\}/g, "X"));
  if (!problem) return;
  const what = source === "--xdist-group-name" ? source : `${source}: xdist-group-name`;
  throw new ConfigError(`${what} ${JSON.stringify(template)} cannot be used: ${problem}`);
}

export function expandGroupName(template: string, filePath: string, className: string): string {
  return template.replace(/\{stem\}/g, fileStem(filePath)).replace(/\{class\}/g, className);
}
