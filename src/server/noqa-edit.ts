import { LineIndex } from "../engine/lines.js";
import { parse, type SyntaxNode } from "../engine/parser.js";
import type { Edit } from "../engine/types.js";

const NOQA_COLON_RE = /#\s*noqa(?![A-Za-z0-9_-])\s*:/i;
const BARE_NOQA_RE = /#\s*noqa(?![A-Za-z0-9_-])(?!\s*:)/i;
/** The codes right after `# noqa:`, as the suppression reader takes them. */
const CODE_LIST_RE = /^[\s,]*([A-Za-z]+[0-9]+(?:[\s,]+[A-Za-z]+[0-9]+(?![A-Za-z0-9_]))*)(?![A-Za-z0-9_])/;

/**
 * The edit that adds `# noqa: CODE` to the line holding `offset`: merged into an existing
 * `# noqa:` comment, or appended after the code (and after any other comment). Undefined where a
 * comment cannot go (the line ends inside a string or with a `\` continuation) or is not needed
 * (a bare `# noqa` already silences the line).
 */
export function noqaEdit(text: string, offset: number, code: string): Edit | undefined {
  const lines = new LineIndex(text);
  const line0 = lines.lineOf(offset);
  const start = lines.lineStart(line0);
  const lineText = lines.lineText(line0);
  const trimmed = lineText.trimEnd();
  const end = start + trimmed.length;
  if (trimmed.endsWith("\\")) return undefined;
  if (trimmed.trim() === "") return undefined;
  const tree = parse(text);
  const last = tree.rootNode.descendantForIndex(end - 1);
  if (insideMultiLineString(last, end)) return undefined;
  if (last.type === "comment" && last.startIndex >= start) {
    const comment = last.text;
    const withColon = NOQA_COLON_RE.exec(comment);
    if (withColon) {
      const afterColon = last.startIndex + withColon.index + withColon[0].length;
      const list = CODE_LIST_RE.exec(text.slice(afterColon, last.endIndex));
      if (list) {
        const listEnd = afterColon + (list.index + list[0].length);
        return { start: listEnd, end: listEnd, content: `, ${code}` };
      }
      return { start: afterColon, end: afterColon, content: ` ${code}` };
    }
    if (BARE_NOQA_RE.test(comment)) return undefined;
  }
  return { start: end, end, content: `  # noqa: ${code}` };
}

/** Whether a node at the end of a line belongs to a string that goes on past that line. */
function insideMultiLineString(node: SyntaxNode, lineEnd: number): boolean {
  for (let n: SyntaxNode | null = node; n; n = n.parent) {
    if (n.type === "string" && n.endIndex > lineEnd) return true;
  }
  return false;
}
