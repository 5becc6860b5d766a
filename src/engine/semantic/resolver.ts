import type { SyntaxNode } from "../parser.js";

/** Names that resolve to themselves when nothing in the file binds them. */
export const BUILTINS: ReadonlySet<string> = new Set([
  "open", "range", "list", "tuple", "set", "frozenset", "dict", "sorted", "sum", "any", "all", "min", "max",
  "len", "int", "float", "str", "bytes", "bytearray", "object", "super", "type", "isinstance", "print", "iter", "map", "zip",
]);

/** Fixture names of pytest-mock: `mocker.MagicMock` is a MagicMock wherever `mocker` is not bound otherwise. */
export const MOCKER_FIXTURES = new Set(["mocker", "class_mocker", "module_mocker", "session_mocker"]);

/** Modules whose public names a star import may bind, so `from unittest.mock import *` still resolves. */
export const STAR_EXPORTS: Readonly<Record<string, readonly string[]>> = {
  "unittest.mock": ["Mock", "MagicMock", "AsyncMock", "NonCallableMock", "NonCallableMagicMock", "patch", "create_autospec", "call", "ANY", "sentinel", "PropertyMock", "mock_open"],
  mock: ["Mock", "MagicMock", "AsyncMock", "NonCallableMock", "NonCallableMagicMock", "patch", "create_autospec", "call", "ANY", "sentinel", "PropertyMock", "mock_open"],
  pytest: ["fixture", "mark", "param", "raises", "fail", "skip"],
};

/**
 * Resolves names and dotted attribute chains to fully qualified names through the file's imports,
 * e.g. `MM` → `unittest.mock.MagicMock` after `from unittest.mock import MagicMock as MM`.
 * A name bound by anything but an import (a local class, a def, an assignment) resolves to nothing.
 *
 * `resolve(node)` is the one scope-aware path: the function and class scopes around the node first
 * (`LocalNames`, set by the model once its definitions are known), then the module, then star imports,
 * pytest-mock's fixtures and builtins (`resolveAt(text, offset)` is the same for a name read from the
 * text). `resolveName(name)` knows no position: module level, else an import in any function.
 */
export class Resolver {
  /** Module-level bindings, last one wins; `null` marks a local (non-import) binding. */
  private readonly module = new Map<string, string | null>();
  /** Imports inside functions and classes, used when the module binds no such name. */
  private readonly nested = new Map<string, string>();
  private readonly starModules: string[] = [];
  /** Names bound to a module for certain (`import a.b`, `import a as b`, `b = pytest.importorskip("a")`), module level and nested. */
  private readonly moduleBindings = new Set<string>();
  private readonly nestedModuleBindings = new Set<string>();
  /**
   * Local names some import (at any level, shadowed or not) or module-level alias binds to a mock class,
   * `create_autospec` or the `patch` family: only these can resolve to one, star imports and fallbacks aside.
   */
  private readonly mockApiLocals = new Set<string>();
  /** What the scopes around an offset bind a name to (see `LocalNames.lookup`); unset while the model is built. */
  private local: ((name: string, offset: number) => string | null | undefined) | undefined;

  useLocalScopes(lookup: (name: string, offset: number) => string | null | undefined): void {
    this.local = lookup;
  }

  /** `isModule`: the name is bound to a module for certain (an `import` statement), not to what a `from`-import names. */
  bindImport(local: string, qualified: string, moduleLevel: boolean, isModule = false): void {
    if (mockConstructorName(qualified) !== undefined || patchName(qualified) !== undefined) this.mockApiLocals.add(local);
    if (moduleLevel) {
      this.module.set(local, qualified);
      if (isModule) this.moduleBindings.add(local);
      else this.moduleBindings.delete(local);
    } else if (!this.nested.has(local)) {
      this.nested.set(local, qualified);
      if (isModule) this.nestedModuleBindings.add(local);
    }
  }

  bindLocal(local: string): void {
    this.module.set(local, null);
    this.moduleBindings.delete(local);
  }

  /**
   * The local names an import or a module-level alias binds to a mock class, `create_autospec` or a
   * `patch`: every name but the star imports' that `resolveAt` can resolve to one of these (a function's
   * own import is one the model bound here too, even where another import of the name came first).
   */
  namesBoundToMockApi(): ReadonlySet<string> {
    return this.mockApiLocals;
  }

  /** True when the name is bound to a module for certain (by `import`, or `pytest.importorskip`). */
  bindsModule(name: string): boolean {
    if (this.module.has(name)) return this.moduleBindings.has(name);
    return this.nestedModuleBindings.has(name);
  }

  addStarImport(module: string): void {
    this.starModules.push(module);
  }

  /** True when the module binds this name at module level (by import or otherwise). */
  bindsAtModuleLevel(name: string): boolean {
    return this.module.has(name);
  }

  resolveName(name: string): string | undefined {
    const nested = this.module.has(name) ? undefined : this.nested.get(name);
    return nested ?? this.resolveAtModuleLevel(name);
  }

  /** The module's binding of a name, else what a star import, pytest-mock or the builtins bind. */
  private resolveAtModuleLevel(name: string): string | undefined {
    const bound = this.module.get(name);
    if (bound !== undefined) return bound ?? undefined;
    for (const mod of this.starModules) if (STAR_EXPORTS[mod]?.includes(name)) return `${mod}.${name}`;
    if (MOCKER_FIXTURES.has(name)) return `pytest_mock.${name}`;
    if (BUILTINS.has(name)) return `builtins.${name}`;
    return undefined;
  }

  /** The local names that resolve to `module` or to something inside it (imports at any level, star imports included). */
  namesBoundTo(module: string): Set<string> {
    const inside = (q: string | null | undefined) => q === module || (q?.startsWith(`${module}.`) ?? false);
    const names = new Set<string>();
    for (const [local, q] of this.module) if (inside(q)) names.add(local);
    for (const [local, q] of this.nested) if (!this.module.has(local) && inside(q)) names.add(local);
    for (const mod of this.starModules) if (inside(mod)) for (const name of STAR_EXPORTS[mod] ?? []) if (!this.module.has(name)) names.add(name);
    return names;
  }

  /** Resolves an identifier or an attribute chain of identifiers where it is; anything else resolves to nothing. */
  resolve(node: SyntaxNode | null | undefined): string | undefined {
    if (!node) return undefined;
    const text = dottedText(node);
    return text === undefined ? undefined : this.resolveAt(text, node.startIndex);
  }

  /** `resolve` for a dotted name written at an offset (`mock.patch.object`), when the text is known and the node is not at hand. */
  resolveAt(text: string, offset: number): string | undefined {
    const dot = text.indexOf(".");
    const root = dot === -1 ? text : text.slice(0, dot);
    const atModule = this.resolveAtModuleLevel(root);
    // The scopes around can only matter when the name resolves at module level (a local may shadow it) or some function or class imports it.
    if (atModule === undefined && !this.nested.has(root)) return undefined;
    const local = this.local?.(root, offset);
    const base = local === undefined ? atModule : (local ?? undefined);
    if (base === undefined) return undefined;
    return dot === -1 ? base : base + text.slice(dot);
  }
}

/** `a.b.c` for an identifier or a chain of attributes on identifiers (comments and spaces dropped). */
export function dottedText(node: SyntaxNode): string | undefined {
  if (node.type === "identifier") return node.text;
  if (node.type !== "attribute") return undefined;
  const parts: string[] = [];
  let cur: SyntaxNode | null = node;
  while (cur && cur.type === "attribute") {
    const attr = cur.childForFieldName("attribute");
    if (!attr) return undefined;
    parts.push(attr.text);
    cur = cur.childForFieldName("object");
  }
  if (!cur || cur.type !== "identifier") return undefined;
  parts.push(cur.text);
  return parts.reverse().join(".");
}

/** Canonical names of the mock family, whatever import form reached them. */
const MOCK_MODULE_PREFIXES = ["unittest.mock.", "mock.mock.", "mock.", "pytest_mock.mocker.", "pytest_mock.class_mocker.", "pytest_mock.module_mocker.", "pytest_mock.session_mocker."];

/** `unittest.mock.patch.object` → `patch.object`; undefined when the name is not from a mock module. */
export function mockApiName(qualified: string | undefined): string | undefined {
  if (!qualified) return undefined;
  for (const prefix of MOCK_MODULE_PREFIXES) if (qualified.startsWith(prefix)) return qualified.slice(prefix.length);
  if (qualified === "unittest.mock" || qualified === "mock") return "";
  return undefined;
}

export const MOCK_CLASSES = new Set(["Mock", "MagicMock", "AsyncMock", "NonCallableMock", "NonCallableMagicMock"]);

/** The mock class a call creates (`MagicMock`, …, or `create_autospec`), if the callee resolves to one. */
export function mockConstructorName(qualified: string | undefined): string | undefined {
  const api = mockApiName(qualified);
  if (api === undefined) return undefined;
  if (MOCK_CLASSES.has(api) || api === "create_autospec") return api;
  return undefined;
}

/** `patch`, `patch.object`, `patch.dict`, `patch.multiple` (also `mocker.patch*`), if the callee is one. */
export function patchName(qualified: string | undefined): string | undefined {
  const api = mockApiName(qualified);
  if (api === undefined) return undefined;
  if (api === "patch" || api.startsWith("patch.")) return api;
  return undefined;
}
