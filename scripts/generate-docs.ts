/** Writes docs/rules/<CODE>.md, docs/rules/README.md, docs/rules/CODES.md and docs/options.md from the rules' metadata and option declarations. `--check` only compares. */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { codeMapMarkdown, optionsMarkdown, ruleMarkdown, ruleSourcePath, rulesIndexMarkdown, SYNTAX_ERROR_SOURCE } from "../src/docs.js";
import { RULES } from "../src/rules/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const docsDir = path.join(root, "docs", "rules");

export function expectedDocs(): Map<string, string> {
  const files = new Map<string, string>();
  for (const rule of RULES) files.set(path.join(docsDir, `${rule.meta.code}.md`), ruleMarkdown(rule));
  files.set(path.join(docsDir, "README.md"), rulesIndexMarkdown());
  files.set(path.join(docsDir, "CODES.md"), codeMapMarkdown());
  files.set(path.join(root, "docs", "options.md"), optionsMarkdown());
  return files;
}

// The code map names each rule's file after its meta.name: a file named otherwise would be a dead link.
const missingSources = [SYNTAX_ERROR_SOURCE, ...RULES.map(ruleSourcePath)].filter((file) => !fs.existsSync(path.join(root, file)));
if (missingSources.length > 0) {
  console.error(`not found (a rule's file is src/rules/<meta.name>.ts): ${missingSources.join(", ")}`);
  process.exit(1);
}

const checkOnly = process.argv.includes("--check");
let stale = 0;
fs.mkdirSync(docsDir, { recursive: true });
for (const [file, content] of expectedDocs()) {
  const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
  if (current === content) continue;
  stale++;
  if (checkOnly) console.error(`stale: ${path.relative(root, file)}`);
  else fs.writeFileSync(file, content);
}
if (checkOnly && stale > 0) {
  console.error("run `npm run docs` to regenerate");
  process.exit(1);
}
