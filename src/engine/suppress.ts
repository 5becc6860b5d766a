import { compileQuery, type Tree } from "./parser.js";
import type { LineIndex } from "./lines.js";
import type { Finding } from "./types.js";

const commentQuery = compileQuery("(comment) @comment");

// flake8's form: `# noqa`, `# noqa: A1,B2`, `# NOQA:A1 B2`; codes of other tools may share the comment.
const NOQA_RE = /#\s*noqa(?::[\s]*(?<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?/i;
const FILE_DISABLE_RE = /^#\s*pytest-memlint:\s*disable(?:\s*=\s*(?<codes>[A-Za-z0-9_,\s]+))?\s*$/;

/** The suppression comments of one file. */
export class Suppressions {
  /** 0-based line → codes suppressed there (`"*"` for a bare `# noqa`). */
  private readonly byLine = new Map<number, Set<string>>();
  /** Codes disabled for the whole file (`"*"` for all). */
  private readonly fileWide = new Set<string>();

  constructor(tree: Tree, lines: LineIndex) {
    const text = lines.text;
    if (!text.includes("#")) return;
    let beforeCode = true;
    const firstCode = firstCodeOffset(tree);
    for (const { node } of commentQuery.captures(tree.rootNode)) {
      const comment = node.text;
      beforeCode = firstCode === undefined || node.startIndex < firstCode;
      if (beforeCode) {
        const file = FILE_DISABLE_RE.exec(comment);
        if (file) {
          const codes = file.groups?.["codes"];
          if (!codes) this.fileWide.add("*");
          else for (const c of codes.split(/[,\s]+/)) if (c) this.fileWide.add(c.toUpperCase());
          continue;
        }
      }
      const noqa = NOQA_RE.exec(comment);
      if (!noqa) continue;
      const line0 = lines.lineOf(node.startIndex);
      const set = this.byLine.get(line0) ?? new Set<string>();
      const codes = noqa.groups?.["codes"];
      if (!codes) set.add("*");
      else for (const c of codes.split(/[,\s]+/)) if (c) set.add(c.toUpperCase());
      this.byLine.set(line0, set);
    }
  }

  isSuppressed(finding: Finding): boolean {
    if (this.fileWide.has("*") || this.fileWide.has(finding.code)) return true;
    const line0 = finding.file.lines.lineOf(finding.start);
    const set = this.byLine.get(line0);
    return set !== undefined && (set.has("*") || set.has(finding.code));
  }
}

function firstCodeOffset(tree: Tree): number | undefined {
  for (const child of tree.rootNode.namedChildren) if (child.type !== "comment") return child.startIndex;
  return undefined;
}
