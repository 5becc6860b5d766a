import { createRequire } from "node:module";
import type NativeParser from "tree-sitter";

// The rest of the code is written against the native binding's types; web-tree-sitter's objects have
// the same members for everything used here (the rule-fixture suite runs on both backends to keep it so).
export type Tree = NativeParser.Tree;
export type SyntaxNode = NativeParser.SyntaxNode;
export type Query = NativeParser.Query;

/** `native`: the tree-sitter Node binding; `wasm`: web-tree-sitter with the grammar's .wasm (no compiler needed). */
export type ParserBackendName = "native" | "wasm";

interface Backend {
  name: ParserBackendName;
  parse(text: string): Tree;
  query(source: string): Query;
  /** Why the native binding was not used (wasm only). */
  fallbackReason?: string;
}

const require = createRequire(import.meta.url);

// The native binding copies the input in chunks of this many UTF-16 units; a larger chunk parses big files faster.
const BUFFER_SIZE = 1 << 20;

function loadNative(): Backend {
  const Parser = require("tree-sitter") as typeof NativeParser;
  const language = require("tree-sitter-python") as NativeParser.Language;
  const parser = new Parser();
  parser.setLanguage(language);
  return {
    name: "native",
    parse: (text) => parser.parse(text, undefined, { bufferSize: Math.max(BUFFER_SIZE, text.length + 1) }),
    query: (source) => new Parser.Query(language, source),
  };
}

async function loadWasm(fallbackReason: string | undefined): Promise<Backend> {
  const { Parser, Language, Query: WasmQuery, Tree: WasmTree } = await import("web-tree-sitter");
  await Parser.init();
  const language = await Language.load(require.resolve("tree-sitter-python/tree-sitter-python.wasm"));
  const parser = new Parser();
  parser.setLanguage(language);
  // A tree lives in the WebAssembly heap, which JavaScript's garbage collector does not see: free it
  // when its JavaScript object is collected (its nodes hold the tree, so not before they are gone).
  // Tree#delete reads only the address at index 0, so a stand-in holding it frees the collected tree.
  const trees = new FinalizationRegistry<number>((address) => WasmTree.prototype.delete.call({ 0: address } as unknown as InstanceType<typeof WasmTree>));
  return {
    name: "wasm",
    fallbackReason,
    parse(text) {
      const tree = parser.parse(text);
      if (!tree) throw new Error("the WebAssembly parser returned no tree");
      trees.register(tree, (tree as unknown as { 0: number })[0]);
      return tree as unknown as Tree;
    },
    query: (source) => new WasmQuery(language, source) as unknown as Query,
  };
}

function firstLine(e: unknown): string {
  return ((e as Error)?.message ?? String(e)).split("\n")[0] ?? "";
}

/** PYTEST_MEMLINT_PARSER=wasm|native forces a backend (CI runs the fixtures on both); by default native, else wasm. */
async function loadBackend(): Promise<Backend> {
  const forced = process.env["PYTEST_MEMLINT_PARSER"];
  if (forced !== undefined && forced !== "" && forced !== "native" && forced !== "wasm") {
    throw new Error(`PYTEST_MEMLINT_PARSER must be 'native' or 'wasm', not '${forced}'`);
  }
  let reason: string | undefined;
  if (forced !== "wasm") {
    try {
      return loadNative();
    } catch (e) {
      if (forced === "native") throw new Error(`the native tree-sitter binding cannot be loaded: ${firstLine(e)}`);
      reason = firstLine(e);
    }
  }
  try {
    return await loadWasm(reason ?? "PYTEST_MEMLINT_PARSER=wasm");
  } catch (e) {
    throw new Error(`no Python parser could be loaded (native: ${reason ?? "not tried"}; WebAssembly: ${firstLine(e)})`);
  }
}

// Loaded once, before any module that compiles a query at load time runs.
const backend = await loadBackend();

/** Which parser this process uses, for `--version`. */
export function parserBackend(): { name: ParserBackendName; fallbackReason?: string } {
  return backend.fallbackReason === undefined ? { name: backend.name } : { name: backend.name, fallbackReason: backend.fallbackReason };
}

export function parse(text: string): Tree {
  return backend.parse(text);
}

/** Compiles a query once; call at module load so a bad pattern fails every test that imports it. */
export function compileQuery(source: string): Query {
  return backend.query(source);
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
