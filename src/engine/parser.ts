import Parser from "tree-sitter";
import Python from "tree-sitter-python";

export type Tree = Parser.Tree;
export type SyntaxNode = Parser.SyntaxNode;
export const Query = Parser.Query;
export type Query = Parser.Query;

const language = Python as unknown as Parser.Language;
let parser: Parser | undefined;

function sharedParser(): Parser {
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(language);
  }
  return parser;
}

// The binding copies the input in chunks of this many UTF-16 units; a larger chunk parses big files faster.
const BUFFER_SIZE = 1 << 20;

export function parse(text: string): Tree {
  return sharedParser().parse(text, undefined, { bufferSize: Math.max(BUFFER_SIZE, text.length + 1) });
}

/** Compiles a query once; call at module load so a bad pattern fails every test that imports it. */
export function compileQuery(source: string): Query {
  return new Parser.Query(language, source);
}

const errorQuery = compileQuery("(ERROR) @error (MISSING) @missing");

export interface SyntaxProblem {
  node: SyntaxNode;
  missing: boolean;
}

/** Syntax errors in source order; the first is reported as MEM000. */
export function syntaxProblems(tree: Tree): SyntaxProblem[] {
  if (!tree.rootNode.hasError) return [];
  const problems = errorQuery.captures(tree.rootNode).map((c) => ({ node: c.node, missing: c.name === "missing" }));
  problems.sort((a, b) => a.node.startIndex - b.node.startIndex);
  return problems;
}

export function countSyntaxErrors(text: string): number {
  const tree = parse(text);
  return syntaxProblems(tree).length;
}
