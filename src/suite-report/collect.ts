import path from "node:path";
import { analyzeText, FileError, readSource } from "../engine/analyze.js";
import { collectionRules } from "../engine/collection.js";
import { SuiteFacts } from "../engine/facts.js";
import { lintAnalyzed, runSuiteRules, type LintSettings } from "../engine/lint.js";
import { freeTreesAfter, keepTree, loadParser } from "../engine/parser.js";
import { toRecord, type FindingRecord } from "../engine/record.js";
import type { FunctionInfo, ModuleModel } from "../engine/model.js";
import { Project } from "../engine/project.js";
import { SuiteContext, type FileContext } from "../engine/rule.js";
import { suppressionsFor } from "../engine/suppress.js";
import type { Finding } from "../engine/types.js";
import { ConfigError } from "../config/errors.js";
import type { PathRules } from "../config/per-file-ignores.js";
import { PytestConfigError, type PytestConfig } from "../config/pytest-config.js";
import { discover } from "../discover.js";
import { chooseParser } from "../jobs.js";
import { displayPath } from "../report/paths.js";
import { fileFixtures, fixtureLine, fixtureResolver, moduleFixtures, requestedNames, testClosure, usefixturesNames, type AnyFixture, type ConftestFixture, type Fixture, type ModuleFixtures } from "../engine/semantic/fixtures.js";
import { findTeardown, hasXdistGroup, isMockUsing } from "../rules/shared/hygiene.js";
import { enclosingFunctions } from "../rules/shared/test-data.js";
import { estimateBody, estimateEnv, estimateExpression, paramsCount, type EstimateEnv, type SizeEstimate } from "./estimate.js";
import { hasCleanup } from "./cleanup.js";

/** Plain data gathered while the files are linted; nothing of a file's text or tree outlives its check. */
export interface FixtureFacts {
  id: string;
  name: string;
  /** Absolute path of the defining file. */
  file: string;
  line: number;
  /** Offsets of the decorated definition in the file's text (to attach findings). */
  start: number;
  end: number;
  scope: string | undefined;
  autouse: boolean;
  hasParams: boolean;
  params: number | undefined;
  built: ReturnType<typeof estimateBody>;
  cleanup: boolean;
  directTests: number;
  directFixtures: number;
  transitiveTests: number;
  /** Distinct build units of the tests that get it, by scope. */
  classes: Set<string>;
  modules: Set<string>;
  packages: Set<string>;
}

export interface FolderFacts {
  testFiles: number;
  tests: number;
  testClasses: number;
  mockUsingClasses: number;
  xdistGroupClasses: number;
  gcTeardownClasses: number;
}

/** Oversized data a test or a test module builds itself (a MEM302 or MEM303 finding), sized by the estimator. */
export interface TestDataFacts {
  kind: "test" | "module";
  /** The test's name, or the file's name for module-level data. */
  name: string;
  file: string;
  line: number;
  estimate: SizeEstimate;
  finding: FindingRecord;
}

export interface CollectedSuite {
  fixtures: Map<string, FixtureFacts>;
  testData: TestDataFacts[];
  /** By absolute folder path. */
  folders: Map<string, FolderFacts>;
  findings: FindingRecord[];
  /** Python files linted (test files and conftest.py). */
  files: string[];
  suite: SuiteContext;
  errors: string[];
}

export interface CollectOptions {
  paths: readonly string[];
  cwd: string;
  settings: LintSettings;
  pathRules: PathRules;
}

function emptyFolder(): FolderFacts {
  return { testFiles: 0, tests: 0, testClasses: 0, mockUsingClasses: 0, xdistGroupClasses: 0, gcTeardownClasses: 0 };
}

/** Lints the suite as `check` does (no fixes) and keeps what the report needs of each file. */
export async function collectSuite(opts: CollectOptions): Promise<CollectedSuite> {
  const { cwd, settings, pathRules } = opts;
  const project = new Project();
  const facts = new SuiteFacts();
  const errors: string[] = [];
  const printed = new Set<string>();
  const error = (line: string) => {
    if (printed.has(line)) return;
    printed.add(line);
    errors.push(line);
  };
  const collected: CollectedSuite = { fixtures: new Map(), testData: [], folders: new Map(), findings: [], files: [], suite: undefined as unknown as SuiteContext, errors };
  const envs = new WeakMap<ModuleModel, EstimateEnv>();
  // The report sizes a conftest.py fixture's body, which its summary does not keep: such a conftest.py is parsed
  // again here, once, unless it was checked (and its fixtures recorded) already.
  const conftestTrees = new Map<string, ModuleFixtures | null>();
  const definition = (f: ConftestFixture): Fixture | undefined => {
    let mod = conftestTrees.get(f.module.path);
    if (mod === undefined) {
      mod = null;
      let config: PytestConfig | undefined;
      try {
        config = project.pytestConfigFor(f.module.path);
      } catch {
        config = undefined; // reported where the file is checked
      }
      try {
        const source = readSource(f.module.path);
        const analyzed = analyzeText(f.module.path, source, source.text, config, false);
        keepTree(analyzed.tree);
        mod = moduleFixtures(f.module.path, analyzed.collection, true);
      } catch {
        mod = null;
      }
      conftestTrees.set(f.module.path, mod);
    }
    return mod?.all.find((d) => d.name === f.name && !d.cls && fixtureLine(d) === f.line);
  };
  const record = (f: AnyFixture): FixtureFacts => {
    const file = f.module.path;
    const line = fixtureLine(f);
    const id = `${displayPath(cwd, file)}:${line}:${f.name}`;
    let r = collected.fixtures.get(id);
    if (r) return r;
    if (!f.fn) {
      const full = definition(f);
      if (!full) throw new Error(`${displayPath(cwd, file)}:${line}: fixture \`${f.name}\` is no longer there`);
      return record(full);
    }
    const model = f.module.collection.model;
    let env = envs.get(model);
    if (!env) envs.set(model, (env = estimateEnv(model, settings.options.heavyConstructors)));
    r = {
      id,
      name: f.name,
      file,
      line,
      start: f.fn.outerNode.startIndex,
      end: f.fn.outerNode.endIndex,
      scope: f.scope,
      autouse: f.autouse,
      hasParams: f.hasParams,
      params: f.hasParams && f.fn.fixture ? paramsCount(env, f.fn.fixture.decorator) : 0,
      built: estimateBody(env, f.fn),
      cleanup: hasCleanup(f.fn),
      directTests: 0,
      directFixtures: 0,
      transitiveTests: 0,
      classes: new Set(),
      modules: new Set(),
      packages: new Set(),
    };
    collected.fixtures.set(id, r);
    return r;
  };

  /** Lints one file and gathers its facts; false when it could not be read. */
  const collectFile = (filePath: string, explicit: boolean, pytestConfig: PytestConfig | undefined): boolean => {
    let result;
    try {
      const source = readSource(filePath);
      const analyzed = analyzeText(filePath, source, source.text, pytestConfig, explicit);
      result = lintAnalyzed(analyzed, settings, project, facts);
    } catch (e) {
      if (!(e instanceof FileError)) throw e;
      error(`${displayPath(cwd, e.path)}: ${e.message}`);
      return false;
    }
    for (const c of result.crashes) error(`${displayPath(cwd, c.path)}: ${c.message}`);
    for (const f of result.findings) collected.findings.push(toRecord(f));
    try {
      gatherFile(result.context, collected, record);
      gatherTestData(result.context, result.findings, collected, settings.options.heavyConstructors);
    } catch (e) {
      error(`${displayPath(cwd, filePath)}: internal error in the report: ${(e as Error).message}`);
    }
    return true;
  };

  const discovery = discover(opts.paths.length > 0 ? opts.paths : ["."], { cwd, isExcluded: pathRules.active ? (p) => pathRules.isExcluded(p) : undefined });
  for (const e of discovery.errors) error(`${displayPath(cwd, e.path)}: ${e.message}`);
  chooseParser(discovery.files.length);
  await loadParser();
  let sinceYield = 0;
  for (const file of discovery.files) {
    let pytestConfig: PytestConfig | undefined;
    try {
      pytestConfig = project.pytestConfigFor(file.path);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      error(e instanceof PytestConfigError ? `${displayPath(cwd, e.path)}${e.line !== undefined ? `:${e.line}` : ""}: ${e.detail}` : e.message);
    }
    const base = path.basename(file.path);
    if (!file.explicit && base !== "conftest.py" && !collectionRules(pytestConfig).isTestFileName(base)) continue;
    if (!base.endsWith(".py")) continue;
    // The file's trees are freed when its facts are gathered (a large suite parses with WebAssembly).
    if (freeTreesAfter(() => collectFile(file.path, file.explicit, pytestConfig))) collected.files.push(file.path);
    if (++sinceYield >= 32) {
      sinceYield = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  const suite = new SuiteContext(project, settings.options, facts, collected.files, []);
  for (const crash of runSuiteRules(suite, settings.enabled)) error(crash.message);
  for (const f of suite.findings) if (!pathRules.ignoredCodes(f.file.path).has(f.code) && !suppressionsFor(f.file).isSuppressed(f)) collected.findings.push(toRecord(f));
  collected.suite = suite;
  return collected;
}

/** A test's build units: its class (or itself, for a module-level function), its module and its package. */
function unitsOf(ctx: FileContext, test: FunctionInfo): { cls: string; module: string; pkg: string } {
  const module = ctx.file.path;
  const cls = test.cls ? `${module}::${test.cls.name}@${test.cls.node.startIndex}` : `${module}::${test.name}@${test.node.startIndex}`;
  return { cls, module, pkg: path.dirname(module) };
}

function gatherFile(ctx: FileContext, collected: CollectedSuite, record: (f: AnyFixture) => FixtureFacts): void {
  const own = fileFixtures(ctx);
  const resolver = fixtureResolver(ctx);
  for (const f of own.all) {
    record(f);
    for (const dep of new Set(f.deps)) {
      const target = resolver.resolve(f, dep);
      if (target) record(target).directFixtures++;
    }
  }
  const dir = path.dirname(ctx.file.path);
  let folder = collected.folders.get(dir);
  if (!folder) collected.folders.set(dir, (folder = emptyFolder()));
  if (!ctx.collection.isTestModule) return;
  folder.testFiles++;
  for (const cls of ctx.collection.testClasses()) {
    folder.testClasses++;
    if (isMockUsing(ctx, cls)) folder.mockUsingClasses++;
    if (hasXdistGroup(ctx, cls)) folder.xdistGroupClasses++;
    if (findTeardown(ctx, cls).callsGcCollect) folder.gcTeardownClasses++;
  }
  const autouse: AnyFixture[] = [];
  for (const conftest of resolver.conftestsFor(own)) autouse.push(...conftest.all.filter((f) => f.autouse && !f.inClass));
  autouse.push(...own.all.filter((f) => f.autouse && !f.cls));
  for (const test of ctx.collection.testFunctions()) {
    folder.tests++;
    const direct = new Set<AnyFixture>();
    for (const name of [...requestedNames(test), ...usefixturesNames(ctx, test)]) {
      const f = name === "*" ? undefined : resolver.resolveForTest(test, name);
      if (f) direct.add(f);
    }
    for (const f of autouse) direct.add(resolver.resolveForTest(test, f.name) ?? f);
    for (let c = test.cls; c; c = c.parentClass) {
      for (const k of ctx.collection.lineage(c)) for (const f of own.byClass.get(k)?.values() ?? []) if (f.autouse) direct.add(f);
    }
    for (const f of direct) record(f).directTests++;
    const units = unitsOf(ctx, test);
    for (const f of testClosure(ctx, test).fixtures) {
      const r = record(f);
      r.transitiveTests++;
      r.classes.add(units.cls);
      r.modules.add(units.module);
      r.packages.add(units.pkg);
    }
  }
}

const DATA_CODES = new Set(["MEM302", "MEM303"]);

/** Sizes the data of MEM302/MEM303 findings in tests and at module level (fixtures are sized whole, above). */
function gatherTestData(ctx: FileContext, findings: readonly Finding[], collected: CollectedSuite, heavyConstructors: readonly string[]): void {
  let env: EstimateEnv | undefined;
  for (const f of findings) {
    if (!DATA_CODES.has(f.code)) continue;
    const node = ctx.root.descendantForIndex(f.start, Math.max(f.start, f.end - 1));
    let expr = node;
    while (expr.parent && expr.parent.startIndex === f.start && expr.parent.endIndex <= f.end) expr = expr.parent;
    const { functions, innermost } = enclosingFunctions(ctx, expr);
    if (functions.some((fn) => fn.fixture)) continue;
    const test = functions.find((fn) => ctx.collection.isTestFunction(fn));
    if (!test && innermost) continue; // inside a helper function: when it runs is not known
    env ??= estimateEnv(ctx.model, heavyConstructors);
    const estimate = estimateExpression(env, expr);
    if (!estimate) continue;
    collected.testData.push({
      kind: test ? "test" : "module",
      name: test ? (test.cls ? `${test.cls.name}.${test.name}` : test.name) : path.basename(ctx.file.path),
      file: ctx.file.path,
      line: expr.startPosition.row + 1,
      estimate,
      finding: toRecord(f),
    });
  }
}
