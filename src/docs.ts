import { OPTION_DOCS } from "./config/options.js";
import type { Rule } from "./engine/rule.js";
import { ruleDocsUrl } from "./meta.js";
import { RULES } from "./rules/index.js";

const FIX_LABEL = { safe: "safe", unsafe: "unsafe", "safe-or-unsafe": "safe or unsafe (per finding)", none: "none" } as const;

function codeBlock(code: string): string {
  return "```python\n" + code.replace(/\n+$/, "") + "\n```";
}

/** A rule's documentation page, generated from its metadata (`docs/rules/<CODE>.md`, `rules CODE`). */
export function ruleMarkdown(rule: Rule): string {
  const m = rule.meta;
  const parts = [
    `# ${m.code} ${m.name}`,
    "",
    `Default severity: **${m.severity}** · Fix: **${FIX_LABEL[m.fix]}** · ${m.enabledByDefault ? "On by default" : "Off by default (enable with `--extend-select " + m.code + "`)"}`,
    "",
    m.summary,
    "",
    "## What it does",
    "",
    m.docs.whatItDoes,
    "",
    "## Why is this bad?",
    "",
    m.docs.whyIsThisBad,
    "",
    "## Example",
    "",
    codeBlock(m.docs.example),
    "",
    "## Use instead",
    "",
    codeBlock(m.docs.useInstead),
    "",
  ];
  if (m.fix !== "none") parts.push("## Fix safety", "", m.docs.fixSafety ?? "", "");
  parts.push("## Options", "");
  if (m.options.length === 0) parts.push("None.", "");
  else for (const name of m.options) {
    const o = OPTION_DOCS[name];
    parts.push(`- \`${name}\` (${o.type}, default ${o.default}): ${o.description}`);
  }
  if (m.options.length > 0) parts.push("");
  const suppression = m.code.startsWith("MEM5")
    ? `A full-line \`# noqa: ${m.code}\` comment directly above the offending line of the pytest configuration file (never an inline comment, which pytest's ini parser keeps as part of the value), or \`per-file-ignores\` on the configuration file's path.`
    : `\`# noqa: ${m.code}\` on the line of the finding, \`# pytest-memlint: disable=${m.code}\` at the top of a file, or \`per-file-ignores\` in the configuration.`;
  parts.push("## Suppression", "", suppression, "");
  return parts.join("\n");
}

/** `docs/rules/README.md`: the catalogue. */
export function rulesIndexMarkdown(): string {
  const rows = RULES.map((r) => `| [${r.meta.code}](${r.meta.code}.md) | ${r.meta.name} | ${r.meta.severity} | ${FIX_LABEL[r.meta.fix]} | ${r.meta.enabledByDefault ? "yes" : "no"} | ${r.meta.summary.replace(/\|/g, "\\|")} |`);
  return ["# Rules", "", "Generated from each rule's metadata by `npm run docs`; do not edit by hand.", "", "| code | name | severity | fix | default | summary |", "|---|---|---|---|---|---|", ...rows, ""].join("\n");
}

/** The table `pytest-memlint rules` prints. */
/** `rules --format json`: one object per rule, as ruff's `rule --output-format json` gives. */
export function rulesJson(rules: readonly Rule[]): string {
  const list = rules.map((r) => ({
    code: r.meta.code,
    name: r.meta.name,
    severity: r.meta.severity,
    fix: r.meta.fix,
    enabledByDefault: r.meta.enabledByDefault,
    summary: r.meta.summary,
    options: r.meta.options,
    url: ruleDocsUrl(r.meta.code),
  }));
  return JSON.stringify(list, null, 2) + "\n";
}

export function rulesTable(): string {
  const lines = RULES.map((r) => `${r.meta.code}  ${r.meta.name.padEnd(32)} ${r.meta.severity.padEnd(8)} ${("fix: " + r.meta.fix).padEnd(24)} ${r.meta.enabledByDefault ? "" : "(off by default)"}`.trimEnd());
  return lines.join("\n") + "\n";
}
