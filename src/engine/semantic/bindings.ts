import { attached } from "../attached.js";
import { anyOffsetWithin } from "../sorted-offsets.js";
import { innermostHolding, type ClassInfo, type FunctionInfo, type ModuleModel } from "../model.js";
import type { SyntaxNode } from "../parser.js";
import { BUILTINS, STAR_EXPORTS } from "./resolver.js";
import { callArguments, stringValue } from "../syntax.js";

/**
 * Which name is bound where: one binding table per scope (module, class, function, lambda,
 * comprehension), and lookups by Python's rules (function locals, enclosing functions, the module,
 * builtins; a class's names are not visible from its methods).
 *
 * The module scope comes from the model's one walk over statements; a function's or class's table is
 * built the first time a name is asked of it (`scopeAt` hands out scopes by offset without building them), from a walk over its own statements (not into nested
 * definitions, which are scopes of their own), and kept. Expressions are never walked: the two ways an
 * expression binds a name are looked up where they are, a comprehension's targets when a lookup passes
 * through it, and an assignment expression (`:=`) found from the text in the files that have one.
 * Not modelled: `match` capture patterns, type parameters, `exec`.
 */

export type BindingKind =
  | "import" // `import a.b`, `import a as b`
  | "from-import" // `from a import b [as c]`
  | "importorskip" // `np = pytest.importorskip("numpy")`
  | "assignment" // `name = value`, `a, b = value`, `name: T = value`
  | "augmented-assignment" // `name += 1`
  | "parameter"
  | "with" // `with ... as name`
  | "for" // `for name in ...`, and a comprehension's `for name in ...`
  | "except" // `except E as name`
  | "walrus" // `(name := value)`
  | "definition" // `def name`, `class name`
  | "delete" // `del name`
  | "global" // `global name` (in a function: the module's binding is meant)
  | "nonlocal" // `nonlocal name` (an enclosing function's binding is meant)
  | "star-import" // `from m import *` (only names the model knows `m` to export)
  | "builtin";

export interface Binding {
  name: string;
  kind: BindingKind;
  /** The node that names it (the target identifier, the import's alias or name, the parameter) or, for imports, the statement. */
  node: SyntaxNode;
  scope: Scope;
  /** A plain `name = value` (also `name: T = value` and each target of `a = b = value`): the value. */
  value?: SyntaxNode;
  /**
   * Where the binding starts to hold: the end of its assignment or `:=` (so `m = m.child` reads the old
   * `m`), the end of a `with … as` or `except … as` target, the start of the function for a parameter,
   * else where the name is written.
   */
  holdsFrom: number;
  /**
   * What the statement shows the name is given: `value` for a plain assignment, and also the matching
   * item of `a, b = x, y`, the context manager of `with cm as name` (what `__enter__` is called on), the
   * value of `(name := value)`. Undefined when the statement does not show it (`for`, a parameter).
   */
  holds?: SyntaxNode;
  /** The statement is directly in its scope's body (not inside an `if`, `for`, `try`, ... block). */
  direct: boolean;
  /** Imports and `importorskip`: the qualified name bound (`numpy`, `unittest.mock.patch`). */
  qualified?: string;
  /** Bound to a module for certain (`import a`, `importorskip`), not to what a from-import names. */
  isModule?: boolean;
}

export type ScopeKind = "module" | "class" | "function" | "lambda" | "comprehension";

/** `from m import *` (absolute): the module, the statement, whether it is directly in its scope's body. */
export interface StarImport {
  module: string;
  node: SyntaxNode;
  direct: boolean;
}

const NONE: readonly never[] = [];

export class Scope {
  // Allocated on first write: `scopeAt` makes a scope for every definition of a file, most never asked for a name.
  private table: Map<string, Binding[]> | undefined;
  private defs: SyntaxNode[] | undefined;
  private stars: StarImport[] | undefined;
  /** Fills the table on first use (a scope found by `scopeAt` may never be asked for a name). */
  private pending: (() => void) | undefined;
  /**
   * The function, class or module scope around this one, lambdas and comprehensions skipped (set for
   * the function and class scopes of `SemanticModel.scopeAt`, undefined for the module).
   */
  parent: Scope | undefined;
  /** The model's function or class this scope is the body of (set with `parent`). */
  fn: FunctionInfo | undefined;
  cls: ClassInfo | undefined;

  constructor(
    readonly kind: ScopeKind,
    /** The function, class, lambda or comprehension node; undefined for the module. */
    readonly node: SyntaxNode | undefined,
    fill?: () => void,
  ) {
    this.pending = fill;
  }

  /** Whether the table was built (or never needed building). */
  get isFilled(): boolean {
    return this.pending === undefined;
  }

  private filled(): this {
    const fill = this.pending;
    if (fill) {
      this.pending = undefined;
      fill();
    }
    return this;
  }

  /** Function and class definitions directly in this scope (their own scopes are built when asked for). */
  get definitions(): readonly SyntaxNode[] {
    return this.filled().defs ?? NONE;
  }

  /** `from m import *` statements (absolute ones), in document order. */
  get starImports(): readonly StarImport[] {
    return this.filled().stars ?? NONE;
  }

  /** Every binding of a name in this scope, in document order. */
  bindingsOf(name: string): readonly Binding[] {
    return this.filled().table?.get(name) ?? NONE;
  }

  has(name: string): boolean {
    return this.filled().table?.has(name) ?? false;
  }

  names(): IterableIterator<string> {
    return (this.filled().table ?? new Map<string, Binding[]>()).keys();
  }

  addStarImport(star: StarImport): void {
    (this.stars ??= []).push(star);
  }

  addDefinition(node: SyntaxNode): void {
    (this.defs ??= []).push(node);
  }

  add(binding: Omit<Binding, "scope" | "direct" | "holdsFrom"> & { direct?: boolean; holdsFrom?: number }): void {
    const full: Binding = { ...binding, direct: binding.direct ?? false, holdsFrom: binding.holdsFrom ?? binding.node.startIndex, scope: this };
    const table = (this.table ??= new Map<string, Binding[]>());
    const list = table.get(binding.name);
    if (list) list.push(full);
    else table.set(binding.name, [full]);
  }
}

/** Nodes whose body is a scope of its own: a name bound in there is not bound around it. */
const SCOPE_TYPES = new Set(["function_definition", "lambda", "class_definition"]);
const COMPREHENSION_TYPES = new Set(["list_comprehension", "set_comprehension", "dictionary_comprehension", "generator_expression"]);
/** Statements that hold statements: a scope's walk descends into these (not into definitions, not into expressions). */
const BLOCKS = new Set([
  "block", "decorated_definition", "if_statement", "elif_clause", "else_clause", "for_statement", "while_statement", "try_statement",
  "except_clause", "except_group_clause", "finally_clause", "with_statement", "match_statement", "case_clause", "ERROR",
]);

/** The identifiers a target binds: `a`, `a, b`, `(a, [b, *c])`; an attribute or subscript target binds no name. */
export function targetIdentifiers(target: SyntaxNode | null | undefined): SyntaxNode[] {
  if (!target) return [];
  switch (target.type) {
    case "identifier":
      return [target];
    case "pattern_list":
    case "tuple_pattern":
    case "list_pattern":
    case "tuple":
    case "list":
    case "expression_list":
    case "list_splat_pattern":
    case "parenthesized_expression":
    case "as_pattern_target":
      return target.namedChildren.flatMap((c) => targetIdentifiers(c));
    default:
      return [];
  }
}

/** Each name a parameter list binds, `*args` and `**kwargs` included (not names in defaults or annotations). */
export function parameterIdentifiers(params: SyntaxNode | null): SyntaxNode[] {
  const names: SyntaxNode[] = [];
  if (!params) return names;
  for (const p of params.namedChildren) {
    if (p.type === "identifier") names.push(p);
    else if (p.type === "default_parameter" || p.type === "typed_default_parameter") {
      const n = p.childForFieldName("name");
      if (n) names.push(n);
    } else if (p.type === "typed_parameter" || p.type === "list_splat_pattern" || p.type === "dictionary_splat_pattern") {
      const first = p.namedChildren.find((c) => c.type === "identifier" || c.type === "list_splat_pattern" || c.type === "dictionary_splat_pattern");
      if (first?.type === "identifier") names.push(first);
      else if (first) names.push(...first.namedChildren.filter((c) => c.type === "identifier"));
    }
  }
  return names;
}

/**
 * The scope node a node's names are looked up in first: the nearest function or lambda whose body
 * holds it, or class whose body holds it. A parameter default or a decorator belongs to the enclosing
 * scope. Undefined at module level. Comprehensions are not counted here (see `scopeChain`).
 */
export function enclosingScopeNode(node: SyntaxNode): SyntaxNode | undefined {
  let child = node;
  for (let cur = node.parent; cur; child = cur, cur = cur.parent) {
    if (!SCOPE_TYPES.has(cur.type)) continue;
    const body = cur.childForFieldName("body");
    if (body && body.startIndex === child.startIndex && body.endIndex === child.endIndex) return cur;
  }
  return undefined;
}

const SEMANTIC = Symbol("semantic");

/** The semantic model of one file, cached on its model (see `attached`). */
export function semanticOf(model: ModuleModel): SemanticModel {
  return attached(model, SEMANTIC, () => new SemanticModel(model));
}

/** Where a function or class is in the text, for `scopeAt`. */
interface DefinitionSpan {
  start: number;
  end: number;
  /** Where its body starts: an offset before it (parameters, defaults, bases) is in the scope around it. */
  bodyStart: number;
  scope: Scope;
  parent: DefinitionSpan | undefined;
}

interface Walrus {
  nameNode: SyntaxNode;
  value: SyntaxNode | null;
  /** Where the expression ends: the name holds its value from there. */
  end: number;
  /** The start of the scope node it binds in; -1 for the module. */
  scopeStart: number;
}

export class SemanticModel {
  private module: Scope | undefined;
  /** Function, class and lambda scopes by their node's start offset. */
  private readonly scopes = new Map<number, Scope>();
  private walruses: Walrus[] | undefined;

  constructor(readonly model: ModuleModel) {}

  /** The module's scope: imports, definitions, assignments and other targets outside every definition, and `global` names. */
  moduleScope(): Scope {
    if (this.module) return this.module;
    const scope = new Scope("module", undefined, () => this.fillModule(scope));
    this.module = scope;
    return scope;
  }

  private fillModule(scope: Scope): void {
    const m = this.model;
    for (const node of m.moduleImports) this.bindImport(scope, node, node.parent?.type === "module");
    for (const { node, direct } of m.moduleBindingStatements) this.bindStatement(scope, node, direct);
    for (const fn of m.functions) if (!fn.cls && !fn.parentFunction) scope.add({ name: fn.name, kind: "definition", node: fn.nameNode });
    for (const cls of m.classes) if (!cls.parentClass && !cls.inFunction) scope.add({ name: cls.name, kind: "definition", node: cls.nameNode });
    for (const statement of m.globalStatements) {
      for (const id of statement.namedChildren) if (id.type === "identifier") scope.add({ name: id.text, kind: "global", node: id });
    }
    this.bindWalruses(scope, -1);
  }

  /** The scope of a function, class or lambda node (its table built on first use); `known`: its kind, when the caller knows it (not read from the parser). */
  scopeOf(node: SyntaxNode, known?: "function" | "class"): Scope {
    const start = node.startIndex;
    const existing = this.scopes.get(start);
    if (existing) return existing;
    const kind = known ?? (node.type === "class_definition" ? "class" : node.type === "lambda" ? "lambda" : "function");
    const scope: Scope = new Scope(kind, node, () => this.fillDefinition(scope, node, start));
    this.scopes.set(start, scope);
    return scope;
  }

  private fillDefinition(scope: Scope, node: SyntaxNode, start: number): void {
    const kind = scope.kind;
    if (kind !== "class") for (const id of parameterIdentifiers(node.childForFieldName("parameters"))) scope.add({ name: id.text, kind: "parameter", node: id, holdsFrom: start });
    if (kind !== "lambda") {
      const body = node.childForFieldName("body");
      if (body) this.walkBlock(scope, body);
    }
    this.bindWalruses(scope, start);
  }

  /**
   * `scope.bindingsOf(name)` for a function or class scope, without building its whole table: the
   * same walk, but only the statements whose text holds the name as a word (`occurrences`: the sorted
   * offsets of the file where it is written, not inside a longer word) are read or entered, as only
   * they can bind it. The same bindings, in the same order, with the same `scope`.
   */
  bindingsNamed(scope: Scope, name: string, occurrences: readonly number[]): readonly Binding[] {
    const node = scope.node;
    if (scope.isFilled || !node || (scope.kind !== "function" && scope.kind !== "class")) return scope.bindingsOf(name);
    const holds = (start: number, end: number) => anyOffsetWithin(occurrences, start, end);
    const collector = new Scope(scope.kind, node);
    const start = node.startIndex;
    if (scope.kind === "function") {
      const params = node.childForFieldName("parameters");
      if (params && holds(params.startIndex, params.endIndex)) {
        for (const id of parameterIdentifiers(params)) if (id.text === name) collector.add({ name, kind: "parameter", node: id, holdsFrom: start });
      }
    }
    const body = node.childForFieldName("body");
    if (body) this.walkBlock(collector, body, holds);
    this.bindWalruses(collector, start);
    const found = collector.bindingsOf(name);
    for (const b of found) b.scope = scope;
    return found;
  }

  /** The scope of one of the model's functions or classes, with its `parent`, `fn` and `cls` set. */
  definitionScope(info: FunctionInfo | ClassInfo): Scope {
    this.definitionIndex();
    return this.scopeOf(info.node);
  }

  /**
   * The function or class scope whose body holds an offset (the module's outside every body): a def's
   * decorators, parameters, defaults and bases are in the scope around it. Lambdas and comprehensions
   * are not counted. By binary search over the model's definitions: no node is asked for.
   */
  scopeAt(offset: number): Scope {
    const span = innermostHolding(this.definitionIndex(), offset, (d) => offset < d.end && offset >= d.bodyStart);
    return span ? span.scope : this.moduleScope();
  }

  private spans: DefinitionSpan[] | undefined;

  /** The model's functions and classes in document order (outer first), each with its scope and the one around it. */
  private definitionIndex(): DefinitionSpan[] {
    if (this.spans) return this.spans;
    const module = this.moduleScope();
    const byInfo = new Map<FunctionInfo | ClassInfo, DefinitionSpan>();
    this.spans = this.model.definitionsInOrder.map((info) => {
      const fn = "params" in info ? info : undefined;
      const cls = fn ? undefined : (info as ClassInfo);
      const parent = info.outer && byInfo.get(info.outer);
      const scope = this.withInfo(this.scopeOf(info.node, fn ? "function" : "class"), fn, cls);
      scope.parent = parent?.scope ?? module;
      const span: DefinitionSpan = { start: info.start, end: info.end, bodyStart: info.body.startIndex, scope, parent };
      byInfo.set(info, span);
      return span;
    });
    return this.spans;
  }

  private withInfo(scope: Scope, fn: FunctionInfo | undefined, cls: ClassInfo | undefined): Scope {
    scope.fn = fn;
    scope.cls = cls;
    return scope;
  }

  /**
   * The scopes a node's names are looked up in, innermost first, the module last: comprehensions,
   * lambdas, functions, and classes only where the node is in the class's own body (not in a method).
   */
  scopeChain(node: SyntaxNode): Scope[] {
    const chain: Scope[] = [];
    let passedFunction = false;
    let child = node;
    for (let cur = node.parent; cur; child = cur, cur = cur.parent) {
      if (COMPREHENSION_TYPES.has(cur.type)) {
        chain.push(comprehensionScope(cur));
        continue;
      }
      if (!SCOPE_TYPES.has(cur.type)) continue;
      const body = cur.childForFieldName("body");
      if (!body || body.startIndex !== child.startIndex || body.endIndex !== child.endIndex) continue;
      if (cur.type === "class_definition") {
        if (!passedFunction) chain.push(this.scopeOf(cur));
        continue;
      }
      passedFunction = true;
      chain.push(this.scopeOf(cur));
    }
    chain.push(this.moduleScope());
    return chain;
  }

  /**
   * The binding an identifier refers to: in the innermost scope that binds the name (`global` and
   * `nonlocal` followed). In the scope of the use itself, the last binding before it (the first one if
   * none comes before); in an enclosing scope, its last binding (a function body runs after the code
   * around it). Builtins and names a star import is known to bind come last. Undefined when nothing binds it.
   */
  bindingFor(identifier: SyntaxNode): Binding | undefined {
    return this.lookup(identifier.text, identifier.startIndex, this.scopeChain(identifier));
  }

  /** The binding visible for `name` at a position of the file (see `bindingFor`). */
  bindingAt(name: string, offset: number): Binding | undefined {
    const node = this.model.tree.rootNode.descendantForIndex(offset, offset);
    return this.lookup(name, offset, this.scopeChain(node));
  }

  private lookup(name: string, offset: number, chain: Scope[]): Binding | undefined {
    let followGlobal = false;
    for (let i = 0; i < chain.length; i++) {
      const scope = chain[i] as Scope;
      if (followGlobal && scope.kind !== "module") continue;
      const bindings = scope.bindingsOf(name);
      if (bindings.length === 0) continue;
      const declared = scope.kind !== "module" ? bindings.find((b) => b.kind === "global" || b.kind === "nonlocal") : undefined;
      if (declared?.kind === "global") {
        followGlobal = true;
        continue;
      }
      if (declared?.kind === "nonlocal") continue;
      if (i > 0) return bindings[bindings.length - 1];
      let visible = bindings[0];
      for (const b of bindings) if (b.node.startIndex <= offset) visible = b;
      return visible;
    }
    return this.implicitBinding(name);
  }

  /** What binds a name no scope binds: a star import known to export it, or a builtin. */
  private implicitBinding(name: string): Binding | undefined {
    const module = this.moduleScope();
    const root = this.model.tree.rootNode;
    for (const { module: from } of module.starImports) {
      if (STAR_EXPORTS[from]?.includes(name)) return { name, kind: "star-import", node: root, scope: module, direct: false, holdsFrom: 0, qualified: `${from}.${name}` };
    }
    if (BUILTINS.has(name)) return { name, kind: "builtin", node: root, scope: module, direct: false, holdsFrom: 0, qualified: `builtins.${name}` };
    return undefined;
  }

  /**
   * Every binding of a name in a scope and in the function and class scopes nested in it (parameters
   * of nested functions excepted: they never rebind the outer name). Constant evaluation asks this:
   * a name bound again anywhere below is not trusted to hold one value.
   */
  bindingsWithin(scope: Scope, name: string): Binding[] {
    const found = [...scope.bindingsOf(name)];
    for (const def of scope.definitions) {
      for (const b of this.bindingsWithin(this.scopeOf(def), name)) if (b.kind !== "parameter" || b.scope.node !== def) found.push(b);
    }
    return found;
  }

  /** `holds`: when given, a statement whose span it rejects is neither read nor entered (see `bindingsNamed`). */
  private walkBlock(scope: Scope, block: SyntaxNode, holds?: (start: number, end: number) => boolean): void {
    const cursor = block.walk();
    let depth = 0;
    // `block` is the scope's body: its statements are direct.
    if (!cursor.gotoFirstChild()) return;
    depth = 1;
    for (;;) {
      if (holds && !holds(cursor.startIndex, cursor.endIndex)) {
        while (!cursor.gotoNextSibling()) {
          if (!cursor.gotoParent() || --depth === 0) return;
        }
        continue;
      }
      const type = cursor.nodeType;
      if (type === "function_definition" || type === "class_definition") {
        const def = cursor.currentNode;
        scope.addDefinition(def);
        const name = def.childForFieldName("name");
        if (name) scope.add({ name: name.text, kind: "definition", node: name, direct: depth === 1 });
      } else if (type === "import_statement" || type === "import_from_statement") {
        this.bindImport(scope, cursor.currentNode, depth === 1);
      } else if (STATEMENT_BINDERS.has(type)) {
        this.bindStatement(scope, cursor.currentNode, depth === 1);
      }
      if (BLOCKS.has(type) && cursor.gotoFirstChild()) {
        // A compound statement's own block is not direct in the scope.
        depth++;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent() || --depth === 0) return;
      }
    }
  }

  /** The names one statement binds (not imports, not definitions: those come from elsewhere). */
  private bindStatement(scope: Scope, statement: SyntaxNode, direct: boolean): void {
    switch (statement.type) {
      case "expression_statement": {
        const expr = statement.namedChild(0);
        if (expr?.type === "assignment") this.bindAssignment(scope, expr, direct);
        else if (expr?.type === "augmented_assignment") {
          for (const id of targetIdentifiers(expr.childForFieldName("left"))) scope.add({ name: id.text, kind: "augmented-assignment", node: id, direct });
        }
        return;
      }
      case "for_statement":
        for (const id of targetIdentifiers(statement.childForFieldName("left"))) scope.add({ name: id.text, kind: "for", node: id, direct });
        return;
      case "with_statement": {
        const clause = statement.namedChildren.find((c) => c.type === "with_clause");
        for (const item of clause?.namedChildren ?? []) {
          const value = item.type === "with_item" ? item.childForFieldName("value") : null;
          if (value?.type !== "as_pattern") continue;
          const alias = value.childForFieldName("alias");
          const manager = value.namedChildren.find((c) => c.type !== "comment" && c.type !== "as_pattern_target");
          const holdsFrom = alias?.endIndex;
          const ids = targetIdentifiers(alias);
          // `as name` holds what the manager's `__enter__` gives; `as (a, b)` unpacks it.
          const single = ids.length === 1 && ids[0]?.parent?.type === "as_pattern_target";
          for (const id of ids) scope.add({ name: id.text, kind: "with", node: id, direct, holdsFrom, ...(manager && single ? { holds: manager } : {}) });
        }
        return;
      }
      case "except_clause":
      case "except_group_clause": {
        const value = statement.childForFieldName("value") ?? statement.namedChildren.find((c) => c.type === "as_pattern");
        if (value?.type !== "as_pattern") return;
        const alias = value.childForFieldName("alias");
        for (const id of targetIdentifiers(alias)) scope.add({ name: id.text, kind: "except", node: id, direct: false, holdsFrom: alias?.endIndex });
        return;
      }
      case "delete_statement":
        for (const child of statement.namedChildren) for (const id of targetIdentifiers(child)) scope.add({ name: id.text, kind: "delete", node: id, direct });
        return;
      case "global_statement":
      case "nonlocal_statement": {
        const kind = statement.type === "global_statement" ? "global" : "nonlocal";
        for (const id of statement.namedChildren) if (id.type === "identifier") scope.add({ name: id.text, kind, node: id, direct });
        return;
      }
    }
  }

  private bindAssignment(scope: Scope, assignment: SyntaxNode, direct: boolean): void {
    // `a = b = value`: every target takes the innermost value (each assignment's right side read once).
    const chain: SyntaxNode[] = [];
    let value: SyntaxNode | null = assignment;
    while (value?.type === "assignment") {
      chain.push(value);
      value = value.childForFieldName("right");
    }
    const skipped = value ? this.importorskipModule(value) : undefined;
    const holdsFrom = assignment.endIndex;
    const given = value ? { value, holds: value } : {};
    for (const cur of chain) {
      const left = cur.childForFieldName("left");
      if (left?.type === "identifier") {
        if (skipped !== undefined) scope.add({ name: left.text, kind: "importorskip", node: left, direct, holdsFrom, qualified: skipped, isModule: true, ...given });
        else scope.add({ name: left.text, kind: "assignment", node: left, direct, holdsFrom, ...given });
        continue;
      }
      const items = value && UNPACKED_TARGETS.has(left?.type ?? "") ? unpackedPairs(left as SyntaxNode, value) : undefined;
      for (const id of targetIdentifiers(left)) {
        const item = items?.get(id.startIndex);
        scope.add({ name: id.text, kind: "assignment", node: id, direct, holdsFrom, ...(item ? { holds: item } : {}) });
      }
    }
  }

  /** `pytest.importorskip("numpy")` (with a literal module name) returns that module. */
  private importorskipModule(value: SyntaxNode): string | undefined {
    if (!this.model.hints.importorskip || value.type !== "call") return undefined;
    if (this.model.resolver.resolve(value.childForFieldName("function")) !== "pytest.importorskip") return undefined;
    const args = callArguments(value);
    return stringValue(args.positional[0] ?? args.keywords.get("modname"));
  }

  private bindImport(scope: Scope, node: SyntaxNode, direct: boolean): void {
    if (node.type === "import_statement") {
      for (const child of node.namedChildren) {
        if (child.type === "dotted_name") {
          const root = child.text.split(".")[0] ?? child.text;
          scope.add({ name: root, kind: "import", node: child, direct, qualified: root, isModule: true });
        } else if (child.type === "aliased_import") {
          const target = child.childForFieldName("name");
          const alias = child.childForFieldName("alias");
          if (target && alias) scope.add({ name: alias.text, kind: "import", node: alias, direct, qualified: target.text, isModule: true });
        }
      }
      return;
    }
    const moduleNode = node.childForFieldName("module_name");
    if (!moduleNode) return;
    const module = moduleNode.text;
    // Relative imports name the project's own modules: bound, never resolved.
    const qualify = (name: string) => (module.startsWith(".") ? undefined : `${module}.${name}`);
    for (const child of node.namedChildren) {
      if (child.startIndex === moduleNode.startIndex) continue;
      if (child.type === "wildcard_import") {
        if (!module.startsWith(".")) scope.addStarImport({ module, node, direct });
      } else if (child.type === "dotted_name") {
        const qualified = qualify(child.text);
        scope.add({ name: child.text, kind: "from-import", node: child, direct, ...(qualified ? { qualified } : {}) });
      } else if (child.type === "aliased_import") {
        const target = child.childForFieldName("name");
        const alias = child.childForFieldName("alias");
        const qualified = target ? qualify(target.text) : undefined;
        if (alias) scope.add({ name: alias.text, kind: "from-import", node: alias, direct, ...(qualified ? { qualified } : {}) });
      }
    }
  }

  /** Assignment expressions bind in the nearest function, lambda or class around them (comprehensions do not count), or the module. */
  private bindWalruses(scope: Scope, scopeStart: number): void {
    if (!this.model.hints.walrus) return;
    this.walruses ??= this.findWalruses();
    for (const w of this.walruses) {
      if (w.scopeStart === scopeStart) scope.add({ name: w.nameNode.text, kind: "walrus", node: w.nameNode, holdsFrom: w.end, ...(w.value ? { holds: w.value } : {}) });
    }
  }

  private findWalruses(): Walrus[] {
    const found: Walrus[] = [];
    const root = this.model.tree.rootNode;
    const text = root.text;
    for (let at = text.indexOf(":="); at !== -1; at = text.indexOf(":=", at + 2)) {
      const op = root.descendantForIndex(at, at + 2);
      const expr = op.type === "named_expression" ? op : op.parent;
      if (expr?.type !== "named_expression") continue;
      const name = expr.childForFieldName("name");
      if (name?.type !== "identifier") continue;
      found.push({ nameNode: name, value: expr.childForFieldName("value"), end: expr.endIndex, scopeStart: enclosingScopeNode(expr)?.startIndex ?? -1 });
    }
    return found;
  }
}

/** Statement types whose targets bind names in a function's or class's walk (imports and definitions aside). */
const STATEMENT_BINDERS = new Set(["expression_statement", "for_statement", "with_statement", "except_clause", "except_group_clause", "delete_statement", "global_statement", "nonlocal_statement"]);

const UNPACKED_TARGETS = new Set(["pattern_list", "tuple_pattern", "list_pattern"]);
const VALUE_LISTS = new Set(["expression_list", "tuple", "list"]);

/**
 * `a, b = x, y` (one level, as many values as targets): each target name's start → its value. A target
 * that is not a name (`*rest`, a nested list) takes nothing, nor does any target when the counts differ.
 */
function unpackedPairs(targets: SyntaxNode, value: SyntaxNode): Map<number, SyntaxNode> | undefined {
  if (!VALUE_LISTS.has(value.type)) return undefined;
  const names = targets.namedChildren.filter((c) => c.type !== "comment");
  const values = value.namedChildren.filter((c) => c.type !== "comment");
  if (names.length !== values.length) return undefined;
  const pairs = new Map<number, SyntaxNode>();
  names.forEach((n, i) => {
    if (n.type === "identifier") pairs.set(n.startIndex, values[i] as SyntaxNode);
  });
  return pairs;
}

/** A comprehension's own scope: the targets of its `for ... in` clauses. */
function comprehensionScope(node: SyntaxNode): Scope {
  const scope = new Scope("comprehension", node);
  for (const clause of node.namedChildren) {
    if (clause.type !== "for_in_clause") continue;
    for (const id of targetIdentifiers(clause.childForFieldName("left"))) scope.add({ name: id.text, kind: "for", node: id });
  }
  return scope;
}
