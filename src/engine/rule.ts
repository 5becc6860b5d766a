/**
 * Rules as listeners, as ESLint's `create(context)` and ruff's checker run them.
 *
 * A rule is `createRule({ meta, create(ctx) { return { ...listeners } } })`. For each file, `create` runs
 * once for each enabled rule (a disabled rule is never created), and the listeners it returns are called
 * from the module model's one statement walk, in this order:
 *
 * - `module()`: the file starts;
 * - `import_statement(stmt)`, `import_from_statement(stmt)`, `class_definition(cls)`, `function_definition(fn)`:
 *   each import, class and function, nested ones included, in document order;
 * - `"module:exit"()`: the file ends, for a rule whose check is a whole-file analysis (the mocks, the arrays).
 *
 * Listeners run after the model is built, so every one may read all of `ctx.model` (a fixture decorator
 * resolved through an import further down, the module's `pytestmark`). There is no listener per expression:
 * visiting every node would cost a large share of the parse.
 *
 * A rule about the whole suite (the MEM5xx rules) adds `createSuite(ctx)`, which runs once per run after
 * every file was checked, and returns `"suite:exit"()`; its `create` records what it needs of each file in the
 * suite facts.
 *
 * `create` may return no listeners for a file the rule does not apply to (`if (!ctx.isConftest) return {}`).
 *
 * Each rule gets its own context: `ctx.report({ node | range, messageId, data, fix })`, where a fix that
 * `meta.fix` does not allow throws (a bug in the rule), and `ctx.options`, typed from the options it
 * declares in `meta.options` (no other option is there). The facts of a file that every rule shares (the
 * model, the collection, the per-file caches of `semantic/` and `rules/shared`) live on one `FileContext`,
 * `ctx.shared`: pass that to their helpers, so each is computed once per file. A listener that throws is
 * one internal error naming its rule and file, and that rule is not called again for the file; the other
 * rules run, and what it reported before is kept.
 */
import type * as z from "zod/mini";
import type { RuleOptions } from "../config/options.js";
import type { OptionDeclaration } from "./options.js";
import type { Collection } from "./collection.js";
import type { ClassInfo, FunctionInfo, ImportStatement, ModuleModel } from "./model.js";
import type { SyntaxNode, Tree } from "./parser.js";
import type { Project } from "./project.js";
import type { Finding, Fix, FixKind, Severity, TextFile } from "./types.js";
import type { PytestConfig } from "../config/pytest-config.js";
import type { SuiteFacts } from "./facts.js";
import { semanticOf, type SemanticModel } from "./semantic/bindings.js";

export interface RuleDocs {
  whatItDoes: string;
  whyIsThisBad: string;
  example: string;
  useInstead: string;
  /** Required when the rule has a fix. */
  fixSafety?: string;
}

export interface RuleMeta<M extends string = string> {
  code: string;
  name: string;
  severity: Severity;
  fix: FixKind;
  enabledByDefault: boolean;
  /** One sentence, shown by `rules` and in SARIF. */
  summary: string;
  messages: Record<M, string>;
  docs: RuleDocs;
  /** The options it reads, as declared next to it (src/rules/options.ts lists them all). */
  options: readonly OptionDeclaration[];
}

/** What a rule listens to in one file (see the top of this file for the order). */
export interface FileListeners {
  module?: () => void;
  import_statement?: (stmt: ImportStatement) => void;
  import_from_statement?: (stmt: ImportStatement) => void;
  class_definition?: (cls: ClassInfo) => void;
  function_definition?: (fn: FunctionInfo) => void;
  "module:exit"?: () => void;
}

/** What a suite rule listens to once per run. */
export interface SuiteListeners {
  /** Every file was checked: the suite facts are complete. */
  "suite:exit"?: () => void;
}

/** The options a rule declares, by the property it reads them as (`ctx.options.maxMockChainDepth`). */
export type DeclaredOptions<D extends readonly OptionDeclaration[]> = {
  readonly [O in D[number] as O["property"]]: z.output<O["schema"]>;
};

/** A rule as `createRule` writes it: its listeners see its own messages and options only. */
export interface RuleDefinition<M extends string, D extends readonly OptionDeclaration[]> {
  meta: RuleMeta<M> & { options: D };
  create(ctx: RuleContext<M, DeclaredOptions<D>>): FileListeners;
  createSuite?(ctx: SuiteRuleContext<M, DeclaredOptions<D>>): SuiteListeners;
}

/** A rule as the registry and the dispatcher hold it. */
export interface Rule<M extends string = string> {
  meta: RuleMeta<M>;
  create(ctx: RuleContext<M>): FileListeners;
  createSuite?(ctx: SuiteRuleContext<M>): SuiteListeners;
}

export function createRule<M extends string, const D extends readonly OptionDeclaration[]>(rule: RuleDefinition<M, D>): Rule<M> {
  return rule;
}

/** Formats a message template: `{name}` is replaced by `data.name`. */
export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, key: string) => (key in data ? String(data[key]) : m));
}

export interface ReportOptions<M extends string> {
  messageId: M;
  data?: Record<string, string | number>;
  fix?: Fix | null;
}

/** A finding in the file being checked: at a node, or at a range of offsets. */
export type FileReport<M extends string> = ReportOptions<M> & ({ node: SyntaxNode } | { range: { start: number; end: number } });

/** A finding of a suite rule: in any file (a pytest configuration file), at a range of offsets. */
export type SuiteReport<M extends string> = ReportOptions<M> & { file: TextFile; range: { start: number; end: number } };

/** The fix, when the rule's `meta.fix` allows it; otherwise the rule has a bug, which throws (an internal error for it). */
function allowedFix(meta: RuleMeta, fix: Fix | null | undefined): Fix | null {
  if (!fix) return null;
  if (meta.fix === "none" || (meta.fix !== "safe-or-unsafe" && meta.fix !== fix.applicability)) {
    throw new Error(`a fix marked ${fix.applicability} from a rule whose meta.fix is "${meta.fix}"`);
  }
  return fix;
}

function makeFinding<M extends string>(meta: RuleMeta<M>, file: TextFile, start: number, end: number, opts: ReportOptions<M>): Finding {
  return {
    code: meta.code,
    name: meta.name,
    severity: meta.severity,
    message: formatMessage(meta.messages[opts.messageId], opts.data),
    file,
    start,
    end,
    fix: allowedFix(meta, opts.fix),
  };
}

const optionsCache = new WeakMap<RuleOptions, Map<RuleMeta, unknown>>();

/** The options a rule declares, taken from every configured option (one object per run's options and rule). */
export function declaredOptions(meta: RuleMeta, all: RuleOptions): unknown {
  let byRule = optionsCache.get(all);
  if (!byRule) optionsCache.set(all, (byRule = new Map<RuleMeta, unknown>()));
  let options = byRule.get(meta);
  if (!options) {
    const values = all as Record<string, unknown>;
    options = Object.freeze(Object.fromEntries(meta.options.map((o) => [o.property, values[o.property]])));
    byRule.set(meta, options);
  }
  return options;
}

/** The facts of one Python file that every rule shares, and the findings they report. */
export class FileContext {
  readonly findings: Finding[] = [];

  constructor(
    readonly file: TextFile,
    readonly tree: Tree,
    /** Every rule option (the helpers of rules/shared read the ones of the rules they serve). */
    readonly options: RuleOptions,
    readonly project: Project,
    readonly collection: Collection,
    readonly isConftest: boolean,
    readonly pytestConfig: PytestConfig | undefined,
    /** Facts about the whole suite that this file adds to, for suite rules. */
    readonly facts: SuiteFacts,
  ) {}

  get model(): ModuleModel {
    return this.collection.model;
  }

  get root(): SyntaxNode {
    return this.tree.rootNode;
  }

  /** A test file in pytest's sense: matches `python_files`, or is conftest.py. */
  get isTestFile(): boolean {
    return this.collection.isTestModule || this.isConftest;
  }
}

/** What one rule sees of one Python file: the shared facts, its own options, and `report`. */
export class RuleContext<M extends string = string, O = unknown> {
  constructor(
    /** The file's facts shared by every rule: what the helpers of rules/shared take (their per-file caches key on it). */
    readonly shared: FileContext,
    private readonly meta: RuleMeta<M>,
    /** The options the rule declares in `meta.options`. */
    readonly options: O,
  ) {}

  get file(): TextFile {
    return this.shared.file;
  }

  get tree(): Tree {
    return this.shared.tree;
  }

  get root(): SyntaxNode {
    return this.shared.tree.rootNode;
  }

  get model(): ModuleModel {
    return this.shared.collection.model;
  }

  /** Scopes and bindings of the file (built once per file, on first use). */
  get semantic(): SemanticModel {
    return semanticOf(this.shared.collection.model);
  }

  get collection(): Collection {
    return this.shared.collection;
  }

  get project(): Project {
    return this.shared.project;
  }

  get isConftest(): boolean {
    return this.shared.isConftest;
  }

  /** A test file in pytest's sense: matches `python_files`, or is conftest.py. */
  get isTestFile(): boolean {
    return this.shared.isTestFile;
  }

  get pytestConfig(): PytestConfig | undefined {
    return this.shared.pytestConfig;
  }

  report(finding: FileReport<M>): void {
    const start = "node" in finding ? finding.node.startIndex : finding.range.start;
    const end = "node" in finding ? finding.node.endIndex : finding.range.end;
    this.shared.findings.push(makeFinding(this.meta, this.shared.file, start, end, finding));
  }
}

/** What a suite rule sees: the project and every file checked in this run, shared by every suite rule. */
export class SuiteContext {
  readonly findings: Finding[] = [];

  constructor(
    readonly project: Project,
    readonly options: RuleOptions,
    readonly facts: SuiteFacts,
    /** Paths of the Python files checked in this run. */
    readonly files: readonly string[],
    /** pytest configuration files named on the command line (checked by the MEM5xx rules). */
    readonly configFiles: readonly string[] = [],
  ) {}
}

/** What one suite rule sees: the shared suite, its own options, and `report`. */
export class SuiteRuleContext<M extends string = string, O = unknown> {
  constructor(
    /** The run's suite shared by every suite rule: what the helpers of rules/shared take. */
    readonly shared: SuiteContext,
    private readonly meta: RuleMeta<M>,
    /** The options the rule declares in `meta.options`. */
    readonly options: O,
  ) {}

  get code(): string {
    return this.meta.code;
  }

  get facts(): SuiteFacts {
    return this.shared.facts;
  }

  report(finding: SuiteReport<M>): void {
    this.shared.findings.push(makeFinding(this.meta, finding.file, finding.range.start, finding.range.end, finding));
  }
}
