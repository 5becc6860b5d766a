/**
 * Shared analysis of the mock family (MEM201–MEM204): which calls create or patch mocks, and which
 * names are mocks in a scope. Built once per file and cached per FileContext.
 *
 * A name is a mock in a scope when the linter can see it is one: bound in that scope to a mock
 * constructor, to `patch(...).start()`, `mocker.patch*(...)` or `create_autospec(...)`; by
 * `with patch(...) as m`; a parameter injected by `@patch` decorators (bottom-up, none for a patch
 * given `new`); `self.<attr>` bound so anywhere in the class; a name or attribute starting with `mock_`
 * (not a parameter whose same-file fixture visibly gives a real object).
 * Name lookup follows Python: the innermost function scope that binds the name, then enclosing
 * functions (class bodies are skipped, as Python skips them), then the module and its imports. The
 * scopes and bindings are the file's binding table's (bindings.ts: `scopeAt` and each scope's `parent`);
 * this layer adds what a binding makes of a name (`ValueKind`, cached per binding), the parameters
 * `@patch` injects, `mock_*` parameters whose fixture is visibly not a mock, and `self.<attr>` per class
 * (see `bindingsIn` for where its lookup keeps to the mock rules' older reading rather than Python's).
 *
 * Speed: a query walks the whole tree, which costs about as much as parsing it. This analysis never
 * does: it finds the calls worth looking at with regular expressions over the source text and asks
 * the tree only about those, with `descendantForIndex`; a function's binding table is built only
 * when its text may bind a name asked about. The tree decides: text inside strings and comments is
 * never taken for code.
 */
import type { ClassInfo, FunctionInfo } from "../model.js";
import { anyOffsetWithin } from "../sorted-offsets.js";
import type { SyntaxNode } from "../parser.js";
import { MOCK_CLASSES, MOCKER_FIXTURES, dottedText, mockApiName, mockConstructorName } from "./resolver.js";
import type { FileContext } from "../rule.js";
import { escapeRegExp, identifierEnd, isAsciiWordCode, skipSpace, wordOccurrences } from "../source-scan.js";
import { callArguments, type CallArguments } from "../syntax.js";
import { semanticOf, type Binding as TableBinding, type Scope, type SemanticModel } from "./bindings.js";
import { mayBindOffsets } from "./local-names.js";

/** What a binding makes of a name. `patcher`: an unstarted `patch(...)` object, whose `.start()` is a mock. */
export type ValueKind = "mock" | "patcher" | "other" | "unknown";

export type { Scope } from "./bindings.js";

/** The mock layer's view of a binding: a table binding's (see `bindingsIn`), or a `self.<attr>` or class-body assignment's. */
interface Binding {
  /** Offset from which the binding holds (the end of an assignment, the start of a function). */
  offset: number;
  /** The expression bound, evaluated lazily (for `with`, the context manager). */
  value: SyntaxNode | undefined;
  scope: Scope;
  kind: ValueKind | undefined;
  parameter: boolean;
  context: boolean;
}

/** A call of the mock family. */
export interface MockCall {
  call: SyntaxNode;
  /** `MagicMock`, `create_autospec`, `patch`, `patch.object`, …, or `start` for `<patcher>.start()`. */
  api: string;
  /** The callee as written, without spaces (`mock.patch.object`); undefined when it is not a dotted name. */
  callee: string | undefined;
  /** Reached through a pytest-mock fixture (`mocker.patch`, `mocker.MagicMock`). */
  viaMocker: boolean;
  scope: Scope;
  kind: "constructor" | "patch" | "start";
  /** `call.startIndex` and `call.endIndex`, read once. */
  start: number;
  end: number;
}

/** Classes whose instances are mocks, for `new_callable=`. */
const MOCK_FACTORIES = new Set([...MOCK_CLASSES, "PropertyMock", "create_autospec"]);

const LITERAL_TYPES = new Set([
  "string", "concatenated_string", "integer", "float", "true", "false", "none", "list", "dictionary", "set", "tuple",
  "list_comprehension", "dictionary_comprehension", "set_comprehension", "generator_expression", "lambda",
  "comparison_operator", "not_operator", "boolean_operator", "binary_operator", "unary_operator",
]);

/** The last names of callees worth resolving. */
const CALL_NAMES = [...MOCK_CLASSES, "create_autospec", "patch", "start"];
/** The callee names of the mock family as whole words (the aliases a file imports them under added, see `aliases`). */
function callPattern(names: readonly string[]): RegExp {
  return new RegExp(`(?<![\\w])(?:${names.map(escapeRegExp).join("|")})(?![\\w])`, "g");
}
/**
 * The callee names of a file without aliases (most), without `callPattern`'s look-arounds: the scan
 * checks the characters around each match itself, which finds the same matches faster (no name is
 * the start of another, so a match that fails the check leaves no other name at its offset).
 */
const CALL_WORDS = /Mock|MagicMock|AsyncMock|NonCallableMock|NonCallableMagicMock|create_autospec|patch|start/g;
/** Any of these in a file means there may be something to analyse. */
const QUICK_CHECK = /Mock|patch|create_autospec|mock_/;
/** Candidate aliases: `... import X as NAME` and module-level `NAME = a.b`. */
const ALIAS_CANDIDATES = /\bas[ \t]+([A-Za-z_]\w*)|^([A-Za-z_]\w*)[ \t]*=[ \t]*[A-Za-z_][\w.]*[ \t]*(?:#.*)?$/gm;
const DOTTED = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$/;
/** The targets of an assignment that ends a line's text: `a = self.b: T = ` (before a call). */
const ASSIGNMENT_PREFIX = /(?:^|;)\s*((?:[A-Za-z_][\w.]*[ \t]*(?::[^=]+?)?[ \t]*=[ \t]*)+)$/;
/** `a, b = ` at the start of a line: the names an unpacking assignment binds. */
const TUPLE_TARGETS = /^\s*\(?\s*((?:[A-Za-z_]\w*\s*,\s*)+[A-Za-z_]\w*)\s*,?\s*\)?\s*=(?!=)/;
/** `as name` (or `as self.attr`) right after a call: a `with` item. */
const WITH_ALIAS = /^\s*as\s+([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)?)/;

/** Arguments of a call, looked up by keyword or position: the node, absent, or unknown (behind a splat). */
export type Arg = SyntaxNode | "absent" | "unknown";

export function argument(args: CallArguments, name: string, index: number | undefined): Arg {
  const keyword = args.keywords.get(name);
  if (keyword) return keyword;
  if (args.hasSplat) return "unknown";
  if (index !== undefined) return args.positional[index] ?? "absent";
  return "absent";
}

/** Positions of the `patch` family's parameters. */
const PATCH_PARAMS: Record<string, readonly string[]> = {
  patch: ["target", "new", "spec", "create", "spec_set", "autospec", "new_callable"],
  "patch.object": ["target", "attribute", "new", "spec", "create", "spec_set", "autospec", "new_callable"],
  "patch.context_manager": ["target", "attribute", "new", "spec", "create", "spec_set", "autospec", "new_callable"],
  "patch.multiple": ["target", "spec", "create", "spec_set", "autospec", "new_callable"],
};

/** `patch`, `patch.object`, `patch.multiple` (and pytest-mock's `patch.context_manager`): the ones that can create mocks. */
export function isMockCreatingPatch(api: string): boolean {
  return api in PATCH_PARAMS;
}

export function patchArgument(args: CallArguments, api: string, name: string): Arg {
  const index = PATCH_PARAMS[api]?.indexOf(name);
  return argument(args, name, index === undefined || index < 0 ? undefined : index);
}

/**
 * Whether a `patch`-family call puts a new mock in place: `patch.dict` never does, nor a `patch` or
 * `patch.object` given `new=` (the value given is what replaces the target; a mock created for it is
 * a constructor call of its own), nor a `patch.multiple` none of whose attributes is `DEFAULT`.
 * Arguments hidden behind a splat are not guessed at.
 */
export function patchCreatesMock(analysis: MockAnalysis, { call, api }: MockCall): boolean {
  if (!isMockCreatingPatch(api)) return false;
  if (api === "patch.multiple") {
    const own = PATCH_PARAMS["patch.multiple"] ?? [];
    for (const [key, value] of analysis.args(call).keywords) if (!own.includes(key) && analysis.isDefault(value)) return true;
    return false;
  }
  const newArg = analysis.patchNewArgument(call, api);
  if (newArg === "unknown") return false;
  return newArg === "absent" || analysis.isDefault(newArg);
}

// ---- the analysis ---------------------------------------------------------------------------

export class MockAnalysis {
  /** Calls to mock classes and `create_autospec`. */
  readonly constructors: MockCall[] = [];
  /** Calls to the `patch` family. */
  readonly patches: MockCall[] = [];
  /** Where the patch calls found so far start. */
  private readonly patchStarts = new Set<number>();
  /** `.start()` calls (of anything: whether the object is a patcher is decided lazily). */
  private readonly starts: MockCall[] = [];
  /** Every call found, by its span (a call and the call of its result start at the same offset). */
  private readonly callsBySpan = new BySpan<MockCall>();
  private readonly text: string;
  /** The file's scopes (`scopeAt`, the table's function, class and module scopes). */
  private readonly semantic: SemanticModel;
  /** Each scope's bindings by name, as `bindingsIn` read them (data of the table's scopes, kept with this analysis). */
  private readonly scopeBindings = new Map<Scope, Map<string, Binding[] | undefined>>();
  /** Where the text may bind a name (`mayBindOffsets`), by name. */
  private readonly mayBindCache = new Map<string, number[]>();
  /** Kinds of the parameters that `@patch` decorators inject, per function. */
  private readonly injected = new Map<FunctionInfo, Map<string, ValueKind>>();
  /** `self.<attr> = <mock call>` and class-body `<attr> = <mock call>`, per class. */
  private readonly classAttributes = new Map<ClassInfo, Map<string, Binding[]>>();
  /** Names bound to a mock call somewhere, or injected by `@patch`: the chain roots worth following. */
  private readonly rootNames = new Set<string>();
  private readonly argsCache = new BySpan<CallArguments>();
  private readonly evaluating = new Set<Binding>();
  /** Whether a `mock_*` parameter requests a same-file fixture that gives a real object, per parameter binding. */
  private readonly fixtureParameterCache = new Map<Binding, boolean>();
  private analysed = false;
  /** Attribute chains assigned somewhere (`m.a.return_value = x`), by their text without spaces: offsets. */
  private attributeTargets: Map<string, number[]> | undefined;
  private readonly assignedByScope = new Map<string, Map<Scope, number[]> | undefined>();

  constructor(private readonly ctx: FileContext) {
    this.text = ctx.file.text;
    this.semantic = semanticOf(ctx.model);
    if (!QUICK_CHECK.test(this.text) && !this.hasAliases()) return;
    this.analysed = true;
    this.scanCalls();
    this.collectRoots();
  }

  private rootNode: SyntaxNode | undefined;

  /** The tree's root, asked once: each `tree.rootNode` makes a new node object. */
  private get root(): SyntaxNode {
    return (this.rootNode ??= this.ctx.root);
  }

  /** The smallest node spanning `[start, end)`. */
  private nodeAt(start: number, end: number): SyntaxNode {
    return this.root.descendantForIndex(start, end);
  }

  // ---- scopes (the table's: `SemanticModel.scopeAt`, lambdas and comprehensions not counted) ----

  /** The class whose `self` a scope sees: the nearest class scope around it. */
  private enclosingClass(scope: Scope): ClassInfo | undefined {
    for (let s: Scope | undefined = scope.parent; s; s = s.parent) if (s.kind === "class") return s.cls;
    return undefined;
  }

  // ---- calls ----

  private hasAliases(): boolean {
    return this.aliases().length > 0;
  }

  private aliasList: string[] | undefined;

  /** Local names that the imports bind to the mock family under another name (`MagicMock as MM`). */
  private aliases(): string[] {
    if (this.aliasList) return this.aliasList;
    // Only a name some import binds to the mock family can be one (most files import it under its own names).
    const resolver = this.ctx.model.resolver;
    let otherNames = false;
    for (const name of resolver.namesBoundToMockApi()) if (!CALL_NAMES.includes(name)) otherNames = true;
    if (!otherNames) return (this.aliasList = []);
    // Every mock module's name holds `mock` (unittest.mock, mock, pytest_mock): a file without it has no alias to one.
    if (!this.text.includes("mock")) return (this.aliasList = []);
    const result = new Set<string>();
    for (const m of this.text.matchAll(ALIAS_CANDIDATES)) {
      const name = m[1] ?? m[2];
      if (!name || CALL_NAMES.includes(name)) continue;
      // What the name is bound to where it is bound (`as NAME` ends the match; `NAME = a.b` starts it).
      const qualified = resolver.resolveAt(name, m[1] !== undefined ? m.index + m[0].length - name.length : m.index);
      const api = mockApiName(qualified);
      if (api !== undefined && (mockConstructorName(qualified) !== undefined || api === "patch" || api.startsWith("patch."))) result.add(name);
    }
    this.aliasList = [...result];
    return this.aliasList;
  }

  private scanCalls(): void {
    const aliases = this.aliases();
    const checked = aliases.length > 0;
    const re = checked ? callPattern([...CALL_NAMES, ...aliases]) : CALL_WORDS;
    const text = this.text;
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const s = m.index;
      const word = m[0];
      if (!checked && (isAsciiWordCode(text.charCodeAt(s - 1)) || isAsciiWordCode(text.charCodeAt(s + word.length)))) {
        re.lastIndex = s + 1;
        continue;
      }
      // The callee is the dotted name this word is part of; a call follows it.
      let calleeEnd = s + word.length;
      while (true) {
        const j = skipSpace(text, calleeEnd);
        if (text[j] !== ".") break;
        const k = skipSpace(text, j + 1);
        const e = identifierEnd(text, k);
        if (e === k) break;
        calleeEnd = e;
      }
      const paren = skipSpace(text, calleeEnd);
      if (text[paren] !== "(") continue;
      const call = this.nodeAt(s, paren + 1);
      if (call.type !== "call") continue;
      const start = call.startIndex;
      // Read once: each read of a node's end crosses into the parser (collectRoots reads it again).
      const end = call.endIndex;
      if (this.callsBySpan.get(start, end)) continue;
      const callee = text.slice(start, calleeEnd).replace(/\s|\\/g, "");
      const dotted = DOTTED.test(callee) ? callee : undefined;
      const scope = this.semantic.scopeAt(start);
      if (word === "start" && callee.endsWith(".start")) {
        const info: MockCall = { call, api: "start", callee: dotted, viaMocker: false, scope, kind: "start", start, end };
        this.starts.push(info);
        this.callsBySpan.set(start, end, info);
        continue;
      }
      if (dotted === undefined) continue;
      const qualified = this.resolveCalleeText(dotted, scope, start);
      const api = mockApiName(qualified);
      if (api === undefined || qualified === undefined) continue;
      const viaMocker = qualified.startsWith("pytest_mock.");
      let info: MockCall | undefined;
      // `mockConstructorName` and `patchName` of `qualified`, from its api name found once.
      if (MOCK_CLASSES.has(api) || api === "create_autospec") {
        info = { call, api, callee: dotted, viaMocker, scope, kind: "constructor", start, end };
        this.constructors.push(info);
      } else if (api === "patch" || api.startsWith("patch.")) {
        info = { call, api, callee: dotted, viaMocker, scope, kind: "patch", start, end };
        this.patches.push(info);
        this.patchStarts.add(start);
      }
      if (info) this.callsBySpan.set(start, end, info);
    }
  }

  /**
   * `patchArgument(this.args(call), api, "new")`, without reading every keyword's name and value
   * from the tree when the call's arguments were not needed yet (see `patchArguments`; most patch
   * calls are asked only this, by MEM102's scope).
   */
  patchNewArgument(call: SyntaxNode, api: string): Arg {
    return this.patchArguments(call, api, ["new"])[0] as Arg;
  }

  /**
   * `patchArgument(this.args(call), api, name)` for each name, without reading every keyword's name
   * and value from the tree when the call's arguments were not needed yet: a keyword is looked at only
   * when the text at its start spells one of the names.
   */
  private patchArguments(call: SyntaxNode, api: string, names: readonly string[]): Arg[] {
    const known = this.argsCache.atNode(call);
    if (known) return names.map((name) => patchArgument(known, api, name));
    const args = call.childForFieldName("arguments");
    const params = PATCH_PARAMS[api];
    const indexes = names.map((name) => params?.indexOf(name) ?? -1);
    if (!args || args.type !== "argument_list") return names.map(() => "absent");
    const text = this.text;
    const keywords: (SyntaxNode | undefined)[] = names.map(() => undefined);
    const atIndex: (SyntaxNode | undefined)[] = names.map(() => undefined);
    let splat = false;
    let positional = 0;
    for (const arg of args.namedChildren) {
      const type = arg.type;
      if (type === "comment") continue;
      if (type === "keyword_argument") {
        // The name starts the node; a name none of the names spells cannot match (a non-ASCII character after it is asked to the tree).
        const start = arg.startIndex;
        const i = names.findIndex((name) => text.startsWith(name, start) && !isAsciiWordCode(text.charCodeAt(start + name.length)));
        if (i < 0) continue;
        const name = arg.childForFieldName("name");
        const value = arg.childForFieldName("value");
        if (name && value && name.text === names[i]) keywords[i] = value;
      } else if (type === "list_splat" || type === "dictionary_splat") {
        splat = true;
      } else {
        for (let i = 0; i < names.length; i++) if (positional === indexes[i]) atIndex[i] = arg;
        positional++;
      }
    }
    return names.map((_, i) => {
      const keyword = keywords[i];
      if (keyword) return keyword;
      if (splat) return "unknown";
      return (indexes[i] as number) < 0 ? "absent" : (atIndex[i] ?? "absent");
    });
  }

  args(call: SyntaxNode): CallArguments {
    const start = call.startIndex;
    const end = call.endIndex;
    let args = this.argsCache.get(start, end);
    if (!args) {
      args = callArguments(call);
      this.argsCache.set(start, end, args);
    }
    return args;
  }

  /**
   * Resolves a dotted callee written at `offset` through the imports visible there, unless a function
   * scope around it binds its root name by something other than an import (a parameter, an
   * assignment, a local class): then it is not ours. A parameter named like a pytest-mock fixture
   * (`mocker`) is that fixture.
   */
  private resolveCalleeText(dotted: string, scope: Scope, offset: number): string | undefined {
    const dot = dotted.indexOf(".");
    const root = dot === -1 ? dotted : dotted.slice(0, dot);
    for (let s: Scope | undefined = scope; s && s.kind !== "module"; s = s.parent) {
      if (s.kind === "class" && s !== scope) continue;
      const bindings = this.bindingsIn(s, root);
      if (!bindings) continue;
      if (MOCKER_FIXTURES.has(root) && bindings.every((b) => b.parameter)) break;
      return undefined;
    }
    return this.ctx.model.resolver.resolveAt(dotted, offset);
  }

  /** Resolves an identifier or dotted attribute node the same way. */
  private resolveCallee(node: SyntaxNode | null, scope: Scope): string | undefined {
    if (!node) return undefined;
    const text = dottedText(node);
    return text === undefined ? undefined : this.resolveCalleeText(text, scope, node.startIndex);
  }

  /** `unittest.mock.DEFAULT` (also `mock.DEFAULT`, `mocker.DEFAULT`). */
  isDefault(node: SyntaxNode): boolean {
    return mockApiName(this.ctx.model.resolver.resolve(node)) === "DEFAULT";
  }

  private isMockFactory(node: SyntaxNode, scope: Scope): boolean {
    const api = mockApiName(this.resolveCallee(node, scope));
    return api !== undefined && MOCK_FACTORIES.has(api);
  }

  // ---- bindings ----

  /**
   * A scope's bindings of a name, read from the file's binding table (`semanticOf(model)`), each
   * with the mock layer's own answer (its kind, cached on first use). Kept as the mock rules have
   * always read them, where that differs from Python's rules:
   * - imports are not bindings here: a name only an import binds is resolved where it is used
   *   (`resolveAt`), and a local import does not hide a mock bound around the function;
   * - `+=`, `del`, `global` and `nonlocal` do not change what a name holds;
   * - lambdas and comprehensions are not scopes (`scopeAt` skips them): a name used in one is looked up
 *   in the function around it.
   * A function's or class's table is built only when its text may bind the name (`mayBindOffsets`).
   */
  private bindingsIn(scope: Scope, name: string): Binding[] | undefined {
    let byName = this.scopeBindings.get(scope);
    if (!byName) this.scopeBindings.set(scope, (byName = new Map<string, Binding[] | undefined>()));
    if (byName.has(name)) return byName.get(name);
    const bindings = this.readBindings(scope, name);
    byName.set(name, bindings);
    return bindings;
  }

  private readBindings(scope: Scope, name: string): Binding[] | undefined {
    if (scope.kind !== "module") {
      const owner = scope.fn ?? scope.cls;
      if (!owner) return undefined;
      if (!this.mayBindWithin(name, owner.body.startIndex, owner.end)) {
        // Only a parameter can bind it: read from the model's parameter list, without filling the table (as LocalNames does).
        const fn = scope.fn;
        if (!fn?.params.includes(name)) return undefined;
        return [{ offset: fn.node.startIndex, value: undefined, scope, kind: this.injectedParameters(fn).get(name) ?? "unknown", parameter: true, context: false }];
      }
    }
    const found: Binding[] = [];
    // A module's table is the model's; a function's or class's is not built for one name (most are asked one or two).
    const bindings = scope.kind === "module" ? scope.bindingsOf(name) : this.semantic.bindingsNamed(scope, name, this.wordsOf(name));
    for (const b of bindings) {
      const binding = this.mockBinding(b, scope);
      if (binding) found.push(binding);
    }
    return found.length > 0 ? found : undefined;
  }

  /** Where the name is written as a whole word (after a dot too), by name: what `bindingsNamed` reads of the text. */
  private readonly wordCache = new Map<string, number[]>();

  private wordsOf(name: string): number[] {
    let found = this.wordCache.get(name);
    if (!found) {
      found = wordOccurrences(this.text, name, false);
      this.wordCache.set(name, found);
    }
    return found;
  }

  /** Whether the text may bind the name in `[start, end)` (the places found once per name, then a binary search). */
  private mayBindWithin(name: string, start: number, end: number): boolean {
    let offsets = this.mayBindCache.get(name);
    if (!offsets) this.mayBindCache.set(name, (offsets = mayBindOffsets(this.text, name)));
    return anyOffsetWithin(offsets, start, end);
  }

  /** The mock layer's binding for a table binding; undefined for the kinds it does not count (see `bindingsIn`). */
  private mockBinding(b: TableBinding, scope: Scope): Binding | undefined {
    const offset = b.holdsFrom;
    const value = b.holds;
    switch (b.kind) {
      case "parameter": {
        const fn = scope.fn;
        return { offset, value: undefined, scope, kind: (fn && this.injectedParameters(fn).get(b.name)) ?? "unknown", parameter: true, context: false };
      }
      case "definition":
        return { offset, value: undefined, scope, kind: "other", parameter: false, context: false };
      case "with":
        return { offset, value, scope, kind: value ? undefined : "unknown", parameter: false, context: true };
      case "except":
        return { offset, value: undefined, scope, kind: "other", parameter: false, context: true };
      case "for":
        return { offset, value: undefined, scope, kind: "unknown", parameter: false, context: false };
      case "assignment":
      case "importorskip":
      case "walrus":
        return { offset, value, scope, kind: value ? undefined : "unknown", parameter: false, context: false };
      default:
        return undefined;
    }
  }

  /**
   * Where any of the names occurs in the text (not after a dot), in text order: one search for one
   * name, else one pattern of them all (a pass over the text, where indexing every identifier costs
   * several times as much).
   */
  occurrencesOfAny(names: Iterable<string>): number[] {
    const words = [...names].filter((n) => /^[A-Za-z_]\w*$/.test(n));
    if (words.length <= 1) return words.length === 0 ? [] : wordOccurrences(this.text, words[0] as string, true);
    // Occurrences of different names never overlap (each is a whole word), so one pattern finds them all.
    const pattern = new RegExp(`(?<![\\w.])(?:${words.map(escapeRegExp).join("|")})(?![\\w])`, "g");
    const found: number[] = [];
    for (const m of this.text.matchAll(pattern)) found.push(m.index);
    return found;
  }

  private bindingKind(binding: Binding): ValueKind {
    if (binding.kind !== undefined) return binding.kind;
    if (!binding.value || this.evaluating.has(binding)) return "unknown";
    this.evaluating.add(binding);
    try {
      binding.kind = binding.context ? this.contextValueKind(binding.value, binding.scope) : this.valueKind(binding.value, binding.scope, binding.value.startIndex);
    } finally {
      this.evaluating.delete(binding);
    }
    return binding.kind;
  }

  /** The binding in effect at an offset: the last one before it, else the first. */
  private pick(bindings: Binding[], offset: number): Binding | undefined {
    let chosen: Binding | undefined;
    if (isSortedByOffset(bindings)) {
      // The usual case, by binary search: many uses of a name bound many times stay linear in the file.
      let lo = 0;
      let hi = bindings.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const b = bindings[mid] as Binding;
        if (b.offset <= offset) {
          chosen = b;
          lo = mid + 1;
        } else hi = mid - 1;
      }
    } else for (const b of bindings) if (b.offset <= offset) chosen = b;
    return chosen ?? bindings[0];
  }

  /** What a name refers to at an offset in a scope, following Python's lookup. */
  nameKind(name: string, scope: Scope, offset: number): ValueKind {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      if (s.kind === "class" && s !== scope) continue;
      const bindings = this.bindingsIn(s, name);
      if (!bindings) continue;
      const binding = this.pick(bindings, offset);
      return binding ? this.bindingKind(binding) : "unknown";
    }
    const qualified = this.ctx.model.resolver.resolveAt(name, offset);
    if (qualified === undefined) return "unknown";
    // An import from the mock module (`mock_open`, `patch`) is the module's function, not a mock.
    return mockApiName(qualified) !== undefined ? "other" : "unknown";
  }

  /** A mock by name: bound to one, or named `mock_*` and not visibly something else. */
  isMockName(name: string, scope: Scope, offset: number): boolean {
    if (!this.rootNames.has(name) && !isMockNamed(name)) return false;
    const kind = this.nameKind(name, scope, offset);
    if (kind === "mock") return true;
    return isMockNamed(name) && kind !== "other" && !this.requestsNonMockFixture(name, scope, offset);
  }

  /**
   * A `mock_*` parameter that requests a fixture of the same file (of the class, its same-file bases,
   * or the module) whose every `return`/`yield` gives something visibly not a mock: an instance of a
   * class (`Controller(...)`, directly or through a local name) or a literal. The name says mock; the
   * fixture says otherwise, and a chain on it is a chain on a real object.
   */
  private requestsNonMockFixture(name: string, scope: Scope, offset: number): boolean {
    let binding: Binding | undefined;
    for (let s: Scope | undefined = scope; s && !binding; s = s.parent) {
      if (s.kind === "class" && s !== scope) continue;
      const bindings = this.bindingsIn(s, name);
      if (bindings) binding = this.pick(bindings, offset);
      if (bindings) break;
    }
    if (!binding?.parameter) return false;
    const cached = this.fixtureParameterCache.get(binding);
    if (cached !== undefined) return cached;
    let result = false;
    const requester = binding.scope.fn;
    const fixture = requester && this.sameFileFixture(name, requester);
    const fixtureScope = fixture && this.semantic.definitionScope(fixture);
    if (fixture && fixtureScope) {
      const values = ownReturnedValues(fixture.body);
      result = values.length > 0 && values.every((v) => this.visiblyNotMock(v, fixtureScope, 0));
    }
    this.fixtureParameterCache.set(binding, result);
    return result;
  }

  private sameFileFixture(name: string, requester: FunctionInfo): FunctionInfo | undefined {
    const classes = requester.cls ? this.ctx.collection.lineage(requester.cls) : [];
    const candidates = this.ctx.model.functions.filter((f) => f.fixture?.name === name && f.parentFunction === undefined);
    for (const cls of classes) {
      const own = candidates.find((f) => f.cls === cls);
      if (own) return own;
    }
    return candidates.find((f) => f.cls === undefined);
  }

  /** An instance of a class that is not a mock class, or a literal, directly or through a name bound in the scope. */
  private visiblyNotMock(node: SyntaxNode, scope: Scope, depth: number): boolean {
    let expr = node;
    while (expr.type === "parenthesized_expression" || expr.type === "await") {
      const inner = expr.namedChildren.find((c) => c.type !== "comment");
      if (!inner) return false;
      expr = inner;
    }
    if (LITERAL_TYPES.has(expr.type)) return true;
    if (expr.type === "call") {
      if (this.callsBySpan.atNode(expr)) return false;
      const callee = expr.childForFieldName("function");
      const last = callee?.type === "attribute" ? callee.childForFieldName("attribute") : callee;
      if (last?.type !== "identifier" || MOCK_FACTORIES.has(last.text) || /mock/i.test(last.text)) return false;
      return /^[A-Z]/.test(last.text);
    }
    if (expr.type !== "identifier" || depth >= 3) return false;
    const bindings = this.bindingsIn(scope, expr.text);
    const binding = bindings && this.pick(bindings, expr.startIndex);
    if (!binding?.value || binding.parameter || binding.context) return false;
    return this.visiblyNotMock(binding.value, scope, depth + 1);
  }

  /**
   * A `mock_*` name imported from another module and called (`mock_backend_connector().with_x().build()`):
   * a helper that builds test doubles, not a mock; only its name says otherwise.
   */
  private importedFactory(name: string, scope: Scope, offset: number): boolean {
    return this.nameKind(name, scope, offset) !== "mock" && this.ctx.model.resolver.resolveAt(name, offset) !== undefined;
  }

  /** `self.<attr>` in a class: a mock when any binding in the class or its same-file bases is one. */
  classAttributeKind(cls: ClassInfo, attr: string): ValueKind {
    let result: ValueKind = "unknown";
    for (const c of this.ctx.collection.lineage(cls)) {
      for (const b of this.classAttributes.get(c)?.get(attr) ?? []) {
        const kind = this.bindingKind(b);
        if (kind === "mock") return "mock";
        if (kind === "patcher") result = "patcher";
      }
    }
    return result;
  }

  // ---- values ----

  /** What `with X as m` binds m to: the mock a `patch(...)` creates; anything else is unknown. */
  private contextValueKind(cm: SyntaxNode, scope: Scope): ValueKind {
    if (cm.type !== "call") return "unknown";
    const info = this.callsBySpan.atNode(cm);
    if (info?.kind !== "patch") return "unknown";
    return this.patchResult(info, scope);
  }

  /** What a `patch`-family call gives to `with ... as`, `mocker.patch(...)` or `.start()`. */
  private patchResult(info: MockCall, scope: Scope): ValueKind {
    const { call, api } = info;
    if (!isMockCreatingPatch(api) || api === "patch.multiple") return "other";
    const args = this.args(call);
    const newArg = patchArgument(args, api, "new");
    if (newArg === "unknown") return "unknown";
    if (newArg !== "absent" && !this.isDefault(newArg)) return this.valueKind(newArg, scope, newArg.startIndex);
    const factory = patchArgument(args, api, "new_callable");
    if (factory === "unknown") return "unknown";
    if (factory !== "absent") return this.isMockFactory(factory, scope) ? "mock" : "unknown";
    return "mock";
  }

  /** What an expression evaluates to, as far as the linter can see. */
  valueKind(node: SyntaxNode, scope: Scope, offset: number): ValueKind {
    let expr = node;
    while (expr.type === "parenthesized_expression") {
      const inner = expr.namedChildren.find((c) => c.type !== "comment");
      if (!inner) break;
      expr = inner;
    }
    if (LITERAL_TYPES.has(expr.type)) return "other";
    if (expr.type === "identifier") return this.isMockName(expr.text, scope, offset) ? "mock" : "unknown";
    if (expr.type !== "call") return "unknown";
    const info = this.callsBySpan.atNode(expr);
    if (!info) return "unknown";
    if (info.kind === "constructor") return "mock";
    if (info.kind === "patch") {
      const result = this.patchResult(info, scope);
      if (info.viaMocker) return result === "patcher" ? "unknown" : result;
      return result === "mock" ? "patcher" : "other";
    }
    const object = expr.childForFieldName("function")?.childForFieldName("object");
    return object && this.referenceKind(object, scope, offset) === "patcher" ? "mock" : "unknown";
  }

  /** The kind of what `X` in `X.start()` refers to: a patch call, a name, or `self.<attr>`. */
  private referenceKind(node: SyntaxNode, scope: Scope, offset: number): ValueKind {
    if (node.type === "call") return this.valueKind(node, scope, offset);
    if (node.type === "identifier") {
      this.rootNames.add(node.text);
      return this.nameKind(node.text, scope, offset);
    }
    if (node.type === "attribute") {
      const object = node.childForFieldName("object");
      const attr = node.childForFieldName("attribute");
      if (object?.type === "identifier" && (object.text === "self" || object.text === "cls") && attr) {
        const cls = this.enclosingClass(scope);
        if (cls) return this.classAttributeKind(cls, attr.text);
      }
    }
    return "unknown";
  }

  /** `.start()` calls that start a mock-creating patcher. */
  startedMocks(): MockCall[] {
    return this.starts.filter(({ call, scope, start }) => this.valueKind(call, scope, start) === "mock");
  }

  /**
   * Whether a call runs when the module is imported: at module level or in a class body at module
   * level (with the decorators and default values there), not in a function or lambda body.
   */
  atModuleScope(info: MockCall): boolean {
    for (let s: Scope | undefined = info.scope; s && s.kind !== "module"; s = s.parent) if (s.kind !== "class") return false;
    for (let n = info.call.parent; n; n = n.parent) if (n.type === "lambda") return false;
    return true;
  }

  // ---- roots ----

  /**
   * Parameters that `@patch` decorators inject, bottom-up, then the class's `@patch` decorators for
   * `test*` methods; they fill the first positional parameters after `self`. A patch given `new`
   * injects none; `patch.multiple` passes its `DEFAULT` attributes by keyword.
   */
  private injectedParameters(fn: FunctionInfo): Map<string, ValueKind> {
    const cached = this.injected.get(fn);
    if (cached) return cached;
    const result = new Map<string, ValueKind>();
    this.injected.set(fn, result);
    const decorators = [...fn.decorators].reverse();
    if (fn.cls && fn.name.startsWith("test")) decorators.push(...[...fn.cls.decorators].reverse());
    const slots: ValueKind[] = [];
    for (const d of decorators) {
      // Only a patch call's offset can start one (read without asking the parser for the node's type or end).
      if (!this.patchStarts.has(d.startIndex) || d.type !== "call") continue;
      const info = this.callsBySpan.atNode(d);
      if (info?.kind !== "patch" || info.viaMocker || !isMockCreatingPatch(info.api)) continue;
      // `patch.multiple` reads every keyword; the others only `new_callable` and `new`.
      const args = info.api === "patch.multiple" ? this.args(d) : undefined;
      const [factory, newArg] = args ? [patchArgument(args, info.api, "new_callable"), "absent" as const] : (this.patchArguments(d, info.api, ["new_callable", "new"]) as [Arg, Arg]);
      const kind: ValueKind = factory === "absent" ? "mock" : factory !== "unknown" && this.isMockFactory(factory, this.semantic.moduleScope()) ? "mock" : "unknown";
      if (args) {
        const own = PATCH_PARAMS["patch.multiple"] ?? [];
        for (const [key, value] of args.keywords) if (!own.includes(key) && this.isDefault(value)) result.set(key, kind);
        continue;
      }
      if (newArg !== "absent" && newArg !== "unknown" && !this.isDefault(newArg)) continue;
      slots.push(kind);
    }
    if (slots.length === 0 && result.size === 0) return result;
    const isStatic = fn.decorators.some((d) => d.type === "identifier" && d.text === "staticmethod");
    const positional = positionalParameters(fn.node.childForFieldName("parameters"));
    const params = fn.cls && !isStatic ? positional.slice(1) : positional;
    slots.forEach((kind, i) => {
      const param = params[i];
      if (param !== undefined && !result.has(param)) result.set(param, kind);
    });
    return result;
  }

  /**
   * The names and `self.<attr>`s that mock calls are bound to (read from the text around each call:
   * `name = <call>`, `a = self.b: T = <call>`, `<call> as name`), and the parameters `@patch` injects.
   * The names found are candidates: what a name refers to is decided from all its bindings.
   */
  private collectRoots(): void {
    const text = this.text;
    let decorators = false;
    for (const info of [...this.constructors, ...this.patches, ...this.starts]) {
      const start = info.start;
      const before = text.slice(text.lastIndexOf("\n", start - 1) + 1, start);
      if (/^\s*@\s*$/.test(before)) {
        decorators = true;
        continue;
      }
      // Both patterns below need an `=` (most calls are not assigned on their line: `with patch(...)`).
      const assigned = before.includes("=") ? ASSIGNMENT_PREFIX.exec(before) : null;
      if (assigned) {
        for (const part of (assigned[1] ?? "").split("=")) {
          const target = (part.split(":")[0] ?? "").replace(/\s/g, "");
          if (target !== "") this.noteTarget(target, info, false);
        }
      } else {
        // `a, b = Mock(), Mock()`: the names are candidates; their bindings pair them with their values.
        const unpacked = before.includes("=") ? TUPLE_TARGETS.exec(before) : null;
        for (const name of unpacked?.[1]?.split(",") ?? []) this.rootNames.add(name.trim());
      }
      const end = info.end;
      const alias = WITH_ALIAS.exec(text.slice(end, end + 200));
      if (alias) this.noteTarget((alias[1] ?? "").replace(/\s/g, ""), info, true);
    }
    if (!decorators) return;
    for (const fn of this.ctx.model.functions) {
      if (fn.decorators.length === 0 && !(fn.cls && fn.cls.decorators.length > 0)) continue;
      for (const name of this.injectedParameters(fn).keys()) this.rootNames.add(name);
    }
  }

  /** Records what a mock call is bound to: a name, or `self.<attr>` of the enclosing class. */
  private noteTarget(target: string, info: MockCall, context: boolean): void {
    if (/^[A-Za-z_]\w*$/.test(target)) {
      this.rootNames.add(target);
      // A class-body `attr = Mock()` is `self.attr` in the methods.
      if (info.scope.kind === "class" && info.scope.cls) {
        this.addClassAttribute(info.scope.cls, target, { offset: info.start, value: info.call, scope: info.scope, kind: undefined, parameter: false, context });
      }
      return;
    }
    const attr = /^(?:self|cls)\.([A-Za-z_]\w*)$/.exec(target)?.[1];
    const cls = attr !== undefined ? this.enclosingClass(info.scope) : undefined;
    if (attr === undefined || !cls) return;
    this.addClassAttribute(cls, attr, { offset: info.start, value: info.call, scope: info.scope, kind: undefined, parameter: false, context });
  }

  private addClassAttribute(cls: ClassInfo, attr: string, binding: Binding): void {
    let attrs = this.classAttributes.get(cls);
    if (!attrs) this.classAttributes.set(cls, (attrs = new Map<string, Binding[]>()));
    const list = attrs.get(attr);
    if (list) list.push(binding);
    else attrs.set(attr, [binding]);
  }

  // ---- what MEM203's chains ask ----

  /** Whether the file may hold mocks at all (a name of the mock family or `mock_` is in its text). */
  mayHaveMocks(): boolean {
    return this.analysed;
  }

  /** Names bound to a mock call somewhere, or injected by `@patch`: candidates, each use decided by `isMockName`. */
  mockBoundNames(): ReadonlySet<string> {
    return this.rootNames;
  }

  /** The attributes some class binds (`self.<attr> = Mock()`, a class-body `attr = Mock()`) to a mock call: candidates. */
  selfAttributeRoots(): Set<string> {
    const attrs = new Set<string>();
    for (const map of this.classAttributes.values()) for (const a of map.keys()) attrs.add(a);
    return attrs;
  }

  /**
   * How many links of a chain (`base.a().b`, its links as names, a call without one) the mock root takes:
   * 0 for a mock name, 1 for `self.<mock>`, n for `a.b.mock_x`; undefined: the chain has no mock root.
   */
  rootLength(baseName: string, base: number, links: readonly { name: string | undefined }[], scope: Scope): number | undefined {
    if (this.isMockName(baseName, scope, base)) return links[0]?.name === undefined && this.importedFactory(baseName, scope, base) ? undefined : 0;
    const first = links[0]?.name;
    if ((baseName === "self" || baseName === "cls") && first !== undefined) {
      const cls = this.enclosingClass(scope);
      if ((cls && this.classAttributeKind(cls, first) === "mock") || isMockNamed(first)) return 1;
    }
    let dotted = baseName;
    for (let i = 0; i < links.length; i++) {
      const name = links[i]?.name;
      if (name === undefined) return undefined;
      dotted += `.${name}`;
      if (isMockNamed(name)) {
        // `mock.mock_open` names the mock module's function, not a mock.
        if (mockApiName(this.resolveCalleeText(dotted, scope, base)) !== undefined) return undefined;
        return i + 1;
      }
    }
    return undefined;
  }

  /**
   * Whether the chain `prefix` (as `m.a.return_value`) was last set, before `offset` and in the
   * chain's scope or one around it, to something the linter cannot see is a mock (`= []`,
   * `= real_app`): past that point the chain is on that value, not on a child mock.
   */
  holdsNonMock(prefix: string, scope: Scope, offset: number): boolean {
    const byScope = this.assignedAttributesByScope(prefix);
    if (!byScope) return false;
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      if (s.kind === "class" && s !== scope) continue;
      const last = lastBefore(byScope.get(s), offset);
      if (last === undefined) continue;
      const target = this.nodeAt(last, last + 1);
      let node: SyntaxNode | null = target;
      // Climb from the name to the attribute node that is the assignment's left side.
      while (node && node.type !== "assignment") {
        const parent: SyntaxNode | null = node.parent;
        if (parent?.type === "assignment") break;
        node = parent;
      }
      const assignment = node?.parent;
      if (!node || assignment?.type !== "assignment" || assignment.childForFieldName("left")?.startIndex !== node.startIndex) continue;
      let value = assignment.childForFieldName("right");
      while (value?.type === "assignment") value = value.childForFieldName("right");
      if (!value) continue;
      return !this.refersToMock(value, s, last);
    }
    return false;
  }

  /**
   * Where the chain `prefix` is assigned, grouped by the scope each assignment runs in (offsets in
   * text order). Grouped once per prefix, so that many chains sharing a prefix stay linear in the file.
   */
  private assignedAttributesByScope(prefix: string): Map<Scope, number[]> | undefined {
    const cached = this.assignedByScope.get(prefix);
    if (cached !== undefined || this.assignedByScope.has(prefix)) return cached;
    const offsets = this.assignedAttributes().get(prefix);
    let result: Map<Scope, number[]> | undefined;
    if (offsets) {
      result = new Map<Scope, number[]>();
      for (const o of offsets) {
        const s = this.semantic.scopeAt(o);
        const list = result.get(s);
        if (list) list.push(o);
        else result.set(s, [o]);
      }
    }
    this.assignedByScope.set(prefix, result);
    return result;
  }

  /** Every `a.b.c = ...` in the file, found once in the text. */
  private assignedAttributes(): Map<string, number[]> {
    if (this.attributeTargets) return this.attributeTargets;
    const result = new Map<string, number[]>();
    const text = this.text;
    for (const { start, end } of attributeTargets(text)) {
      const key = text.slice(start, end).replace(/[ \t]/g, "");
      const list = result.get(key);
      if (list) list.push(start);
      else result.set(key, [start]);
    }
    this.attributeTargets = result;
    return result;
  }

  /** A value the linter can see is a mock: a mock-creating call, a mock name, `self.<mock>`. */
  private refersToMock(value: SyntaxNode, scope: Scope, offset: number): boolean {
    if (value.type === "attribute") {
      const object = value.childForFieldName("object");
      const attr = value.childForFieldName("attribute")?.text;
      if (object?.type === "identifier" && (object.text === "self" || object.text === "cls") && attr !== undefined) {
        const cls = this.enclosingClass(scope);
        return (cls !== undefined && this.classAttributeKind(cls, attr) === "mock") || isMockNamed(attr);
      }
      return false;
    }
    return this.valueKind(value, scope, offset) === "mock";
  }
}

/** Per list of bindings: how many were checked, and whether those are in offset order. */
const sortedBindings = new WeakMap<Binding[], { checked: number; sorted: boolean }>();

/** Whether a scope's bindings of a name are in offset order (not so for `(a := (a := x))`), each checked once. */
function isSortedByOffset(bindings: Binding[]): boolean {
  let state = sortedBindings.get(bindings);
  if (!state) sortedBindings.set(bindings, (state = { checked: 1, sorted: true }));
  for (; state.sorted && state.checked < bindings.length; state.checked++) {
    if ((bindings[state.checked - 1] as Binding).offset > (bindings[state.checked] as Binding).offset) state.sorted = false;
  }
  return state.sorted;
}

/** The last of ascending offsets that is before `offset`, by binary search. */
function lastBefore(sorted: number[] | undefined, offset: number): number | undefined {
  if (!sorted) return undefined;
  let lo = 0;
  let hi = sorted.length - 1;
  let found: number | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const o = sorted[mid] as number;
    if (o < offset) {
      found = o;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Skips spaces and tabs backwards: the index just after the previous other character. */
function skipBlanksBack(text: string, i: number): number {
  while (i > 0 && (text.charCodeAt(i - 1) === 32 || text.charCodeAt(i - 1) === 9)) i--;
  return i;
}

/** Where the name that ends at `end` starts, when it is one (`[A-Za-z_]\w*`, its start a whole word's); -1 otherwise. */
function nameStartBack(text: string, end: number): number {
  let i = end;
  while (i > 0 && isAsciiWordCode(text.charCodeAt(i - 1))) i--;
  const first = text.charCodeAt(i);
  return i < end && !(first >= 48 && first <= 57) ? i : -1;
}

/**
 * The attribute chains assigned to in the text (`a.b.c =`, not `==`): the matches of
 * `(?<![\w.])([A-Za-z_]\w*(?:[ \t]*\.[ \t]*[A-Za-z_]\w*)+)[ \t]*=(?!=)`, found from each `=` backwards
 * (a search for `=` is several times faster than trying the pattern at every name). A match is the
 * leftmost name of the chain before the `=` that has no name character or dot right before it, with
 * at least one dot after it.
 */
function attributeTargets(text: string): { start: number; end: number }[] {
  const found: { start: number; end: number }[] = [];
  for (let eq = text.indexOf("="); eq !== -1; eq = text.indexOf("=", eq + 1)) {
    if (text.charCodeAt(eq + 1) === 61) {
      eq++;
      continue;
    }
    const end = skipBlanksBack(text, eq);
    let name = nameStartBack(text, end);
    let start = -1;
    while (name !== -1) {
      const dot = skipBlanksBack(text, name);
      if (dot === 0 || text.charCodeAt(dot - 1) !== 46) break;
      name = nameStartBack(text, skipBlanksBack(text, dot - 1));
      if (name === -1) break;
      const before = text.charCodeAt(name - 1);
      if (!isAsciiWordCode(before) && before !== 46) start = name;
    }
    if (start !== -1) found.push({ start, end });
  }
  return found;
}

/** The values a function's own `return` and `yield` statements give (not those of nested functions or classes). */
function ownReturnedValues(body: SyntaxNode): SyntaxNode[] {
  const values: SyntaxNode[] = [];
  const stack: SyntaxNode[] = [body];
  while (stack.length > 0) {
    const node = stack.pop() as SyntaxNode;
    if (node.type === "function_definition" || node.type === "class_definition" || node.type === "lambda") continue;
    if (node.type === "return_statement" || node.type === "yield") {
      const value = node.namedChildren.find((c) => c.type !== "comment");
      // A bare `return` (or `yield from`) gives nothing the linter can read: leave the fixture unknown.
      if (!value || node.text.startsWith("yield from")) return [];
      values.push(value);
      continue;
    }
    for (const child of node.namedChildren) stack.push(child);
  }
  return values;
}

/**
 * Values by a node's span (a call and the call of its result share their start). Keyed by numbers:
 * making a `start:end` string per call cost more than the rest of the lookup.
 */
class BySpan<V> {
  private readonly byStart = new Map<number, { end: number; value: V }[]>();

  get(start: number, end: number): V | undefined {
    const list = this.byStart.get(start);
    if (list) for (const e of list) if (e.end === end) return e.value;
    return undefined;
  }

  /** The value of a node's span; its end is read from the parser only when something starts where it does. */
  atNode(node: SyntaxNode): V | undefined {
    const list = this.byStart.get(node.startIndex);
    if (!list) return undefined;
    const end = node.endIndex;
    for (const e of list) if (e.end === end) return e.value;
    return undefined;
  }

  set(start: number, end: number, value: V): void {
    const list = this.byStart.get(start);
    const known = list?.find((e) => e.end === end);
    if (known) known.value = value;
    else if (list) list.push({ end, value });
    else this.byStart.set(start, [{ end, value }]);
  }
}

/** The naming convention: `mock_client` (but not the mock API's own `mock_calls`). */
function isMockNamed(name: string): boolean {
  return name.startsWith("mock_") && name.length > 5 && name !== "mock_calls";
}

/** Parameters that take positional arguments, in order (up to `*`, `*args` or `**kwargs`). */
function positionalParameters(parameters: SyntaxNode | null): string[] {
  const names: string[] = [];
  for (const p of parameters?.namedChildren ?? []) {
    if (p.type === "list_splat_pattern" || p.type === "keyword_separator" || p.type === "dictionary_splat_pattern") break;
    if (p.type === "identifier") names.push(p.text);
    else if (p.type === "default_parameter" || p.type === "typed_default_parameter") {
      const name = p.childForFieldName("name");
      if (name?.type === "identifier") names.push(name.text);
    } else if (p.type === "typed_parameter") {
      const first = p.namedChild(0);
      if (first?.type === "identifier") names.push(first.text);
    }
  }
  return names;
}

const cache = new WeakMap<FileContext, MockAnalysis>();

/** The file's mock analysis, built once and shared by MEM201–MEM204. */
export function mockAnalysis(ctx: FileContext): MockAnalysis {
  let analysis = cache.get(ctx);
  if (!analysis) {
    analysis = new MockAnalysis(ctx);
    cache.set(ctx, analysis);
  }
  return analysis;
}
