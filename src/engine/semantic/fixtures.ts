import { allSources, markSourcesOf } from "./marks.js";
import { attached } from "../attached.js";
import type { Collection } from "../collection.js";
import type { ClassInfo, FunctionInfo } from "../model.js";
import type { SyntaxNode } from "../parser.js";
import type { Project } from "../project.js";
import type { ConftestSummary, SummaryFixture } from "../conftest-summary.js";
import type { FileContext } from "../rule.js";
import { listElements, stringValue } from "../syntax.js";

/**
 * The fixture model shared by MEM301–MEM306: the fixtures of a file and of every conftest.py above it,
 * with their scope, params, autouse flag, dependencies and body, and the resolution of a requested name
 * from a fixture's own location (its class, then its file, then the nearest conftest.py upward).
 */

export interface Fixture {
  /** The name tests request it by (`name=` honoured). */
  name: string;
  fn: FunctionInfo;
  /** `function`, `class`, `module`, `package`, `session`, or undefined when not a literal. */
  scope: string | undefined;
  hasParams: boolean;
  autouse: boolean;
  /** The fixture names it requests: its arguments without defaults (`self`/`cls` of a method dropped). */
  deps: string[];
  body: SyntaxNode;
  /** The class it is defined in (visible to that class's tests only). */
  cls: ClassInfo | undefined;
  module: ModuleFixtures;
}

/** The fixtures one file defines. */
export interface ModuleFixtures {
  path: string;
  isConftest: boolean;
  collection: Collection;
  all: Fixture[];
  /** Module-level fixtures by name; a later definition replaces an earlier one, as in Python. */
  moduleLevel: Map<string, Fixture>;
  /** Fixtures defined in each class, by name. */
  byClass: Map<ClassInfo, Map<string, Fixture>>;
  /** Each fixture by the function defining it (what a `function_definition` listener asks). */
  byFunction: Map<FunctionInfo, Fixture>;
}

/**
 * A fixture of a conftest.py above the checked file, as its summary tells it (no tree: see
 * `ConftestSummary`). Rules read its facts; what needs its body was computed into the summary.
 */
export interface ConftestFixture extends SummaryFixture {
  fn?: undefined;
  module: ConftestFixtures;
}

/** The fixtures of a conftest.py above the checked file, from its summary. */
export interface ConftestFixtures {
  path: string;
  all: ConftestFixture[];
  /** Module-level fixtures by name; a later definition replaces an earlier one, as in Python. */
  moduleLevel: Map<string, ConftestFixture>;
}

/** A fixture a name resolves to: one of the checked file, or one of a conftest.py above it. */
export type AnyFixture = Fixture | ConftestFixture;

/** The 1-based line of a fixture's name. */
export function fixtureLine(f: AnyFixture): number {
  return f.fn ? f.fn.nameNode.startPosition.row + 1 : f.line;
}

/** Fixtures that pytest and common plugins provide with a scope wider than `function` (or scope-free). */
export const WIDE_BUILTIN_FIXTURES = new Set([
  "pytestconfig", "tmp_path_factory", "tmpdir_factory", "cache", "doctest_namespace", "record_testsuite_property",
  "worker_id", "testrun_uid", "class_mocker", "module_mocker", "package_mocker", "session_mocker",
]);

const MODULE_FIXTURES = Symbol("moduleFixtures");
const SPELLS_USEFIXTURES = Symbol("spellsUsefixtures");

/** The fixtures a file defines (module level and in classes; not those nested in functions). Cached per file model. */
export function moduleFixtures(path: string, collection: Collection, isConftest: boolean): ModuleFixtures {
  return attached(collection.model, MODULE_FIXTURES, () => buildModuleFixtures(path, collection, isConftest));
}

function buildModuleFixtures(path: string, collection: Collection, isConftest: boolean): ModuleFixtures {
  const model = collection.model;
  const mod: ModuleFixtures = { path, isConftest, collection, all: [], moduleLevel: new Map(), byClass: new Map(), byFunction: new Map() };
  for (const fn of model.functions) {
    const info = fn.fixture;
    if (!info || fn.parentFunction || fn.cls?.inFunction) continue;
    const fixture: Fixture = {
      name: info.name,
      fn,
      scope: info.scope,
      hasParams: info.hasParams,
      autouse: info.autouse,
      deps: requestedNames(fn),
      body: fn.body,
      cls: fn.cls,
      module: mod,
    };
    mod.all.push(fixture);
    mod.byFunction.set(fn, fixture);
    if (fn.cls) {
      let names = mod.byClass.get(fn.cls);
      if (!names) mod.byClass.set(fn.cls, (names = new Map<string, Fixture>()));
      names.set(fixture.name, fixture);
    } else {
      mod.moduleLevel.set(fixture.name, fixture);
    }
  }
  return mod;
}

/** The fixtures of the file a rule is checking. */
export function fileFixtures(ctx: FileContext): ModuleFixtures {
  return moduleFixtures(ctx.file.path, ctx.collection, ctx.isConftest);
}

/**
 * The argument names pytest would request as fixtures: positional and keyword-only arguments without a
 * default; the first argument of a method (`self`/`cls`) is bound, not requested, unless it is a staticmethod.
 */
export function requestedNames(fn: FunctionInfo): string[] {
  const params = fn.node.childForFieldName("parameters");
  const names: string[] = [];
  if (!params) return names;
  for (const p of params.namedChildren) {
    if (p.type === "identifier") names.push(p.text);
    else if (p.type === "typed_parameter") {
      const first = p.namedChild(0);
      if (first?.type === "identifier") names.push(first.text); // else `*args: T`, `**kwargs: T`: not requested
    } else if (p.type === "list_splat_pattern" || p.type === "dictionary_splat_pattern" || p.type === "keyword_separator" || p.type === "positional_separator") {
      continue;
    } else if (p.type === "default_parameter" || p.type === "typed_default_parameter") {
      // A defaulted argument is not requested; it still occupies the first position in a method.
      names.push("=");
    }
  }
  const isStatic = fn.decorators.some((d) => d.type === "identifier" && d.text === "staticmethod");
  if (fn.cls && !isStatic) names.shift();
  return names.filter((n) => n !== "=");
}

/**
 * Resolves fixture names across a file and the conftest.py files above it. One per file being checked;
 * conftest.py files are read from their summaries (`ConftestSummary`), made once per run by the Project.
 */
export class FixtureResolver {
  private readonly conftestModules: ConftestFixtures[];
  private readonly conftestsOfConftest = new Map<string, ConftestFixtures[]>();

  constructor(
    readonly project: Project,
    readonly own: ModuleFixtures,
  ) {
    this.conftestModules = this.conftestsAbove(own.path);
  }

  private conftestsAbove(path: string): ConftestFixtures[] {
    return this.project.conftestsAbove(path).map(conftestFixtures);
  }

  /** The conftest.py files above a module, nearest first. */
  conftestsFor(mod: ModuleFixtures | ConftestFixtures): ConftestFixtures[] {
    if (mod === this.own) return this.conftestModules;
    let list = this.conftestsOfConftest.get(mod.path);
    if (!list) {
      list = this.conftestsAbove(mod.path);
      this.conftestsOfConftest.set(mod.path, list);
    }
    return list;
  }

  /**
   * Where a fixture at a location looks names up, nearest first: its classes, its file, the conftests above.
   * A conftest.py fixture is reached through its module level only, so it looks up from there.
   */
  private levels(mod: ModuleFixtures | ConftestFixtures, cls: ClassInfo | undefined): Map<string, AnyFixture>[] {
    const levels: Map<string, AnyFixture>[] = [];
    if ("byClass" in mod) {
      for (let c = cls; c; c = c.parentClass) {
        for (const k of mod.collection.lineage(c)) {
          const names = mod.byClass.get(k);
          if (names) levels.push(names);
        }
      }
    }
    levels.push(mod.moduleLevel);
    for (const conftest of this.conftestsFor(mod)) levels.push(conftest.moduleLevel);
    return levels;
  }

  /**
   * The fixture a request of `name` made from `from` gets; a fixture requesting its own name gets the
   * outer definition (the next level up). Undefined for builtin and plugin fixtures (not in the suite).
   */
  resolve(from: AnyFixture, name: string): AnyFixture | undefined {
    const levels = from.fn ? this.levels(from.module, from.cls) : this.levels(from.module, undefined);
    let start = 0;
    if (name === from.name) {
      const own = levels.findIndex((l) => l.get(name) === from);
      start = own === -1 ? levels.length : own + 1;
    }
    for (let i = start; i < levels.length; i++) {
      const found = levels[i]?.get(name);
      if (found) return found;
    }
    return undefined;
  }

  /** The fixture a test (a function of the checked file) gets for `name`. */
  resolveForTest(test: FunctionInfo, name: string): AnyFixture | undefined {
    for (const level of this.levels(this.own, test.cls)) {
      const found = level.get(name);
      if (found) return found;
    }
    return undefined;
  }
}

const CONFTEST_FIXTURES = Symbol("conftestFixtures");

/** The fixtures of a conftest.py from its summary, made once per summary (the same objects for every file below it). */
export function conftestFixtures(summary: ConftestSummary): ConftestFixtures {
  return attached(summary, CONFTEST_FIXTURES, () => {
    const mod: ConftestFixtures = { path: summary.path, all: [], moduleLevel: new Map() };
    for (const f of summary.fixtures) {
      const fixture: ConftestFixture = { ...f, module: mod };
      mod.all.push(fixture);
      if (!f.inClass) mod.moduleLevel.set(fixture.name, fixture);
    }
    return mod;
  });
}

const RESOLVER = Symbol("fixtureResolver");

export function fixtureResolver(ctx: FileContext): FixtureResolver {
  return attached(ctx, RESOLVER, () => new FixtureResolver(ctx.project, fileFixtures(ctx)));
}

const USEFIXTURES = "pytest.mark.usefixtures";

function usefixturesIn(ctx: FileContext, exprs: readonly SyntaxNode[]): string[] {
  const names: string[] = [];
  for (const expr of exprs) {
    if (expr.type !== "call") continue;
    if (ctx.model.resolver.resolve(expr.childForFieldName("function")) !== USEFIXTURES) continue;
    const args = expr.childForFieldName("arguments");
    for (const arg of args?.namedChildren ?? []) {
      const value = arg.type === "string" ? stringValue(arg) : undefined;
      if (value !== undefined) names.push(value);
      else if (arg.type !== "comment") names.push("*"); // not a literal: anything may be requested
    }
  }
  return names;
}

/** Names a test requests through `@pytest.mark.usefixtures(...)` on itself, its classes or the module's `pytestmark`. */
export function usefixturesNames(ctx: FileContext, fn: FunctionInfo): string[] {
  // `pytest.mark.usefixtures` is reached only through a name or import that spells it (looked for once per file).
  if (!attached(ctx.file, SPELLS_USEFIXTURES, () => ctx.file.text.includes("usefixtures"))) return [];
  return usefixturesIn(ctx, allSources(markSourcesOf(ctx, fn)).flatMap(listElements));
}

/**
 * The fixtures of the checked file and its conftest.py files that a test of the file gets, directly or
 * through other fixtures (requested arguments, `usefixtures`, autouse fixtures in scope). `unknown` is set
 * when the test may request names the linter cannot read (`usefixtures` with a non-literal).
 */
export function testClosure(ctx: FileContext, test: FunctionInfo): { fixtures: Set<AnyFixture>; unknown: boolean } {
  const resolver = fixtureResolver(ctx);
  const own = resolver.own;
  const fixtures = new Set<AnyFixture>();
  let unknown = false;
  const queue: AnyFixture[] = [];
  const add = (f: AnyFixture | undefined) => {
    if (f && !fixtures.has(f)) {
      fixtures.add(f);
      queue.push(f);
    }
  };
  for (const name of [...requestedNames(test), ...usefixturesNames(ctx, test)]) {
    if (name === "*") unknown = true;
    else add(resolver.resolveForTest(test, name));
  }
  const autouse: AnyFixture[] = [];
  for (const conftest of resolver.conftestsFor(own)) autouse.push(...conftest.all.filter((f) => f.autouse && !f.inClass));
  autouse.push(...own.all.filter((f) => f.autouse && !f.cls));
  for (let c = test.cls; c; c = c.parentClass) {
    for (const k of ctx.collection.lineage(c)) autouse.push(...[...(own.byClass.get(k)?.values() ?? [])].filter((f) => f.autouse));
  }
  for (const f of autouse) add(resolver.resolveForTest(test, f.name) ?? f);
  while (queue.length > 0) {
    const f = queue.shift() as AnyFixture;
    for (const dep of f.deps) add(resolver.resolve(f, dep));
  }
  return { fixtures, unknown };
}
