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
  /** Frees a tree now (WebAssembly); the native binding's trees are freed only by the collector. */
  release(tree: Tree): void;
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
    release: () => undefined,
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
    ...(fallbackReason !== undefined ? { fallbackReason } : {}),
    parse(text) {
      const tree = parser.parse(text);
      if (!tree) throw new Error("the WebAssembly parser returned no tree");
      trees.register(tree, (tree as unknown as { 0: number })[0], tree);
      return tree as unknown as Tree;
    },
    query: (source) => new WasmQuery(language, source) as unknown as Query,
    release(tree) {
      trees.unregister(tree);
      (tree as unknown as InstanceType<typeof WasmTree>).delete();
    },
  };
}

function firstLine(e: unknown): string {
  return ((e as Error)?.message ?? String(e)).split("\n")[0] ?? "";
}

/** Thrown by `parse` when the parser needs `loadParser()` first (the WebAssembly one starts asynchronously). */
export class ParserNotLoaded extends Error {
  constructor() {
    super("the Python parser is not loaded yet (await loadParser() first)");
  }
}

/** No parser could be loaded, or PYTEST_MEMLINT_PARSER is wrong: one line for the user, exit 2. */
export class ParserLoadError extends Error {
  override name = "ParserLoadError";
}

// Without PYTEST_MEMLINT_PARSER, the backend a caller prefers (`preferParser`); native unless one does.
let preferred: ParserBackendName = "native";

/**
 * Asks for a backend before the parser loads (a later call changes nothing). Large runs prefer the
 * WebAssembly parser: its trees are freed as each file's check ends, so memory stays flat however many
 * files a run checks, where the native binding's trees wait for the garbage collector. Either backend
 * falls back to the other when it cannot load.
 */
export function preferParser(name: ParserBackendName): void {
  preferred = name;
}

/** PYTEST_MEMLINT_PARSER=wasm|native forces a backend (CI runs the fixtures on both); by default native, else wasm. */
function forcedBackend(): ParserBackendName | undefined {
  const forced = process.env["PYTEST_MEMLINT_PARSER"];
  if (forced === undefined || forced === "") return undefined;
  if (forced !== "native" && forced !== "wasm") throw new ParserLoadError(`PYTEST_MEMLINT_PARSER must be 'native' or 'wasm', not '${forced}'`);
  return forced;
}

/** WebAssembly is wanted first: preferred, and no backend forced. */
function wasmPreferred(): boolean {
  return forcedBackend() === undefined && preferred === "wasm";
}

/** Throws the one-line ParserLoadError of a bad PYTEST_MEMLINT_PARSER (before worker threads, whose errors lose their kind). */
export function checkParserSetting(): void {
  forcedBackend();
}

// The parser loads on first parse, not at import: a run answered from the cache, `rules` or `--help` never need it.
let backend: Backend | undefined;
// Why the native binding did not load, once tried.
let nativeFailure: string | undefined;

/** The native binding, loaded synchronously if it loads; undefined when the WebAssembly parser is needed. */
function tryNative(): Backend | undefined {
  const forced = forcedBackend();
  if (forced === "wasm" || nativeFailure !== undefined) return undefined;
  // Preferred WebAssembly: native only once it failed to load (wasmFailure set).
  if (wasmPreferred() && wasmFailure === undefined) return undefined;
  try {
    backend = loadNative();
    return backend;
  } catch (e) {
    nativeFailure = firstLine(e);
    if (forced === "native") throw new ParserLoadError(`the native tree-sitter binding cannot be loaded: ${nativeFailure}`);
    return undefined;
  }
}

function loadedBackend(): Backend {
  const b = backend ?? tryNative();
  if (!b) throw new ParserNotLoaded();
  return b;
}

let loading: Promise<Backend> | undefined;
// Why web-tree-sitter did not load, when it was preferred and failed.
let wasmFailure: string | undefined;

/**
 * Loads the parser: the native binding when it loads (or web-tree-sitter when preferred), else the
 * other one (web-tree-sitter loads asynchronously). Entry points that parse await it first, or (the
 * runner, to keep cached runs from loading anything) on `ParserNotLoaded`.
 */
export async function loadParser(): Promise<void> {
  if (backend ?? tryNative()) return;
  const chosen = wasmPreferred() && nativeFailure === undefined;
  loading ??= loadWasm(chosen ? undefined : (nativeFailure ?? "PYTEST_MEMLINT_PARSER=wasm")).catch((e: unknown) => {
    if (chosen) {
      wasmFailure = firstLine(e);
      loading = undefined;
      const native = tryNative();
      if (native) return native;
    }
    throw new ParserLoadError(`no Python parser could be loaded (native: ${nativeFailure ?? "not tried"}; WebAssembly: ${firstLine(e)})`);
  });
  backend = await loading;
}

/** Runs `fn`, loading the parser first if it needed the asynchronous one (`fn` must not have side effects before its first parse). */
export async function withParser<T>(fn: () => T): Promise<T> {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof ParserNotLoaded)) throw e;
  }
  await loadParser();
  return fn();
}

/** Which parser this process uses, for `--version` (loads it). */
export async function parserBackend(): Promise<{ name: ParserBackendName; fallbackReason?: string }> {
  await loadParser();
  const b = loadedBackend();
  return b.fallbackReason === undefined ? { name: b.name } : { name: b.name, fallbackReason: b.fallbackReason };
}

// The trees parsed since `freeTreesAfter` began, and those something keeps beyond it.
let scope: Tree[] | undefined;
const kept = new WeakSet<Tree>();

export function parse(text: string): Tree {
  const tree = loadedBackend().parse(text);
  scope?.push(tree);
  return tree;
}

/** A tree used after the check that parsed it (a conftest.py the files below it read): not freed by `freeTreesAfter`. */
export function keepTree(tree: Tree): void {
  kept.add(tree);
}

/**
 * Runs one file's check and then frees the trees it parsed and did not keep (`keepTree`): nothing of a
 * finished check is read again. Only the WebAssembly parser frees anything here (see `preferParser`).
 */
export function freeTreesAfter<T>(fn: () => T): T {
  if (scope) return fn();
  const trees: Tree[] = [];
  scope = trees;
  try {
    return fn();
  } finally {
    scope = undefined;
    for (const tree of trees) if (!kept.has(tree)) backend?.release(tree);
  }
}

/** A query compiled on its first use (compiling every rule's queries up front costs a one-file run more than its lint). */
export class LazyQuery {
  private compiled: Query | undefined;

  constructor(readonly source: string) {}

  get query(): Query {
    this.compiled ??= loadedBackend().query(this.source);
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
