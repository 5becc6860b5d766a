import type { RuleOptions } from "../config/options.js";
import type { OptionDeclaration } from "./options.js";
import type { Collection } from "./collection.js";
import type { ModuleModel } from "./model.js";
import type { SyntaxNode, Tree } from "./parser.js";
import type { Project } from "./project.js";
import type { Edit, Finding, FixKind, Severity, TextFile, Applicability } from "./types.js";
import type { PytestConfig } from "../config/pytest-config.js";
import type { SuiteFacts } from "./facts.js";

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

export interface Rule<M extends string = string> {
  meta: RuleMeta<M>;
  /** Runs on each Python file (test files and conftest.py). */
  checkFile?(ctx: FileContext): void;
  /** Runs once after every file was checked, for findings about the suite or its configuration. */
  checkSuite?(ctx: SuiteContext): void;
}

/** Formats a message template: `{name}` is replaced by `data.name`. */
export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, key: string) => (key in data ? String(data[key]) : m));
}

export interface ReportOptions<M extends string> {
  messageId: M;
  data?: Record<string, string | number>;
  fix?: { applicability: Applicability; message: string; edits: Edit[] } | null;
}

function makeFinding<M extends string>(rule: Rule<M>, file: TextFile, start: number, end: number, opts: ReportOptions<M>): Finding {
  return {
    code: rule.meta.code,
    name: rule.meta.name,
    severity: rule.meta.severity,
    message: formatMessage(rule.meta.messages[opts.messageId], opts.data),
    file,
    start,
    end,
    fix: opts.fix ?? null,
  };
}

/** What a rule sees of one Python file. */
export class FileContext {
  readonly findings: Finding[] = [];
  private modelCache: ModuleModel | undefined;

  constructor(
    readonly file: TextFile,
    readonly tree: Tree,
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

  report<M extends string>(rule: Rule<M>, at: SyntaxNode | { start: number; end: number }, opts: ReportOptions<M>): void {
    const start = "startIndex" in at ? at.startIndex : at.start;
    const end = "endIndex" in at ? at.endIndex : at.end;
    this.findings.push(makeFinding(rule, this.file, start, end, opts));
  }
}

/** What a suite rule sees: the project and every file checked in this run. */
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

  report<M extends string>(rule: Rule<M>, file: TextFile, range: { start: number; end: number }, opts: ReportOptions<M>): void {
    this.findings.push(makeFinding(rule, file, range.start, range.end, opts));
  }
}
