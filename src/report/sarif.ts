import { createHash } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ruleMarkdown } from "../docs.js";
import type { Rule } from "../engine/rule.js";
import type { FindingRecord } from "../engine/record.js";
import type { Severity } from "../engine/types.js";
import { HOMEPAGE, TOOL_NAME, VERSION, ruleDocsUrl } from "../meta.js";
import { RULES, SYNTAX_ERROR } from "../rules/index.js";
import { indentedJson } from "./json.js";
import { displayPath } from "./paths.js";
import { repositoryRoot } from "./repo-root.js";
import type { ReporterFactory } from "./types.js";

/** The base that relative result URIs are resolved against: the repository root (the git top level, else the working directory). */
export const SRCROOT = "%SRCROOT%";
/** The key of our own entry in `partialFingerprints` (GitHub adds its own `primaryLocationLineHash`). */
export const FINGERPRINT_KEY = "pytestMemlintFingerprint/v1";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { error: "error", warning: "warning", info: "note" };

interface Descriptor {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: "error" | "warning" | "note"; enabled: boolean };
  properties: { tags: string[] };
}

const SYNTAX_ERROR_HELP = [
  `# ${SYNTAX_ERROR.code} ${SYNTAX_ERROR.name}`,
  "",
  "The file does not parse as Python. The first syntax error is reported; the rules still run on the rest of the file, and no fix is applied to it.",
  "",
].join("\n");

function descriptor(rule: Rule): Descriptor {
  const m = rule.meta;
  const markdown = ruleMarkdown(rule);
  return {
    id: m.code,
    name: m.name,
    shortDescription: { text: m.summary },
    fullDescription: { text: m.docs.whatItDoes },
    help: { text: markdown, markdown },
    helpUri: ruleDocsUrl(m.code),
    defaultConfiguration: { level: LEVEL[m.severity], enabled: m.enabledByDefault },
    properties: { tags: ["pytest", "memory"] },
  };
}

function syntaxErrorDescriptor(): Descriptor {
  return {
    id: SYNTAX_ERROR.code,
    name: SYNTAX_ERROR.name,
    shortDescription: { text: "The file does not parse as Python." },
    fullDescription: { text: "The first syntax error of a file that does not parse as Python." },
    help: { text: SYNTAX_ERROR_HELP, markdown: SYNTAX_ERROR_HELP },
    defaultConfiguration: { level: LEVEL[SYNTAX_ERROR.severity], enabled: true },
    properties: { tags: ["pytest", "syntax"] },
  };
}

/** Every rule the tool has, in code order: MEM000 first, then the registry. */
function descriptors(): Descriptor[] {
  return [syntaxErrorDescriptor(), ...RULES.map(descriptor)];
}

/** A file's location: relative to %SRCROOT% when under the repository root, else an absolute file URI. */
function artifactLocation(root: string, file: string): { uri: string; uriBaseId?: string } {
  const rel = path.relative(root, file);
  if (rel === "" || rel.split(path.sep)[0] === ".." || path.isAbsolute(rel)) return { uri: pathToFileURL(file).href };
  return { uri: rel.split(path.sep).map(encodeURIComponent).join("/"), uriBaseId: SRCROOT };
}

/** SARIF regions: 1-based lines and columns, the end column exclusive (never before the start); columns in code points (run.columnKind). */
function region(r: { line: number; column: number; endLine: number; endColumn: number }) {
  const endBeforeStart = r.endLine < r.line || (r.endLine === r.line && r.endColumn < r.column);
  return endBeforeStart ? { startLine: r.line, startColumn: r.column, endLine: r.line, endColumn: r.column } : { startLine: r.line, startColumn: r.column, endLine: r.endLine, endColumn: r.endColumn };
}

/**
 * A fingerprint that survives lines moving: the code, the path, the finding's line text (trimmed) and
 * which occurrence of that triple in the file this finding is.
 */
function fingerprinter(cwd: string) {
  const seen = new Map<string, number>();
  return (f: FindingRecord): string => {
    const key = [f.code, displayPath(cwd, f.path), f.lineText].join("\0");
    const hash = createHash("sha256").update(key).digest("hex").slice(0, 32);
    const occurrence = seen.get(hash) ?? 0;
    seen.set(hash, occurrence + 1);
    return `${hash}:${occurrence + 1}`;
  };
}

/** Where the results array sits in the log: the log is written around it, the results a file at a time. */
const RESULTS_HOLE = '"results": []';
const RESULT_INDENT = "        ";

export const sarifReporter: ReporterFactory = (header) => {
  const rules = descriptors();
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const root = repositoryRoot(header.cwd);
  const fingerprint = fingerprinter(root);
  const problems = header.problems ?? [];
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: TOOL_NAME, version: VERSION, semanticVersion: VERSION, informationUri: HOMEPAGE, rules } },
        originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(root).href.replace(/\/?$/, "/") } },
        // Files that could not be read and configuration errors: the run did not check everything.
        invocations: [
          {
            executionSuccessful: problems.length === 0,
            toolExecutionNotifications: problems.map((p) => ({
              level: "error",
              message: { text: p.message },
              ...(p.path !== undefined ? { locations: [{ physicalLocation: { artifactLocation: artifactLocation(root, p.path) } }] } : {}),
            })),
          },
        ],
        columnKind: "unicodeCodePoints",
        results: [],
      },
    ],
  };
  const whole = JSON.stringify(log, null, 2) + "\n";
  const hole = whole.lastIndexOf(RESULTS_HOLE);
  const before = whole.slice(0, hole + RESULTS_HOLE.length - 1);
  const after = whole.slice(hole + RESULTS_HOLE.length - 1);
  let count = 0;
  const toResult = (f: FindingRecord) => {
    const location = artifactLocation(root, f.path);
    const result: Record<string, unknown> = {
      ruleId: f.code,
      ...(index.has(f.code) ? { ruleIndex: index.get(f.code) } : {}),
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [{ physicalLocation: { artifactLocation: location, region: region(f) } }],
      partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(f) },
    };
    if (f.fix) {
      result["fixes"] = [
        {
          description: { text: `${f.fix.message} (${f.fix.applicability} fix)` },
          artifactChanges: [
            {
              artifactLocation: location,
              replacements: f.fix.edits.map((e) => ({ deletedRegion: region(e), ...(e.content !== "" ? { insertedContent: { text: e.content } } : {}) })),
            },
          ],
        },
      ];
    }
    return result;
  };
  return {
    start: () => before,
    file: (_path, findings) => findings.map((f) => (count++ === 0 ? "\n" : ",\n") + indentedJson(toResult(f), RESULT_INDENT)).join(""),
    end: () => (count === 0 ? after : `\n${RESULT_INDENT.slice(2)}${after}`),
  };
};
