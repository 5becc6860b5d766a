import { DiagnosticSeverity, type Diagnostic, type Range, type TextEdit } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { Edit, Finding, Severity } from "../engine/types.js";
import { ruleDocsUrl, TOOL_NAME } from "../meta.js";

const SEVERITIES: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** Engine offsets are UTF-16 offsets into the text, as LSP positions count: the document converts them. */
export function rangeOf(doc: TextDocument, start: number, end: number): Range {
  return { start: doc.positionAt(start), end: doc.positionAt(end) };
}

export function toDiagnostic(doc: TextDocument, f: Finding): Diagnostic {
  const url = ruleDocsUrl(f.code);
  return {
    range: rangeOf(doc, f.start, f.end),
    severity: SEVERITIES[f.severity],
    code: f.code,
    codeDescription: { href: url },
    source: TOOL_NAME,
    message: f.message,
  };
}

export function toTextEdit(doc: TextDocument, e: Edit): TextEdit {
  return { range: rangeOf(doc, e.start, e.end), newText: e.content };
}

/** One edit turning `before` into `after`: the changed middle, without the common head and tail. */
export function wholeTextEdit(doc: TextDocument, before: string, after: string): TextEdit {
  let head = 0;
  const max = Math.min(before.length, after.length);
  while (head < max && before.charCodeAt(head) === after.charCodeAt(head)) head++;
  let tail = 0;
  while (tail < max - head && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  // Never split a surrogate pair or a CRLF between the kept and the replaced text.
  while (head > 0 && splitsPair(before, head)) head--;
  while (tail > 0 && splitsPair(before, before.length - tail)) tail--;
  return { range: rangeOf(doc, head, before.length - tail), newText: after.slice(head, after.length - tail) };
}

/** Whether a cut at `at` falls inside a surrogate pair or a CRLF. */
function splitsPair(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  return (code >= 0xdc00 && code <= 0xdfff) || (code === 10 && text.charCodeAt(at - 1) === 13);
}
