import type { SyntaxNode, Tree } from "./parser.js";
import { Resolver, dottedText } from "./semantic/resolver.js";
import { LocalNames } from "./semantic/local-names.js";
import { callArguments, isTrueLiteral, parameterNames, stringValue, statements } from "./syntax.js";

export interface ClassInfo {
  node: SyntaxNode;
  /** `node.startIndex`, read once. */
  start: number;
  /** `node.endIndex`, read once (each read of a node's end is a call into the parser). */
  end: number;
  name: string;
  nameNode: SyntaxNode;
  /** The decorated_definition wrapping the class, or the class itself. */
  outerNode: SyntaxNode;
  decorators: SyntaxNode[];
  /** Positional superclass expressions. */
  bases: SyntaxNode[];
  body: SyntaxNode;
  parentClass: ClassInfo | undefined;
  /** The function or class right around it (the nearest definition it is nested in). */
  outer: FunctionInfo | ClassInfo | undefined;
  /** Defined inside a function: never collected by pytest. */
  inFunction: boolean;
  methods: Map<string, FunctionInfo>;
  /** Class-level assignments `name = value`, by name. */
  attributes: Map<string, SyntaxNode>;
}

export interface FixtureInfo {
  /** The name tests request it by (`name=` honoured). */
  name: string;
  /** `function`, `class`, `module`, `package`, `session`, or undefined when not a literal. */
  scope: string | undefined;
  hasParams: boolean;
  autouse: boolean;
  decorator: SyntaxNode;
}

export interface FunctionInfo {
  node: SyntaxNode;
  /** `node.startIndex`, read once. */
  start: number;
  /** `node.endIndex`, read once (each read of a node's end is a call into the parser). */
  end: number;
  name: string;
  nameNode: SyntaxNode;
  outerNode: SyntaxNode;
  decorators: SyntaxNode[];
  params: string[];
  body: SyntaxNode;
  /** The class this is a method of. */
  cls: ClassInfo | undefined;
  parentFunction: FunctionInfo | undefined;
  /** The function or class right around it (the nearest definition it is nested in). */
  outer: FunctionInfo | ClassInfo | undefined;
  fixture: FixtureInfo | undefined;
}

/** An import statement as a rule listener gets it. */
export interface ImportStatement {
  node: SyntaxNode;
  /** Outside every class and function (inside a module-level `if` or `try` still counts). */
  moduleLevel: boolean;
}

/** What the walk met that rule listeners are given, by listener name (src/engine/rule.ts). */
export interface StatementEvents {
  import_statement: ImportStatement;
  import_from_statement: ImportStatement;
  class_definition: ClassInfo;
  function_definition: FunctionInfo;
}

export type StatementEvent = { [K in keyof StatementEvents]: { kind: K; value: StatementEvents[K] } }[keyof StatementEvents];

const FIXTURE_DECORATORS = new Set(["pytest.fixture", "pytest.yield_fixture", "pytest_asyncio.fixture"]);

/** Nodes that hold statements: the walk descends into these and nothing else (never into expressions). */
const STATEMENT_CONTAINERS = new Set([
  "module", "block", "class_definition", "function_definition", "decorated_definition", "if_statement", "elif_clause",
  "else_clause", "for_statement", "while_statement", "try_statement", "except_clause", "except_group_clause",
  "finally_clause", "with_statement", "match_statement", "case_clause", "ERROR",
]);
const DEFINITIONS: Record<string, string> = {
  import_statement: "import",
  import_from_statement: "import_from",
  class_definition: "class",
  function_definition: "function",
};

/**
 * Imports, classes, functions and module-level assignments in document order. A cursor walk over
 * statements only: a query would visit every expression node too, which costs about a third of the
 * parse on expression-heavy suites, where this visits a few percent of the nodes.
 */
function definitions(tree: Tree, text: string, hints: SourceHints): Definition[] {
  const found: Definition[] = [];
  const cursor = tree.walk();
  // The types of the containers the cursor is in: a definition's decorators are known without asking the parser for its parent.
  const containers: string[] = [];
  // Most files never call importorskip: their nested statements are not looked at (each look crosses into the native tree).
  const mayImportorskip = text.includes("importorskip");
  hints.importorskip = mayImportorskip;
  hints.walrus = text.includes(":=");
  hints.text = text;
  let depth = 0;
  // Function and class definitions the cursor is in: statements outside all of them bind module names.
  let definitionDepth = 0;
  for (;;) {
    const type = cursor.nodeType;
    const name = DEFINITIONS[type];
    if (name) found.push({ name, node: cursor.currentNode, decorated: containers[containers.length - 1] === "decorated_definition" });
    else if (depth === 1 && type === "expression_statement") {
      const statement = cursor.currentNode;
      found.push({ name: "module_binding", node: statement, decorated: true });
      const assignment = statement.namedChild(0);
      const left = assignment?.type === "assignment" ? assignment.childForFieldName("left") : null;
      const right = assignment?.childForFieldName("right");
      if (left?.type === "identifier" && right) found.push({ name: "assign_name", node: left }, { name: "assign_value", node: right });
    } else if (definitionDepth === 0 && MODULE_BINDING_STATEMENTS.has(type)) {
      found.push({ name: "module_binding", node: cursor.currentNode, decorated: depth === 1 });
    } else if (type === "global_statement") {
      found.push({ name: "global", node: cursor.currentNode });
    }
    if (mayImportorskip && depth > 1 && type === "expression_statement" && cursor.nodeText.includes("importorskip")) {
      // `np = pytest.importorskip("numpy")` inside a function binds a module there as an import would.
      const assignment = cursor.currentNode.namedChild(0);
      const left = assignment?.type === "assignment" ? assignment.childForFieldName("left") : null;
      const right = assignment?.childForFieldName("right");
      if (left?.type === "identifier" && right?.type === "call" && right.childForFieldName("function")?.text.endsWith("importorskip")) {
        found.push({ name: "assign_name", node: left }, { name: "nested_importorskip", node: right });
      }
    }
    if (STATEMENT_CONTAINERS.has(type) && cursor.gotoFirstChild()) {
      depth++;
      containers.push(type);
      if (type === "function_definition" || type === "class_definition") definitionDepth++;
      continue;
    }
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) return found;
      depth--;
      const left = containers.pop();
      if (left === "function_definition" || left === "class_definition") definitionDepth--;
    }
  }
}

interface Definition {
  name: string;
  node: SyntaxNode;
  /** A class or function whose parent is a decorated_definition; for a `module_binding`, a statement directly in the module. */
  decorated?: boolean;
}

/** What the file's text may hold, read once by the walk: most files have neither, and their lookups skip the search. */
export interface SourceHints {
  /** The file's text (UTF-16 offsets are the tree's). */
  text: string;
  importorskip: boolean;
  /** An assignment expression (`:=`), which binds a name inside an expression, where the walk does not look. */
  walrus: boolean;
}

/** A module-level statement that may bind names (outside every function and class), for the semantic model's module scope. */
export interface ModuleBindingStatement {
  node: SyntaxNode;
  /** Directly in the module (not inside an `if`, `try`, `for`, ... block). */
  direct: boolean;
}

/** Statements outside any definition whose targets bind module names (assignments are found as expression statements). */
const MODULE_BINDING_STATEMENTS = new Set(["expression_statement", "for_statement", "with_statement", "except_clause", "except_group_clause", "delete_statement"]);

/** What one file defines and imports: built once per file from one walk over its statements, shared by every rule. */
export class ModuleModel {
  readonly resolver = new Resolver();
  readonly classes: ClassInfo[] = [];
  readonly functions: FunctionInfo[] = [];
  /** Module-level functions and classes by name. */
  readonly topLevelClasses = new Map<string, ClassInfo>();
  readonly topLevelFunctions = new Map<string, FunctionInfo>();
  /** Module-level `import gc`-style bindings: local name → imported module. */
  readonly moduleImports: SyntaxNode[] = [];
  readonly moduleAssignments = new Map<string, SyntaxNode>();
  /** Imports, classes and functions in document order: the rule dispatcher feeds them to listeners, so no rule walks the statements again. */
  readonly events: StatementEvent[] = [];
  /** Functions and classes in document order (each after the one around it), as the walk met them. */
  readonly definitionsInOrder: (FunctionInfo | ClassInfo)[] = [];
  /** Statements at module level that may bind names (see the semantic model's scopes), in document order. */
  readonly moduleBindingStatements: ModuleBindingStatement[] = [];
  /** Every `global` statement of the file: each binds its names in the module scope too. */
  readonly globalStatements: SyntaxNode[] = [];
  readonly hints: SourceHints = { text: "", importorskip: false, walrus: false };

  /** `text`: the text the tree was parsed from, whole (the module node starts after any leading blank lines, so its own text would shift every offset). */
  constructor(
    readonly tree: Tree,
    text: string,
  ) {
    this.build(text);
  }

  private build(text: string): void {
    type Open = { end: number; cls?: ClassInfo; fn?: FunctionInfo };
    const stack: Open[] = [];
    const captures = definitions(this.tree, text, this.hints);
    let pendingAssignName: SyntaxNode | undefined;
    for (const { name, node, decorated } of captures) {
      if (name === "module_binding") {
        this.moduleBindingStatements.push({ node, direct: decorated === true });
        continue;
      }
      if (name === "global") {
        this.globalStatements.push(node);
        continue;
      }
      const start = node.startIndex;
      while (stack.length > 0 && (stack[stack.length - 1]?.end ?? 0) <= start) stack.pop();
      const enclosing = stack[stack.length - 1];
      const moduleLevel = enclosing === undefined;
      switch (name) {
        case "import":
        case "import_from":
          this.bindImports(node, moduleLevel);
          if (moduleLevel) this.moduleImports.push(node);
          this.events.push({ kind: name === "import" ? "import_statement" : "import_from_statement", value: { node, moduleLevel } });
          break;
        case "assign_name":
          pendingAssignName = node;
          break;

        case "assign_value":
          if (pendingAssignName) {
            const local = pendingAssignName.text;
            this.moduleAssignments.set(local, node);
            const skipped = this.importorskipModule(node);
            const aliased = dottedText(node) !== undefined ? this.resolver.resolve(node) : undefined;
            if (skipped !== undefined) this.resolver.bindImport(local, skipped, true, true);
            else if (aliased !== undefined) this.resolver.bindImport(local, aliased, true);
            else this.resolver.bindLocal(local);
            pendingAssignName = undefined;
          }
          break;
        case "nested_importorskip":
          if (pendingAssignName) {
            const skipped = this.importorskipModule(node);
            if (skipped !== undefined) this.resolver.bindImport(pendingAssignName.text, skipped, false, true);
            pendingAssignName = undefined;
          }
          break;
        case "class": {
          const info = this.classInfo(node, start, decorated === true, enclosing?.cls, stack.some((s) => s.fn));
          if (info) {
            info.outer = enclosing?.cls ?? enclosing?.fn;
            this.classes.push(info);
            this.definitionsInOrder.push(info);
            this.events.push({ kind: "class_definition", value: info });
            if (moduleLevel) {
              this.topLevelClasses.set(info.name, info);
              this.resolver.bindLocal(info.name);
            }
            stack.push({ end: info.end, cls: info });
          }
          break;
        }
        case "function": {
          const cls = enclosing?.cls;
          const parentFunction = enclosing?.fn;
          const info = this.functionInfo(node, start, decorated === true, cls, parentFunction);
          if (info) {
            info.outer = cls ?? parentFunction;
            this.functions.push(info);
            this.definitionsInOrder.push(info);
            this.events.push({ kind: "function_definition", value: info });
            if (cls) cls.methods.set(info.name, info);
            if (moduleLevel) {
              this.topLevelFunctions.set(info.name, info);
              this.resolver.bindLocal(info.name);
            }
            stack.push({ end: info.end, fn: info });
          }
          break;
        }
      }
    }
    const locals = new LocalNames(this);
    this.resolver.useLocalScopes((name, offset) => locals.lookup(name, offset));
    // Fixture decorators resolve through imports that may come later in the file.
    for (const fn of this.functions) fn.fixture = this.fixtureInfo(fn);
  }

  /** `pytest.importorskip("numpy")` (with a literal module name) returns that module. */
  private importorskipModule(value: SyntaxNode): string | undefined {
    if (value.type !== "call" || this.resolver.resolve(value.childForFieldName("function")) !== "pytest.importorskip") return undefined;
    const args = callArguments(value);
    return stringValue(args.positional[0] ?? args.keywords.get("modname"));
  }

  private bindImports(node: SyntaxNode, moduleLevel: boolean): void {
    const r = this.resolver;
    if (node.type === "import_statement") {
      for (const child of node.namedChildren) {
        if (child.type === "dotted_name") {
          const full = child.text;
          r.bindImport(full.split(".")[0] ?? full, full.split(".")[0] ?? full, moduleLevel, true);
        } else if (child.type === "aliased_import") {
          const target = child.childForFieldName("name")?.text;
          const alias = child.childForFieldName("alias")?.text;
          if (target && alias) r.bindImport(alias, target, moduleLevel, true);
        }
      }
      return;
    }
    const moduleNode = node.childForFieldName("module_name");
    if (!moduleNode) return;
    const module = moduleNode.text;
    if (module.startsWith(".")) return; // relative imports name the project's own modules: never resolved
    for (const child of node.namedChildren) {
      if (child.startIndex === moduleNode.startIndex) continue;
      if (child.type === "wildcard_import") r.addStarImport(module);
      else if (child.type === "dotted_name") r.bindImport(child.text, `${module}.${child.text}`, moduleLevel);
      else if (child.type === "aliased_import") {
        const target = child.childForFieldName("name")?.text;
        const alias = child.childForFieldName("alias")?.text;
        if (target && alias) r.bindImport(alias, `${module}.${target}`, moduleLevel);
      }
    }
  }

  private classInfo(node: SyntaxNode, start: number, decorated: boolean, parentClass: ClassInfo | undefined, inFunction: boolean): ClassInfo | undefined {
    const nameNode = node.childForFieldName("name");
    const body = node.childForFieldName("body");
    if (!nameNode || !body) return undefined;
    const { outerNode, decorators } = decoratorsOf(node, decorated);
    const bases: SyntaxNode[] = [];
    const superclasses = node.childForFieldName("superclasses");
    if (superclasses) {
      for (const arg of superclasses.namedChildren) {
        if (arg.type !== "keyword_argument" && arg.type !== "comment" && arg.type !== "list_splat" && arg.type !== "dictionary_splat") bases.push(arg);
      }
    }
    const attributes = new Map<string, SyntaxNode>();
    for (const stmt of statements(body)) {
      if (stmt.type !== "expression_statement") continue;
      const assign = stmt.namedChild(0);
      if (assign?.type !== "assignment") continue;
      const left = assign.childForFieldName("left");
      const right = assign.childForFieldName("right");
      if (left?.type === "identifier" && right) attributes.set(left.text, right);
    }
    return { node, start, end: node.endIndex, name: nameNode.text, nameNode, outerNode, decorators, bases, body, parentClass, outer: undefined, inFunction, methods: new Map(), attributes };
  }

  private functionInfo(node: SyntaxNode, start: number, decorated: boolean, cls: ClassInfo | undefined, parentFunction: FunctionInfo | undefined): FunctionInfo | undefined {
    const nameNode = node.childForFieldName("name");
    const body = node.childForFieldName("body");
    if (!nameNode || !body) return undefined;
    const { outerNode, decorators } = decoratorsOf(node, decorated);
    const params = parameterNames(node.childForFieldName("parameters"));
    return { node, start, end: node.endIndex, name: nameNode.text, nameNode, outerNode, decorators, params, body, cls, parentFunction, outer: undefined, fixture: undefined };
  }

  private fixtureInfo(fn: FunctionInfo): FixtureInfo | undefined {
    for (const decorator of fn.decorators) {
      const isCall = decorator.type === "call";
      const callee = isCall ? decorator.childForFieldName("function") : decorator;
      if (!FIXTURE_DECORATORS.has(this.resolver.resolve(callee) ?? "")) continue;
      const info: FixtureInfo = { name: fn.name, scope: "function", hasParams: false, autouse: false, decorator };
      if (isCall) {
        const args = callArguments(decorator);
        const scope = args.keywords.get("scope") ?? (args.positional[0] && args.positional[0].type === "string" ? args.positional[0] : undefined);
        if (scope) info.scope = stringValue(scope);
        else if (args.hasSplat) info.scope = undefined;
        info.hasParams = args.keywords.has("params");
        info.autouse = isTrueLiteral(args.keywords.get("autouse"));
        const alias = stringValue(args.keywords.get("name"));
        if (alias) info.name = alias;
      }
      return info;
    }
    return undefined;
  }
}

function decoratorsOf(node: SyntaxNode, decorated: boolean): { outerNode: SyntaxNode; decorators: SyntaxNode[] } {
  const parent = decorated ? node.parent : null;
  if (!parent) return { outerNode: node, decorators: [] };
  const decorators: SyntaxNode[] = [];
  for (const child of parent.namedChildren) {
    if (child.type === "decorator") {
      const expr = child.namedChildren.find((c) => c.type !== "comment");
      if (expr) decorators.push(expr);
    }
  }
  return { outerNode: parent, decorators };
}

/**
 * In a list sorted by `start` whose items nest (each holds the ones after it that start before its end),
 * the innermost item holding `offset` by `inside`: a binary search for the last one starting at or before
 * the offset, then out through `parent`.
 */
export function innermostHolding<T extends { start: number; parent: T | undefined }>(sorted: readonly T[], offset: number, inside: (item: T) => boolean): T | undefined {
  let lo = 0;
  let hi = sorted.length - 1;
  let last = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as T).start <= offset) {
      last = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  for (let item = sorted[last]; item; item = item.parent) if (inside(item)) return item;
  return undefined;
}
