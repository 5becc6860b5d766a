import type { SyntaxNode } from "../../engine/parser.js";
import { MOCKER_FIXTURES } from "../../engine/semantic/resolver.js";
import { mockAnalysis, patchCreatesMock } from "../../engine/semantic/mocks.js";
import type { ClassInfo, FunctionInfo } from "../../engine/model.js";
import type { FileContext } from "../../engine/rule.js";
import { marksOf } from "../../engine/semantic/marks.js";
import { gcCollectOffsets } from "../../engine/semantic/gc-collect.js";
import { declareOption } from "../../engine/options.js";
import * as z from "zod/mini";

export const classHygieneScope = declareOption({
  key: "class-hygiene-scope",
  property: "classHygieneScope",
  schema: z.enum(["mock-using", "all"]),
  default: "mock-using",
  type: '"mock-using" | "all"',
  description:
    "Which test classes MEM102 and MEM103 check: those whose own body creates mocks (directly or through a `patch` that puts one in place), or every test class.",
});

/** What MEM102 and MEM103 need to know about a file, computed once per file and shared. */
export interface HygieneFacts {
  /** Classes whose own body (not a nested class) creates a mock, directly or through a `patch`. */
  mockCreatingClasses: Set<ClassInfo>;
  /** Functions whose own body (not a nested def) calls `gc.collect()`. */
  functionsCallingGcCollect: Set<FunctionInfo>;
}

const cache = new WeakMap<FileContext, HygieneFacts>();

export function hygieneFacts(ctx: FileContext): HygieneFacts {
  let facts = cache.get(ctx);
  if (facts) return facts;
  // The mock analysis shared with MEM2xx already knows every call that creates or patches a mock.
  // A patch that creates none (`patch.dict`, `patch(..., new=value)`) leaves no mock to collect.
  const mocks = mockAnalysis(ctx);
  const owners = innermostOwners(ctx.model.classes, [...mocks.constructors, ...mocks.patches].map((c) => c.start));
  const mockCreatingClasses = new Set<ClassInfo>();
  for (const c of mocks.constructors) {
    const owner = owners.get(c.start);
    if (owner) mockCreatingClasses.add(owner);
  }
  // Whether a patch creates a mock (its arguments read from the tree) is asked only where the answer can add a class.
  for (const p of mocks.patches) {
    const owner = owners.get(p.start);
    if (owner && !mockCreatingClasses.has(owner) && patchCreatesMock(mocks, p)) mockCreatingClasses.add(owner);
  }
  facts = {
    mockCreatingClasses,
    functionsCallingGcCollect: new Set(innermostOwners(ctx.model.functions, gcCollectCalls(ctx)).values()),
  };
  cache.set(ctx, facts);
  return facts;
}

/**
 * Offsets of `gc.collect()` calls (or of `collect()` imported from gc). Found in the text and
 * confirmed in the tree, so a whole-tree query is not needed and strings and comments never count.
 */
function gcCollectCalls(ctx: FileContext): number[] {
  return gcCollectOffsets(ctx.file.text, ctx.root, ctx.model);
}

/**
 * For each offset, the innermost scope (class or function, in document order) holding it, when one does:
 * one sweep over both sorted lists with a stack of open scopes, so a file with thousands of classes stays linear.
 */
function innermostOwners<T extends { node: SyntaxNode; start: number; end: number; outerNode: SyntaxNode }>(unsorted: readonly T[], offsets: number[]): Map<number, T> {
  const owners = new Map<number, T>();
  if (offsets.length === 0) return owners;
  offsets.sort((a, b) => a - b);
  // Each start read once (the model read an undecorated definition's already), not at every comparison.
  const scopes = unsorted.map((scope) => ({ scope, start: scope.outerNode === scope.node ? scope.start : scope.outerNode.startIndex })).sort((a, b) => a.start - b.start);
  const stack: { scope: T; end: number }[] = [];
  let next = 0;
  for (const offset of offsets) {
    while (next < scopes.length && (scopes[next] as { start: number }).start <= offset) {
      const { scope, start } = scopes[next] as { scope: T; start: number };
      while (stack.length > 0 && (stack[stack.length - 1]?.end ?? 0) <= start) stack.pop();
      // The model read an undecorated definition's end already.
      stack.push({ scope, end: scope.outerNode === scope.node ? scope.end : scope.outerNode.endIndex });
      next++;
    }
    while (stack.length > 0 && (stack[stack.length - 1]?.end ?? 0) <= offset) stack.pop();
    const top = stack[stack.length - 1];
    if (top) owners.set(offset, top.scope);
  }
  return owners;
}

/** A class is mock-using when its own body creates a mock (a patch that replaces nothing with one does not count), or a method requests `mocker`. */
export function isMockUsing(ctx: FileContext, cls: ClassInfo): boolean {
  if (hygieneFacts(ctx).mockCreatingClasses.has(cls)) return true;
  for (const method of cls.methods.values()) if (method.params.some((p) => MOCKER_FIXTURES.has(p))) return true;
  return false;
}

export function inHygieneScope(ctx: FileContext, cls: ClassInfo): boolean {
  if (!ctx.collection.isTestClass(cls)) return false;
  return ctx.options.classHygieneScope === "all" || isMockUsing(ctx, cls);
}

/** An `xdist_group` mark applies: on the class, an enclosing class, a same-file base, or the module. */
export function hasXdistGroup(ctx: FileContext, cls: ClassInfo): boolean {
  return marksOf(ctx, cls).some((m) => m.name === "xdist_group");
}

export interface TeardownLookup {
  /** The teardown pytest would call, own or inherited from a same-file base. */
  method: FunctionInfo | undefined;
  callsGcCollect: boolean;
}

/** The class's `teardown_method` (or `tearDown` for a TestCase subclass), nearest in its same-file lineage. */
export function findTeardown(ctx: FileContext, cls: ClassInfo): TeardownLookup {
  const names = ctx.collection.isTestCaseSubclass(cls) ? ["teardown_method", "tearDown"] : ["teardown_method"];
  const calling = hygieneFacts(ctx).functionsCallingGcCollect;
  let first: FunctionInfo | undefined;
  for (const name of names) {
    for (const c of ctx.collection.lineage(cls)) {
      const method = c.methods.get(name);
      if (!method) continue;
      if (calling.has(method)) return { method, callsGcCollect: true };
      first = first ?? method;
      break;
    }
  }
  return { method: first, callsGcCollect: false };
}

/** The span MEM102/MEM103 report: from the `class` keyword to the end of the class name. */
export function classHeaderSpan(cls: ClassInfo): { start: number; end: number } {
  return { start: cls.node.startIndex, end: cls.nameNode.endIndex };
}
