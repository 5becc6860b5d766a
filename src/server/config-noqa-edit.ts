import { LineIndex } from "../engine/lines.js";
import type { Edit } from "../engine/types.js";

/** A full-line `# noqa: CODES` comment, as the MEM5xx rules read the line above a finding. */
const NOQA_LINE = /^#+\s*noqa\s*:\s*[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*/i;

/**
 * The edit that silences a MEM5xx finding in a pytest configuration file: a full-line
 * `# noqa: CODE` directly above the finding's line (with that line's indentation and line ending),
 * or the code added to the `# noqa:` line already there. Never an inline comment: pytest's ini
 * parser keeps one as part of the value. `#` starts a comment in ini files and in TOML alike.
 */
export function configNoqaEdit(text: string, offset: number, code: string): Edit {
  const lines = new LineIndex(text);
  const line0 = lines.lineOf(offset);
  const start = lines.lineStart(line0);
  if (line0 > 0) {
    const above = lines.lineText(line0 - 1);
    const indent = above.length - above.trimStart().length;
    const m = NOQA_LINE.exec(above.slice(indent));
    if (m) {
      const at = lines.lineStart(line0 - 1) + indent + m[0].length;
      return { start: at, end: at, content: `, ${code}` };
    }
  }
  const lineText = lines.lineText(line0);
  const indent = lineText.slice(0, lineText.length - lineText.trimStart().length);
  const ending = /^(?:\r\n|\n|\r)/.exec(text.slice(start + lineText.length, start + lineText.length + 2))?.[0];
  const eol = ending ?? (text.includes("\r\n") ? "\r\n" : "\n");
  return { start, end: start, content: `${indent}# noqa: ${code}${eol}` };
}
