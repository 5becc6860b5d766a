import { dominantEol, type LineIndex } from "../engine/lines.js";
import type { SyntaxNode } from "../engine/parser.js";
import type { Edit, TextFile } from "../engine/types.js";

/** Text helpers for fixes that insert Python code while keeping the file's own style. */

/** The line ending of the line holding `offset`, or the file's dominant one if that line has none. */
export function eolAt(file: TextFile, offset: number): string {
  const { text, lines } = file;
  const line0 = lines.lineOf(offset);
  const nextStart = line0 + 1 < lines.lineCount ? lines.lineStart(line0 + 1) : -1;
  if (nextStart > 0) return text[nextStart - 1] === "\r" ? "\r" : text[nextStart - 2] === "\r" ? "\r\n" : "\n";
  return dominantEol(text);
}

/** Leading whitespace of the line holding `offset`. */
export function indentOfLine(file: TextFile, offset: number): string {
  const line = file.lines.lineText(file.lines.lineOf(offset));
  return /^[ \t]*/.exec(line)?.[0] ?? "";
}

/** Offset of the start of the line after the one holding `offset` (text length on the last line). */
export function nextLineStart(lines: LineIndex, offset: number): number {
  const line0 = lines.lineOf(offset);
  return line0 + 1 < lines.lineCount ? lines.lineStart(line0 + 1) : lines.text.length;
}

export function isBlankLine(lines: LineIndex, line0: number): boolean {
  return line0 < lines.lineCount && lines.lineText(line0).trim() === "";
}

/** The file's indentation unit, read from the first indented line; four spaces when there is none. */
export function fileIndentUnit(text: string): string {
  const m = /[\r\n]([ \t]+)\S/.exec(text);
  if (!m?.[1]) return "    ";
  return m[1].startsWith("\t") ? "\t" : m[1];
}

/** An edit inserting whole lines at a line start. */
export function insertLinesBefore(lineStart: number, linesToInsert: string[], eol: string): Edit {
  return { start: lineStart, end: lineStart, content: linesToInsert.map((l) => l + eol).join("") };
}

/** An edit inserting whole lines after the line holding `offset`. */
export function insertLinesAfter(file: TextFile, offset: number, linesToInsert: string[], eol: string): Edit {
  const at = nextLineStart(file.lines, offset);
  const atEndWithoutEol = at === file.text.length && !/[\r\n]$/.test(file.text);
  if (atEndWithoutEol) return { start: at, end: at, content: linesToInsert.map((l) => eol + l).join("") };
  return { start: at, end: at, content: linesToInsert.map((l) => l + eol).join("") };
}

/**
 * Where a new module-level import goes: before the first import that follows the module docstring,
 * the comments at the top and the `from __future__` imports; or right after those when no import
 * follows them.
 */
export function importInsertionPoint(root: SyntaxNode): { before?: SyntaxNode; after?: SyntaxNode } {
  let after: SyntaxNode | undefined;
  let lastLeadingComment: SyntaxNode | undefined;
  let onlyCommentsSoFar = true;
  let seenDocstring = false;
  // A cursor, not `root.namedChildren`: a module can have tens of thousands of statements, and only
  // its head matters here.
  const cursor = root.walk();
  if (cursor.gotoFirstChild()) {
    do {
      if (!cursor.nodeIsNamed) continue;
      const stmt = cursor.currentNode;
      if (stmt.type === "comment") {
        if (onlyCommentsSoFar) lastLeadingComment = stmt;
        continue; // comments at the top (shebang, coding, licence) stay above
      }
      onlyCommentsSoFar = false;
      if (!seenDocstring && after === undefined && stmt.type === "expression_statement" && stmt.namedChild(0)?.type === "string") {
        seenDocstring = true;
        after = stmt;
        continue;
      }
      if (stmt.type === "future_import_statement") {
        after = stmt;
        continue;
      }
      if (stmt.type === "import_statement" || stmt.type === "import_from_statement") return { before: stmt };
      break;
    } while (cursor.gotoNextSibling());
  }
  if (after) return { after };
  // Only comments, or code first: after the leading comment block.
  return lastLeadingComment ? { after: lastLeadingComment } : {};
}

/** An edit adding `import <name>` at the module's import position. */
const insertionPoints = new WeakMap<TextFile, ReturnType<typeof importInsertionPoint>>();

export function addModuleImport(file: TextFile, root: SyntaxNode, statement: string): Edit {
  const eol = dominantEol(file.text);
  let point = insertionPoints.get(file);
  if (!point) {
    point = importInsertionPoint(root);
    insertionPoints.set(file, point);
  }
  if (point.before) return insertLinesBefore(file.lines.lineStart(file.lines.lineOf(point.before.startIndex)), [statement], eol);
  const edit = point.after ? insertLinesAfter(file, point.after.endIndex, [statement], eol) : { start: 0, end: 0, content: statement + eol };
  // Directly above code (not a blank line): keep one blank line between the import and the code.
  if (edit.start < file.text.length && !isBlankLine(file.lines, file.lines.lineOf(edit.start)) && edit.content.endsWith(eol)) edit.content += eol;
  return edit;
}
