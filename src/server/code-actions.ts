import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic, type TextEdit, type WorkspaceEdit } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { Finding } from "../engine/types.js";
import { TOOL_NAME } from "../meta.js";
import { rangeOf, toDiagnostic, toTextEdit, wholeTextEdit } from "./lsp-convert.js";
import { configNoqaEdit } from "./config-noqa-edit.js";
import { noqaEdit } from "./noqa-edit.js";

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.${TOOL_NAME}`;

export interface CodeActionInput {
  doc: TextDocument;
  params: CodeActionParams;
  findings: readonly Finding[];
  /** `config`: a pytest configuration file, whose findings are silenced by a full-line `# noqa: CODE` above them. */
  kind: "python" | "config";
  /** The document with its safe fixes applied, computed only when asked for. */
  fixAll: () => string | undefined;
  /** Whether the client takes versioned `documentChanges`. */
  documentChanges: boolean;
}

/** Whether the client asked for this kind (`only` names kinds or their parents: `source` covers `source.fixAll.x`). */
function wanted(only: readonly string[] | undefined, kind: string): boolean {
  return !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
}

function workspaceEdit(doc: TextDocument, edits: TextEdit[], documentChanges: boolean): WorkspaceEdit {
  if (documentChanges) return { documentChanges: [{ textDocument: { uri: doc.uri, version: doc.version }, edits }] };
  return { changes: { [doc.uri]: edits } };
}

function overlaps(doc: TextDocument, f: Finding, params: CodeActionParams): boolean {
  const start = doc.offsetAt(params.range.start);
  const end = doc.offsetAt(params.range.end);
  return f.start <= end && f.end >= start;
}

function sameDiagnostic(a: Diagnostic, b: Diagnostic): boolean {
  return (
    a.code === b.code &&
    a.range.start.line === b.range.start.line &&
    a.range.start.character === b.range.start.character &&
    a.range.end.line === b.range.end.line &&
    a.range.end.character === b.range.end.character
  );
}

/**
 * The code actions at a range: each fix of the findings there (safe ones preferred, unsafe ones
 * labelled), `# noqa: CODE` for the finding's line (in a configuration file: on its own line above),
 * and the file's safe fixes as `source.fixAll`.
 */
export function codeActions(input: CodeActionInput): CodeAction[] {
  const { doc, params, findings, documentChanges } = input;
  const only = params.context.only;
  const actions: CodeAction[] = [];
  const ours = params.context.diagnostics.filter((d) => d.source === TOOL_NAME);
  const here = findings.filter((f) => {
    if (ours.length === 0) return overlaps(doc, f, params);
    const diagnostic = toDiagnostic(doc, f);
    return ours.some((d) => sameDiagnostic(d, diagnostic));
  });
  if (wanted(only, CodeActionKind.QuickFix)) {
    for (const f of here) {
      const diagnostic = toDiagnostic(doc, f);
      if (f.fix && f.fix.edits.length > 0) {
        const unsafe = f.fix.applicability === "unsafe";
        actions.push({
          title: `${TOOL_NAME} (${f.code}): ${f.fix.message}${unsafe ? " (unsafe)" : ""}`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: !unsafe,
          edit: workspaceEdit(doc, f.fix.edits.map((e) => toTextEdit(doc, e)), documentChanges),
        });
      }
    }
    const noqaDone = new Set<string>();
    for (const f of here) {
      const line = doc.positionAt(f.start).line;
      if (noqaDone.has(`${line}:${f.code}`)) continue;
      noqaDone.add(`${line}:${f.code}`);
      const edit = input.kind === "config" ? configNoqaEdit(doc.getText(), f.start, f.code) : noqaEdit(doc.getText(), f.start, f.code);
      if (!edit) continue;
      actions.push({
        title: `${TOOL_NAME} (${f.code}): Disable for this line`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [toDiagnostic(doc, f)],
        edit: workspaceEdit(doc, [{ range: rangeOf(doc, edit.start, edit.end), newText: edit.content }], documentChanges),
      });
    }
  }
  // Asked for explicitly (on save, or from the source action menu), or offered beside the fixes at a finding.
  const askedForFixAll = only !== undefined && wanted(only, FIX_ALL_KIND);
  if (askedForFixAll || (only === undefined && here.length > 0 && findings.some((f) => f.fix?.applicability === "safe"))) {
    const before = doc.getText();
    const after = input.fixAll();
    if (after !== undefined) {
      actions.push({
        title: `${TOOL_NAME}: Fix all safe fixes`,
        kind: FIX_ALL_KIND,
        edit: workspaceEdit(doc, [wholeTextEdit(doc, before, after)], documentChanges),
      });
    }
  }
  return actions;
}
