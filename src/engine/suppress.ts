import { compileQuery, parse, type Tree } from "./parser.js";
import type { LineIndex } from "./lines.js";
import { withPythonNewlines } from "./parse-gaps.js";
import type { Finding, TextFile } from "./types.js";

/**
 * Suppression comments, handled in one place.
 *
 * Python files:
 * - `# noqa` (bare) on the line where a finding starts suppresses every MEM finding there;
 *   `# noqa: MEM201` / `# noqa: MEM201,MEM302` / `# NOQA:MEM201 E501` suppresses the codes named.
 *   Codes of other tools in the same comment are left alone, so a noqa naming only other tools'
 *   codes suppresses nothing of ours; `# noqa:` followed by no code suppresses nothing (as ruff).
 *   The comment may follow other text in the comment (`# type: ignore  # noqa: MEM201`). On a
 *   statement spanning several lines, the comment goes on the line where the finding starts.
 * - `# pytest-memlint: disable=MEM201,MEM302` on its own line before any code (a module docstring
 *   may come first) disables those codes for the file; `# pytest-memlint: disable` disables all.
 * Codes are exact (no prefixes) and case-insensitive.
 *
 * Configuration files (MEM5xx findings): a full-line `# noqa: MEM501` (or `; noqa: MEM501`) directly
 * above the offending line, possibly within a block of full-line comments; never an inline
 * comment, which pytest's ini parser keeps as part of the value.
 */
export interface SuppressionSet {
  isSuppressed(finding: Finding): boolean;
}

const commentQuery = compileQuery("(comment) @comment");

/** `# noqa`, `#noqa:`, `# NOQA :`; not `# noqa-ish` or `# noqaX`. */
const NOQA_RE = /#\s*noqa(?![A-Za-z0-9_-])(?<colon>\s*:)?/i;
const CODE_LIST_RE = /^[\s,]*(?<codes>[A-Za-z]+[0-9]+(?:[\s,]+[A-Za-z]+[0-9]+(?![A-Za-z0-9_]))*)(?![A-Za-z0-9_])/;
const FILE_DISABLE_RE = /^#\s*pytest-memlint\s*:\s*disable(?![A-Za-z0-9_-])(?<assign>\s*=)?(?<rest>.*)$/i;
/** Cheap pre-check: most files have neither word and need no comment walk. */
const HAS_DIRECTIVE_RE = /noqa|pytest-memlint/i;

export const ALL_CODES = "*";

/** The codes a noqa comment names: `"*"` for a bare `# noqa`, an empty set when it names none (or has none). */
export function parseNoqa(comment: string): Set<string> | undefined {
  const m = NOQA_RE.exec(comment);
  if (!m) return undefined;
  if (!m.groups?.["colon"]) return new Set([ALL_CODES]);
  return parseCodeList(comment.slice(m.index + m[0].length));
}

/** Codes at the start of `text`, comma- or space-separated, up to the first word that is not a code. */
function parseCodeList(text: string): Set<string> {
  const m = CODE_LIST_RE.exec(text);
  const codes = new Set<string>();
  const list = m?.groups?.["codes"];
  if (list) for (const c of list.split(/[\s,]+/)) if (c !== "") codes.add(c.toUpperCase());
  return codes;
}

/** The suppression comments of one Python file. */
export class Suppressions implements SuppressionSet {
  /** 0-based line → codes suppressed there (`"*"` for a bare `# noqa`). */
  private readonly byLine = new Map<number, Set<string>>();
  /** Codes disabled for the whole file (`"*"` for all). */
  private readonly fileWide = new Set<string>();

  constructor(tree: Tree, private readonly lines: LineIndex) {
    const text = lines.text;
    if (!HAS_DIRECTIVE_RE.test(text)) return;
    const firstCode = firstCodeOffset(tree);
    for (const { node } of commentQuery.captures(tree.rootNode)) {
      const comment = node.text;
      const line0 = lines.lineOf(node.startIndex);
      if (firstCode === undefined || node.startIndex < firstCode) {
        const file = FILE_DISABLE_RE.exec(comment);
        if (file && this.ownLine(line0, node.startIndex)) {
          if (!file.groups?.["assign"]) this.fileWide.add(ALL_CODES);
          else for (const c of parseCodeList(file.groups["rest"] ?? "")) this.fileWide.add(c);
          continue;
        }
      }
      const codes = parseNoqa(comment);
      if (!codes || codes.size === 0) continue;
      const set = this.byLine.get(line0);
      if (set) for (const c of codes) set.add(c);
      else this.byLine.set(line0, codes);
    }
  }

  private ownLine(line0: number, offset: number): boolean {
    return this.lines.text.slice(this.lines.lineStart(line0), offset).trim() === "";
  }

  isSuppressed(finding: Finding): boolean {
    if (this.fileWide.has(ALL_CODES) || this.fileWide.has(finding.code)) return true;
    if (this.byLine.size === 0) return false;
    const set = this.byLine.get(this.lines.lineOf(finding.start));
    return set !== undefined && (set.has(ALL_CODES) || set.has(finding.code));
  }
}

/** Where code starts: the first statement that is not a comment or the module docstring. */
function firstCodeOffset(tree: Tree): number | undefined {
  let sawStatement = false;
  for (const child of tree.rootNode.namedChildren) {
    if (child.type === "comment") continue;
    if (!sawStatement && child.type === "expression_statement" && child.namedChildCount === 1 && child.namedChildren[0]?.type === "string") {
      sawStatement = true;
      continue;
    }
    return child.startIndex;
  }
  return undefined;
}

/**
 * Whether a configuration file's 0-based line is suppressed for `code`: by a noqa comment (read as in
 * Python files: bare, or naming the code) in the block of full-line comments directly above it. The one
 * difference between the formats is explicit: in an ini file (`pytest.ini`, `tox.ini`, `setup.cfg`) a
 * line starting with `;` is a comment too; in TOML it is not. Never an inline comment, which pytest's
 * ini parser keeps as part of the value.
 */
export function configLineSuppressed(lines: LineIndex, line0: number, code: string, semicolonComments: boolean): boolean {
  if (!HAS_DIRECTIVE_RE.test(lines.text)) return false;
  for (let above = line0 - 1; above >= 0; above--) {
    const text = lines.lineText(above).trim();
    if (!text.startsWith("#") && !(semicolonComments && text.startsWith(";"))) return false;
    // `;; noqa`, `#; noqa`: the comment's leading markers, then the text a Python comment would hold.
    const codes = parseNoqa(`# ${text.replace(/^[#;]+/, "")}`);
    if (codes && (codes.has(ALL_CODES) || codes.has(code))) return true;
  }
  return false;
}

/** In TOML, `;` starts no comment. */
export function isTomlPath(filePath: string): boolean {
  return /\.toml$/i.test(filePath);
}

/** Full-line `# noqa` comments directly above a configuration file's offending line. */
export class ConfigSuppressions implements SuppressionSet {
  constructor(
    private readonly lines: LineIndex,
    private readonly semicolonComments: boolean,
  ) {}

  isSuppressed(finding: Finding): boolean {
    return configLineSuppressed(this.lines, this.lines.lineOf(finding.start), finding.code, this.semicolonComments);
  }
}

const cache = new WeakMap<TextFile, SuppressionSet>();

/**
 * The suppressions of any file a finding points into (used for suite findings, whose files were
 * not linted here): Python files are parsed for their comments, other files read as configuration.
 */
export function suppressionsFor(file: TextFile): SuppressionSet {
  let set = cache.get(file);
  if (!set) {
    if (/\.pyi?$/i.test(file.path)) {
      set = HAS_DIRECTIVE_RE.test(file.text) ? new Suppressions(parse(withPythonNewlines(file.text)), file.lines) : { isSuppressed: () => false };
    } else set = new ConfigSuppressions(file.lines, !isTomlPath(file.path));
    cache.set(file, set);
  }
  return set;
}
