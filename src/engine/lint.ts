import { analyzeText, type AnalyzedFile } from "./analyze.js";
import { maybeInjectFault } from "./fault-injection.js";
import type { SuiteFacts } from "./facts.js";
import type { Project } from "./project.js";
import { ParserNotLoaded } from "./parser.js";
import { declaredOptions, FileContext, RuleContext, SuiteRuleContext, type FileListeners, type Rule, type SuiteContext } from "./rule.js";
import { Suppressions } from "./suppress.js";
import { firstSyntaxError, syntaxErrorMessage } from "./syntax-error.js";
import { outsideUnplacedRegions } from "./error-regions.js";
import type { Finding } from "./types.js";
import type { RuleOptions } from "../config/options.js";
import { RULES, SYNTAX_ERROR } from "../rules/index.js";

export interface LintSettings {
  enabled: ReadonlySet<string>;
  options: RuleOptions;
  /** Codes `per-file-ignores` turns off for a file (their findings are dropped and never fixed). */
  ignoredCodes?: ((filePath: string) => ReadonlySet<string>) | undefined;
}

/** A rule that threw: reported as an internal error naming the rule and file, never as a crash. */
export class RuleCrash extends Error {
  /** `path` is the file being checked; empty for a suite rule. */
  constructor(readonly code: string, readonly path: string, cause: unknown) {
    super(`internal error in ${code}: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

export interface LintResult {
  findings: Finding[];
  syntaxErrors: number;
  crashes: RuleCrash[];
  /** What the rules saw of the file (the suite report reads its caches; not kept past the file's check). */
  context: FileContext;
}

/** Runs MEM000 and every enabled file rule on one analysed file, then drops suppressed findings (`rules`: the registry; a test passes its own). */
export function lintAnalyzed(analyzed: AnalyzedFile, settings: LintSettings, project: Project, facts: SuiteFacts, rules: readonly Rule[] = RULES): LintResult {
  const ctx = new FileContext(analyzed.file, analyzed.tree, settings.options, project, analyzed.collection, analyzed.isConftest, analyzed.pytestConfig, facts);
  const syntaxError = firstSyntaxError(analyzed.file.text, analyzed.tree);
  const findings: Finding[] = [];
  if (syntaxError && settings.enabled.has(SYNTAX_ERROR.code)) {
    findings.push({ ...SYNTAX_ERROR, message: syntaxErrorMessage(syntaxError), file: analyzed.file, start: syntaxError.start, end: syntaxError.end, fix: null });
  }
  const crashes = runFileRules(ctx, settings.enabled, rules);
  if (syntaxError) {
    // No fix is applied to a file with a syntax error, so none is advertised; findings that depend on scope are not placed inside error regions.
    for (const f of outsideUnplacedRegions(ctx.findings, analyzed.tree, analyzed.file.text)) findings.push({ ...f, fix: null });
  } else {
    // A loop, not a spread: a file can have more findings than a call can take arguments.
    for (const f of ctx.findings) findings.push(f);
  }
  return { findings: dropSuppressed(findings, analyzed, settings), syntaxErrors: syntaxError ? 1 : 0, crashes, context: ctx };
}

type Listener = (value?: unknown) => void;

/**
 * Creates each enabled rule's listeners and calls them from the model's one walk (src/engine/rule.ts).
 * A rule that throws is one crash and is not called again for this file; the others go on.
 */
function runFileRules(ctx: FileContext, enabled: ReadonlySet<string>, rules: readonly Rule[]): RuleCrash[] {
  const crashes: RuleCrash[] = [];
  // Each event's listeners as [rule, listener, rule, listener, ...] in rule order: a file has a few dozen,
  // and a pair object for each (with its entries array from Object.entries) was garbage for every file.
  const listening = new Map<string, (Rule | Listener)[]>();
  let firstRule = true;
  for (const rule of rules) {
    if (!enabled.has(rule.meta.code)) continue;
    try {
      if (firstRule) {
        firstRule = false;
        maybeInjectFault("rule", ctx.file.path);
      }
      const listeners = rule.create(new RuleContext(ctx, rule.meta, declaredOptions(rule.meta, ctx.options))) as Record<string, Listener | undefined>;
      for (const event in listeners) {
        const listener = listeners[event];
        if (!listener) continue;
        const entries = listening.get(event);
        if (entries) entries.push(rule, listener);
        else listening.set(event, [rule, listener]);
      }
    } catch (e) {
      crashes.push(new RuleCrash(rule.meta.code, ctx.file.path, e));
    }
  }
  if (listening.size === 0) return crashes;
  let crashed: Set<Rule> | undefined;
  const emit = (event: keyof FileListeners, value?: unknown) => {
    const entries = listening.get(event);
    if (!entries) return;
    for (let i = 0; i < entries.length; i += 2) {
      const rule = entries[i] as Rule;
      if (crashed?.has(rule)) continue;
      try {
        (entries[i + 1] as Listener)(value);
      } catch (e) {
        (crashed ??= new Set()).add(rule);
        crashes.push(new RuleCrash(rule.meta.code, ctx.file.path, e));
      }
    }
  };
  emit("module");
  for (const event of ctx.model.events) emit(event.kind, event.value);
  emit("module:exit");
  return crashes;
}

/** Runs every enabled suite rule once, after every file was checked; each that throws is one crash. */
export function runSuiteRules(suite: SuiteContext, enabled: ReadonlySet<string>, rules: readonly Rule[] = RULES): RuleCrash[] {
  const crashes: RuleCrash[] = [];
  for (const rule of rules) {
    if (!rule.createSuite || !enabled.has(rule.meta.code)) continue;
    try {
      rule.createSuite(new SuiteRuleContext(suite, rule.meta, declaredOptions(rule.meta, suite.options)))["suite:exit"]?.();
    } catch (e) {
      // Not the rule's fault: the caller loads the parser and runs the suite rules again.
      if (e instanceof ParserNotLoaded) throw e;
      crashes.push(new RuleCrash(rule.meta.code, "", e));
    }
  }
  return crashes;
}

/** Drops findings silenced by `per-file-ignores` or by the file's suppression comments. */
function dropSuppressed(findings: Finding[], analyzed: AnalyzedFile, settings: LintSettings): Finding[] {
  if (findings.length === 0) return findings;
  const ignored = settings.ignoredCodes?.(analyzed.file.path);
  const kept = ignored && ignored.size > 0 ? findings.filter((f) => !ignored.has(f.code)) : findings;
  if (kept.length === 0) return kept;
  const suppressions = new Suppressions(analyzed.tree, analyzed.file.lines);
  return kept.filter((f) => !suppressions.isSuppressed(f));
}

/** Re-analyses changed text of a file and lints it (used between fix passes). */
export function lintText(previous: AnalyzedFile, text: string, settings: LintSettings, project: Project, facts: SuiteFacts, explicit: boolean): { analyzed: AnalyzedFile; result: LintResult } {
  const analyzed = analyzeText(previous.file.path, previous.source, text, previous.pytestConfig, explicit);
  return { analyzed, result: lintAnalyzed(analyzed, settings, project, facts) };
}
