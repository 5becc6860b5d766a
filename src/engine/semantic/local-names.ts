import { isAsciiWordCode } from "../source-scan.js";
import { innermostHolding, type ClassInfo, type FunctionInfo, type ModuleModel } from "../model.js";
import { MOCKER_FIXTURES } from "./resolver.js";
import type { Binding } from "./bindings.js";
import { semanticOf } from "./bindings.js";

/**
 * What the function and class scopes around a position bind a name to, for the resolver's one lookup:
 * `undefined` when none binds it (the module's binding, then the fallbacks, decide), `null` when one
 * binds it to something that is not an import (a parameter, an assignment, a `with` target), else the
 * qualified name a local import or `importorskip` binds.
 *
 * Cheap by construction: the definitions around an offset come from a sorted search over the model's
 * functions and classes (no parent walk), a parameter is read from `FunctionInfo.params`, and a scope's
 * binding table is built only when its text may bind the name (see `mayBind`). Lambdas and
 * comprehensions are not scopes here: their targets rarely shadow an import.
 */
export class LocalNames {
  private containers: Container[] | undefined;

  constructor(private readonly model: ModuleModel) {}

  lookup(name: string, offset: number): string | null | undefined {
    let passedFunction = false;
    let innermost = true;
    for (let c = this.innermostAt(offset); c; c = c.parent) {
      // A definition's header (parameters, defaults, annotations, bases) is evaluated around it.
      if (offset < this.bodyStart(c)) continue;
      if (c.cls) {
        // A class's names are visible in its own body, not in its methods.
        if (passedFunction) continue;
      } else {
        passedFunction = true;
        // A parameter named like pytest-mock's fixture is that fixture (the resolver's `mocker` fallback).
        if ((c.fn as FunctionInfo).params.includes(name) && !MOCKER_FIXTURES.has(name) && !this.mayBind(c, name)) return null;
      }
      const first = innermost;
      innermost = false;
      if (!this.mayBind(c, name)) continue;
      const bindings = semanticOf(this.model).scopeOf(c.node).bindingsOf(name);
      if (bindings.length === 0) continue;
      const declared = c.fn ? bindings.find((b) => b.kind === "global" || b.kind === "nonlocal") : undefined;
      if (declared?.kind === "global") return undefined;
      if (declared?.kind === "nonlocal") continue;
      // A class body runs top to bottom and looks a name it has not bound yet up outside; a function's name is local throughout.
      if (c.cls && bindings[0] && bindings[0].node.startIndex > offset) continue;
      const visible = first ? visibleAt(bindings, offset) : bindings[bindings.length - 1];
      if (visible?.kind === "parameter" && MOCKER_FIXTURES.has(name)) continue;
      return visible?.qualified ?? null;
    }
    return undefined;
  }

  /** The innermost function or class whose node holds the offset (its header included). */
  private innermostAt(offset: number): Container | undefined {
    return innermostHolding((this.containers ??= containersOf(this.model)), offset, (c) => offset < c.end);
  }

  private bodyStart(c: Container): number {
    return (c.bodyStart ??= (c.fn ?? (c.cls as ClassInfo)).body.startIndex);
  }

  /**
   * Whether the definition's body may bind the name: a text check for the statements that bind one
   * (`import`, `as`, an assignment target, `for`, `global`, `del`, `def`, `class`, `:=`), generous
   * (a keyword argument or a loop over the name passes too). Missed: a target list split over lines.
   */
  private mayBind(c: Container, name: string): boolean {
    let known = c.binds.get(name);
    if (known === undefined) {
      known = mayBindIn(this.model.hints.text, this.bodyStart(c), c.end, name);
      c.binds.set(name, known);
    }
    return known;
  }
}

interface Container {
  start: number;
  end: number;
  node: FunctionInfo["node"];
  fn?: FunctionInfo;
  cls?: ClassInfo;
  parent: Container | undefined;
  bodyStart?: number;
  /** `mayBind` answers by name. */
  binds: Map<string, boolean>;
}

/** The model's functions and classes in document order, each with the nearest one around it. */
function containersOf(model: ModuleModel): Container[] {
  const byInfo = new Map<FunctionInfo | ClassInfo, Container>();
  return model.definitionsInOrder.map((info) => {
    const parent = info.outer && byInfo.get(info.outer);
    const c: Container = "params" in info ? { start: info.start, end: info.end, node: info.node, fn: info, parent, binds: new Map() } : { start: info.start, end: info.end, node: info.node, cls: info, parent, binds: new Map() };
    byInfo.set(info, c);
    return c;
  });
}

/** In the scope of the use, the last binding before it (the first one if none comes before). */
function visibleAt(bindings: readonly Binding[], offset: number): Binding | undefined {
  let visible = bindings[0];
  for (const b of bindings) if (b.node.startIndex <= offset) visible = b;
  return visible;
}

/** After a name: `n = `, `n += `, `n: T`, `n := `. */
const ASSIGNED = /^[ \t]*(?:(?:[-+*/%&|^@]|\/\/|\*\*|>>|<<)?=(?!=)|:)/;
/**
 * Before a name on its line: `import a, n`, `as n` (an import alias, `with`, `except`; `as (a, n)`),
 * `for a, n in` (a target, not the iterable), `global`/`nonlocal`/`del a, n`, `def n`, `class n`.
 */
const BINDING_BEFORE = /\bimport\b|\bas\b\s*\(?[\w \t,]*$|\bfor\b(?:(?!\bin\b)[\w \t,()[\]*])*$|^[ \t]*(?:global|nonlocal|del)\b|\b(?:def|class)\s+$/;
/** `def name(` and `class name(`. */
const DEFINED_BEFORE = /\b(?:def|class)\s+$/;
/** A target list around a name: `a, n = `, `(a, [n, *b]) = `. */
const TARGET_BEFORE = /^[\w \t,()[\]*.]*$/;
const TARGET_AFTER = /^[\w \t,()[\]*.]*=(?!=)/;
/** An unclosed `import (` or `as (` before a name at the start of a line: `from m import (\n    a,\n    n,\n)`. */
const NAMES_BEFORE = /^[\w \t,]*$/;
const OPEN_LIST = /\b(?:import|as)\s*\([^)]*$/;

/** Whether the occurrence of a name at `at` (a whole word) may bind it. */
function bindsAt(text: string, at: number, length: number): boolean {
  const lineStart = text.lastIndexOf("\n", at - 1) + 1;
  const before = text.slice(lineStart, at);
  // Most uses are `name.attr` or `name(...)`: only `import name.sub` and `def name(` / `class name(` bind there.
  const next = text.charCodeAt(at + length);
  if (next === 46) return before.includes("import");
  if (next === 40) return DEFINED_BEFORE.test(before);
  let lineEnd = text.indexOf("\n", at);
  if (lineEnd === -1) lineEnd = text.length;
  const after = text.slice(at + length, lineEnd);
  if (ASSIGNED.test(after) || BINDING_BEFORE.test(before)) return true;
  if (TARGET_BEFORE.test(before) && TARGET_AFTER.test(after)) return true;
  if (!NAMES_BEFORE.test(before)) return false;
  const open = text.lastIndexOf("(", at);
  return open !== -1 && OPEN_LIST.test(text.slice(Math.max(0, open - 16), at));
}

/** Whether `text[start, end)` holds the name as a whole word where it may be bound (see `LocalNames.mayBind`). */
export function mayBindIn(text: string, start: number, end: number, name: string): boolean {
  // A slice shares the file's characters (no copy), and bounds each search to the definition.
  return mayBindAt(text.slice(start, end), name, true).length > 0;
}

/**
 * Every offset of the text where the name may be bound (`mayBindIn` for the whole text, each place):
 * for a caller asking about one name in many definitions, one pass, then a search per definition.
 */
export function mayBindOffsets(text: string, name: string): number[] {
  return mayBindAt(text, name, false);
}

function mayBindAt(body: string, name: string, first: boolean): number[] {
  const found: number[] = [];
  for (let at = body.indexOf(name); at !== -1; at = body.indexOf(name, at + 1)) {
    // Inside a longer word, or an attribute (`x.name`): never a binding of the name.
    if (at > 0 && (isAsciiWordCode(body.charCodeAt(at - 1)) || body.charCodeAt(at - 1) === 46)) continue;
    if (isAsciiWordCode(body.charCodeAt(at + name.length))) continue;
    if (!bindsAt(body, at, name.length)) continue;
    found.push(at);
    if (first) break;
  }
  return found;
}
