import { fileMatcher, nameMatcher } from "./fnmatch.js";
import type { ClassInfo, FunctionInfo, ModuleModel } from "./model.js";
import { optionWords, type PytestConfig } from "../config/pytest-config.js";

/** How pytest collects: `python_files`, `python_classes`, `python_functions`. */
export interface CollectionRules {
  isTestFileName: (basename: string) => boolean;
  isTestClassName: (name: string) => boolean;
  isTestFunctionName: (name: string) => boolean;
}

const DEFAULTS = { files: ["test_*.py", "*_test.py"], classes: ["Test"], functions: ["test"] };
const cache = new WeakMap<PytestConfig, CollectionRules>();
const defaultRules: CollectionRules = makeRules(DEFAULTS.files, DEFAULTS.classes, DEFAULTS.functions);

function makeRules(files: string[], classes: string[], functions: string[]): CollectionRules {
  return { isTestFileName: fileMatcher(files), isTestClassName: nameMatcher(classes), isTestFunctionName: nameMatcher(functions) };
}

/** Collection rules from a pytest configuration; a value set there replaces the default. */
export function collectionRules(config: PytestConfig | undefined): CollectionRules {
  if (!config) return defaultRules;
  let rules = cache.get(config);
  if (!rules) {
    const o = config.options;
    rules = makeRules(
      optionWords(o.get("python_files")) ?? DEFAULTS.files,
      optionWords(o.get("python_classes")) ?? DEFAULTS.classes,
      optionWords(o.get("python_functions")) ?? DEFAULTS.functions,
    );
    cache.set(config, rules);
  }
  return rules;
}

const TESTCASE_BASES = new Set([
  "unittest.TestCase",
  "unittest.case.TestCase",
  "unittest.IsolatedAsyncioTestCase",
  "unittest.async_case.IsolatedAsyncioTestCase",
  "django.test.SimpleTestCase",
  "django.test.TestCase",
  "django.test.TransactionTestCase",
  "django.test.LiveServerTestCase",
  "django.test.testcases.SimpleTestCase",
  "django.test.testcases.TestCase",
  "django.test.testcases.TransactionTestCase",
]);

/** Which classes and functions of one file pytest collects as tests. */
export class Collection {
  private readonly testClassCache = new Map<ClassInfo, boolean>();
  private readonly testCaseCache = new Map<ClassInfo, boolean>();

  constructor(
    readonly model: ModuleModel,
    readonly rules: CollectionRules,
    /** A file matching `python_files` (or named explicitly); conftest.py is not one. */
    readonly isTestModule: boolean,
  ) {}

  /** Classes of the same file that a class's positional bases name. */
  sameFileBases(cls: ClassInfo): ClassInfo[] {
    const result: ClassInfo[] = [];
    for (const base of cls.bases) {
      if (base.type !== "identifier") continue;
      const found = this.model.topLevelClasses.get(base.text);
      if (found && found !== cls && found.node.startIndex < cls.node.startIndex) result.push(found);
    }
    return result;
  }

  /** The class and its same-file ancestors, nearest first, each once. */
  lineage(cls: ClassInfo): ClassInfo[] {
    const seen = new Set<ClassInfo>();
    const order: ClassInfo[] = [];
    const queue = [cls];
    while (queue.length > 0) {
      const cur = queue.shift();
      if (!cur || seen.has(cur)) continue;
      seen.add(cur);
      order.push(cur);
      queue.push(...this.sameFileBases(cur));
    }
    return order;
  }

  /** Bases that are neither `object` nor classes of this file. */
  foreignBases(cls: ClassInfo): string[] {
    const foreign: string[] = [];
    for (const c of this.lineage(cls)) {
      for (const base of c.bases) {
        if (base.type === "identifier" && (base.text === "object" || this.model.topLevelClasses.has(base.text))) continue;
        foreign.push(base.text);
      }
    }
    return foreign;
  }

  isTestCaseSubclass(cls: ClassInfo): boolean {
    const cached = this.testCaseCache.get(cls);
    if (cached !== undefined) return cached;
    const result = this.lineage(cls).some((c) => c.bases.some((b) => TESTCASE_BASES.has(this.model.resolver.resolve(b) ?? "")));
    this.testCaseCache.set(cls, result);
    return result;
  }

  isTestClass(cls: ClassInfo): boolean {
    const cached = this.testClassCache.get(cls);
    if (cached !== undefined) return cached;
    const result = this.computeIsTestClass(cls);
    this.testClassCache.set(cls, result);
    return result;
  }

  private computeIsTestClass(cls: ClassInfo): boolean {
    if (!this.isTestModule || cls.inFunction) return false;
    if (cls.parentClass && !this.isTestClass(cls.parentClass)) return false;
    const lineage = this.lineage(cls);
    const testAttr = lineage.map((c) => c.attributes.get("__test__")).find((v) => v !== undefined);
    if (testAttr?.type === "false") return false;
    if (this.isTestCaseSubclass(cls)) return true;
    if (!this.rules.isTestClassName(cls.name)) return false;
    return !lineage.some((c) => c.methods.has("__init__") || c.methods.has("__new__"));
  }

  isTestFunction(fn: FunctionInfo): boolean {
    if (!this.isTestModule || fn.fixture || fn.parentFunction) return false;
    if (!this.rules.isTestFunctionName(fn.name)) return false;
    return fn.cls === undefined || this.isTestClass(fn.cls);
  }

  testClasses(): ClassInfo[] {
    return this.model.classes.filter((c) => this.isTestClass(c));
  }

  testFunctions(): FunctionInfo[] {
    return this.model.functions.filter((f) => this.isTestFunction(f));
  }
}
