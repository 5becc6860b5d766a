import { attached } from "../../engine/attached.js";
import type { FunctionInfo } from "../../engine/model.js";
import { compileQuery, type SyntaxNode } from "../../engine/parser.js";
import type { FileContext } from "../../engine/rule.js";
import { dottedText, type Resolver } from "../../engine/semantic/resolver.js";

/** The calls of a function and the matching of calls against configured dotted names (MEM302, MEM305, the suite report). */

const callQuery = compileQuery("(call function: [(identifier) (attribute)] @callee) @call");

export interface CallSite {
  call: SyntaxNode;
  callee: SyntaxNode;
  /** The callee resolved through the file's imports; undefined when it is not known. */
  qualified: string | undefined;
}

const CALLS = Symbol("callsIn");

/** Calls through a name or attribute chain inside a function (nested functions included), cached per file. */
export function callsIn(ctx: FileContext, fn: FunctionInfo): CallSite[] {
  const byFn = attached(ctx, CALLS, () => new Map<number, CallSite[]>());
  let calls = byFn.get(fn.node.startIndex);
  if (!calls) {
    calls = [];
    for (const match of callQuery.matches(fn.node)) {
      const call = match.captures.find((c) => c.name === "call")?.node;
      const callee = match.captures.find((c) => c.name === "callee")?.node;
      if (call && callee) calls.push({ call, callee, qualified: ctx.model.resolver.resolve(callee) });
    }
    byFn.set(fn.node.startIndex, calls);
  }
  return calls;
}

/** Well-known import aliases: a configured `plt.figure` also names `matplotlib.pyplot.figure`. */
const ALIASES: Record<string, string> = { plt: "matplotlib.pyplot", np: "numpy", pd: "pandas", tf: "tensorflow", sa: "sqlalchemy" };

/**
 * Matches calls against a list of dotted names (`heavy-constructors`, `closeable-constructors`) as the
 * linter resolves them. A name matches a callee that resolves through the file's imports to exactly it
 * (`chromadb.HttpClient`, `plt.figure` as `matplotlib.pyplot.figure`), or to `<module>.<name>` where the
 * part before the name is a module for certain: the callee is the bare name bound by a `from`-import or a
 * builtin (`create_engine` after `from sqlalchemy import create_engine`, `open`), is written as the
 * configured name itself (`webdriver.Chrome` after `from selenium import webdriver`), or starts with a
 * name an `import` statement binds (`sa.create_engine` after `import sqlalchemy as sa`). A method of
 * another object that merely shares the last name (`DatabaseManager.create_async_engine`,
 * `manager.create_engine`) is not a match, and a callee the linter cannot resolve never matches.
 */
export class NameMatcher {
  private readonly names: { name: string; forms: string[] }[];

  constructor(names: readonly string[]) {
    this.names = names.map((name) => {
      const forms = [name];
      const dot = name.indexOf(".");
      const head = dot === -1 ? undefined : name.slice(0, dot);
      const alias = head !== undefined ? ALIASES[head] : undefined;
      if (alias !== undefined) forms.push(alias + name.slice(dot));
      return { name, forms };
    });
  }

  /**
   * False when no call in the text can match: a callee's resolved name ends with a name written in
   * the file (at the call, in an import or an assignment), so a configured name whose last part the
   * text never holds matches nothing there.
   */
  mayMatchIn(text: string): boolean {
    // Asked once per fixture of a file: the answer for the last text is kept.
    if (text !== this.lastText) {
      this.lastText = text;
      this.lastAnswer = this.lastParts.some((part) => text.includes(part));
    }
    return this.lastAnswer;
  }

  private lastText: string | undefined;
  private lastAnswer = true;

  private get lastParts(): string[] {
    return (this.lastPartList ??= [...new Set(this.names.map(({ name }) => name.slice(name.lastIndexOf(".") + 1)))]);
  }

  private lastPartList: string[] | undefined;

  /** The configured name a call site matches, if any. */
  matchCall(resolver: Resolver, site: Pick<CallSite, "callee" | "qualified">): string | undefined {
    const qualified = site.qualified;
    if (!qualified) return undefined;
    const written = dottedText(site.callee);
    if (written === undefined) return undefined;
    const dot = written.indexOf(".");
    // A bare name comes from a `from`-import (whose source is a module) or is a builtin.
    const rootIsModule = dot === -1 || resolver.bindsModule(written.slice(0, dot));
    for (const { name, forms } of this.names) {
      for (const form of forms) {
        if (qualified === form) return name;
        if (!qualified.endsWith("." + form)) continue;
        if (rootIsModule || written === form) return name;
      }
    }
    return undefined;
  }
}

const matcherCache = new WeakMap<readonly string[], NameMatcher>();

export function nameMatcher(names: readonly string[]): NameMatcher {
  let m = matcherCache.get(names);
  if (!m) {
    m = new NameMatcher(names);
    matcherCache.set(names, m);
  }
  return m;
}
