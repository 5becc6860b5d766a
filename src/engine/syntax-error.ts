import { LineIndex } from "./lines.js";
import { withPythonNewlines } from "./parse-gaps.js";
import { compileQuery, type SyntaxNode, type Tree } from "./parser.js";
import { scanPythonTokens, type LogicalLine, type PythonSyntaxError } from "./python-tokens.js";

export type { PythonSyntaxError } from "./python-tokens.js";

/**
 * The first syntax error of a file as Python reports it (MEM000): its place and a message of
 * Python's kind. Python gives the tokenizer's errors (strings, brackets, indentation) priority over
 * the parser's, and reports a bracket left open at the end as `'(' was never closed` at the
 * bracket when the parser failed on a later line. The parser's own failure is taken from the
 * indentation of logical lines (`unexpected indent`, `expected an indented block after ...`),
 * Python 2 statements tree-sitter accepts, and tree-sitter's first error node.
 *
 * `text` is the file's own text; `tree` its parse tree (known tree-sitter gaps already worked
 * around, see parse-gaps.ts): an error node that only the gap produced is not an error here.
 */
export function firstSyntaxError(source: string, tree: Tree): PythonSyntaxError | undefined {
  const text = withPythonNewlines(source);
  const scan = scanPythonTokens(text, { bracketNewlines: false });
  if (scan.error) return scan.error;
  const candidates = [indentationError(scan.lines, text), python2Statement(tree, text), treeError(tree, text, scan.lines)].filter((e): e is PythonSyntaxError => e !== undefined);
  candidates.sort((a, b) => a.start - b.start);
  const parserError = candidates[0];
  const open = scan.unclosed[scan.unclosed.length - 1];
  const outermost = scan.unclosed[0];
  // Python blames the innermost bracket left open when the parser failed after the line it opened on.
  // tree-sitter's error starts at the statement holding the bracket, so only an error on an earlier line than the outermost open bracket's is the parser's own.
  if (open && outermost && (!parserError || lineOf(text, parserError.start) >= lineOf(text, outermost.offset))) {
    return { start: open.offset, end: open.offset + 1, message: `'${open.char}' was never closed` };
  }
  return parserError;
}

/** 1-based line of an offset (LF, CRLF and lone CR end lines, as Python reads them). */
function lineOf(text: string, offset: number): number {
  return new LineIndex(text).lineOf(offset) + 1;
}

/** The rest of the line from `start` (never more than one line). */
function restOfLine(text: string, start: number, end: number): number {
  let k = start;
  while (k < end && k < text.length && text[k] !== "\n" && text[k] !== "\r") k++;
  return Math.max(k, start);
}

const COMPOUND = /^(?:async[ \t]+)?(def|class|if|elif|else|for|while|with|try|except|finally|match|case)\b/;
/** A compound statement's header as written before its `:` (so a missing `:` is `expected ':'`). */
const HEADER = /^(?:(?:async\s+)?(?:def|class)\s+[^\W\d]\w*|(?:async\s+)?(?:if|elif|while|for|with|match|case|except)\s+(?![=.,)\]}])\S|(?:else|try|finally|except)\s*(?:#.*)?$)/u;

/** The logical line is a compound statement's header without its `:`. */
function headerWithoutColon(text: string, line: LogicalLine): boolean {
  const source = text.slice(line.start, line.end);
  return !line.endsWithColon && HEADER.test(source) && !source.replace(/#.*$/, "").includes(":");
}

function blockOwner(text: string, header: LogicalLine): string | undefined {
  const word = COMPOUND.exec(text.slice(header.start, header.end))?.[1];
  if (word === undefined) return undefined;
  if (word === "def") return "function definition";
  if (word === "class") return "class definition";
  return `'${word}' statement`;
}

/** `unexpected indent` and `expected an indented block after ...`, from the logical lines' indentation. */
function indentationError(lines: readonly LogicalLine[], text: string): PythonSyntaxError | undefined {
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k] as LogicalLine;
    const previous = lines[k - 1];
    const at = (message: string) => ({ start: line.start, end: restOfLine(text, line.start, line.end), message });
    if (previous?.endsWithColon) {
      if (line.indent <= previous.indent) {
        const owner = blockOwner(text, previous);
        return at(owner ? `expected an indented block after ${owner} on line ${lineOf(text, previous.start)}` : "expected an indented block");
      }
    } else if (line.indent > (previous?.indent ?? 0)) {
      if (previous && headerWithoutColon(text, previous)) return { start: previous.end, end: previous.end, message: "expected ':'" };
      return at("unexpected indent");
    }
  }
  const last = lines[lines.length - 1];
  if (last?.endsWithColon) {
    const owner = blockOwner(text, last);
    return { start: last.end, end: last.end, message: owner ? `expected an indented block after ${owner} on line ${lineOf(text, last.start)}` : "expected an indented block" };
  }
  return undefined;
}

const python2Query = compileQuery("(print_statement) @print (exec_statement) @exec (except_clause) @except");
const PYTHON2_TYPES = new Set(["print_statement", "exec_statement", "except_clause"]);

const PYTHON2_HINT = /\b(?:print|exec)\b|\bexcept\b[^:\n]*,/;

/**
 * Python 2 code tree-sitter accepts: `print x` (`print >> f, x` is a valid Python 3 expression),
 * `exec code`, `except E, e:`.
 */
function python2Statement(tree: Tree, text: string): PythonSyntaxError | undefined {
  if (!PYTHON2_HINT.test(text)) return undefined;
  for (const node of python2Nodes(tree, text)) {
    if (node.type === "print_statement" || node.type === "exec_statement") {
      if (node.children.some((c) => c.type === "chevron")) continue;
      const name = node.type === "print_statement" ? "print" : "exec";
      return { start: node.startIndex, end: node.endIndex, message: `Missing parentheses in call to '${name}'. Did you mean ${name}(...)?` };
    }
    const values = node.childrenForFieldName("value");
    if (values.length > 1 && node.children.some((c) => c.type === ",")) {
      const first = values[0] as SyntaxNode;
      return { start: first.startIndex, end: (values[values.length - 1] as SyntaxNode).endIndex, message: "multiple exception types must be parenthesized" };
    }
  }
  return undefined;
}

/**
 * The tree's `print` and `exec` statements and `except` clauses, in document order. In a tree
 * without errors each starts with its keyword, so only the nodes starting where the text spells
 * one need asking (a whole-tree query costs far more); a tree with errors is queried.
 */
function* python2Nodes(tree: Tree, text: string): Generator<SyntaxNode> {
  const root = tree.rootNode;
  if (root.hasError) {
    yield* python2Query
      .captures(root)
      .map((c) => c.node)
      .sort((a, b) => a.startIndex - b.startIndex);
    return;
  }
  for (const m of text.matchAll(/print|exec|except/g)) {
    // The nodes holding the keyword's first character form one chain; those starting there are at its foot.
    for (let node: SyntaxNode | null = root.descendantForIndex(m.index, m.index + 1); node && node.startIndex === m.index; node = node.parent) {
      if (PYTHON2_TYPES.has(node.type)) yield node;
    }
  }
}

const STATEMENT = /_statement$|_definition$|^decorated_definition$/;

/** The node where tree-sitter's first error is: inside error nodes, past the complete statements they hold. */
function locate(node: SyntaxNode): SyntaxNode {
  if (node.isMissing) return node;
  for (const child of node.children) {
    if (child.isMissing) return child;
    if (child.type === "ERROR" || child.hasError) return locate(child);
    if (node.type === "ERROR" && !(STATEMENT.test(child.type) || child.type === "comment")) return child;
  }
  return node;
}

/** tree-sitter's first error, located and worded as Python would word it. */
function treeError(tree: Tree, text: string, lines: readonly LogicalLine[]): PythonSyntaxError | undefined {
  if (!tree.rootNode.hasError) return undefined;
  const node = locate(tree.rootNode);
  const start = node.startIndex;
  // A compound statement's header without its `:` (`class A` then a body).
  const header = lines.find((l) => l.start <= start && start <= l.end);
  if (header && headerWithoutColon(text, header)) {
    return { start: header.end, end: header.end, message: "expected ':'" };
  }
  if (node.isMissing && node.type === ":") return { start, end: start, message: "expected ':'" };
  return { start, end: restOfLine(text, start, Math.max(node.endIndex, start + 1)), message: "invalid syntax" };
}

/** The finding's text: Python's exception class and message, as Python prints them. */
export function syntaxErrorMessage(error: PythonSyntaxError): string {
  const m = error.message;
  const kind = m.startsWith("inconsistent use of tabs") ? "TabError" : /^(?:unexpected indent|expected an indented block|unindent does not match)/.test(m) ? "IndentationError" : "SyntaxError";
  return `${kind}: ${m}`;
}
