import { createRequire } from "node:module";
import type Parser from "tree-sitter";

export type Tree = Parser.Tree;
export type SyntaxNode = Parser.SyntaxNode;
export type Query = Parser.Query;

// The native binding and the grammar load on first parse: a run answered from the cache never needs them.
const require = createRequire(import.meta.url);
let binding: { Parser: typeof Parser; language: Parser.Language } | undefined;

function treeSitter(): { Parser: typeof Parser; language: Parser.Language } {
  binding ??= { Parser: require("tree-sitter") as typeof Parser, language: require("tree-sitter-python") as Parser.Language };
  return binding;
}

let parser: Parser | undefined;

function sharedParser(): Parser {
  if (!parser) {
    const { Parser: ParserClass, language } = treeSitter();
    parser = new ParserClass();
    parser.setLanguage(language);
  }
  return parser;
}

// The binding copies the input in chunks of this many UTF-16 units; a larger chunk parses big files faster.
const BUFFER_SIZE = 1 << 20;

export function parse(text: string): Tree {
  return sharedParser().parse(text, undefined, { bufferSize: Math.max(BUFFER_SIZE, text.length + 1) });
}

/** A query compiled on its first use (compiling every rule's queries up front costs a one-file run more than its lint). */
export class LazyQuery {
  private compiled: Query | undefined;

  constructor(readonly source: string) {}

  get query(): Query {
    if (!this.compiled) {
      const { Parser: ParserClass, language } = treeSitter();
      this.compiled = new ParserClass.Query(language, this.source);
    }
    return this.compiled;
  }

  captures(...args: Parameters<Query["captures"]>): ReturnType<Query["captures"]> {
    return this.query.captures(...args);
  }

  matches(...args: Parameters<Query["matches"]>): ReturnType<Query["matches"]> {
    return this.query.matches(...args);
  }
}

/** A query of the Python grammar, compiled when first used (rule tests use every query, so a bad pattern still fails them). */
export function compileQuery(source: string): LazyQuery {
  return new LazyQuery(source);
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
