import { constantsOf, type ConstantEvaluator } from "../../engine/semantic/constants.js";
import type { FunctionInfo } from "../../engine/model.js";
import { directlyIn } from "../../engine/semantic/enclosing.js";
import type { SyntaxNode } from "../../engine/parser.js";
import type { FileContext } from "../../engine/rule.js";
import { callNamedAt } from "../../engine/syntax.js";
import { arrayAllocations } from "./arrays.js";
import { attached } from "../../engine/attached.js";
import { callsIn, nameMatcher } from "./calls.js";
import { declareOption, optionSchemas } from "../../engine/options.js";

export const DEFAULT_HEAVY_CONSTRUCTORS = [
  "SentenceTransformer", "AutoModel.from_pretrained", "AutoTokenizer.from_pretrained", "AutoModelForCausalLM.from_pretrained",
  "AutoModelForSequenceClassification.from_pretrained", "pipeline", "create_engine", "create_async_engine",
  "chromadb.HttpClient", "chromadb.PersistentClient", "chromadb.Client", "docker.from_env", "webdriver.Chrome", "webdriver.Firefox",
  "spacy.load", "torch.load",
];

export const maxTestData = declareOption({
  key: "max-test-data",
  property: "maxTestData",
  schema: optionSchemas.nonNegativeInt,
  default: 1000,
  type: "integer",
  description:
    "The most elements test data built from `range()` may have.",
});

export const heavyConstructors = declareOption({
  key: "heavy-constructors",
  property: "heavyConstructors",
  schema: optionSchemas.names,
  default: DEFAULT_HEAVY_CONSTRUCTORS,
  type: "list of dotted names",
  description:
    "Calls that load a model, an engine or a browser. A name matches a call that resolves through the file's imports to it, or to `<module>.<name>` reached through a module or a `from`-import (`create_engine` matches `sqlalchemy.create_engine`, `sa.create_engine` and `from sqlalchemy import create_engine as ce`); a method of another object that merely shares the last name (`DatabaseManager.create_async_engine`, `manager.create_engine`) does not match, nor does a call through an unknown name. Setting it replaces the default list.",
});

/**
 * Oversized test data (MEM302's measure, shared with MEM301 and MEM304): data materialised from `range(n)`
 * with more than `max-test-data` elements — a list/set/dict comprehension over it, a generator or `range`
 * passed to `list`, `tuple`, `set`, `frozenset`, `dict`, `sorted` or `np.array`, a list or tuple repeated
 * `[x] * n`. Parametrize values and what `sum`/`any`/`all`/`min`/`max` consume at once are left out here;
 * where the data lives (test, fixture, module) is for each rule to judge.
 */

export interface DataSite {
  /** The expression that builds the data (reported by MEM302). */
  node: SyntaxNode;
  /** Element count. */
  size: number;
}

/**
 * `[x] * n`, `(x,) * n`, `n * [x]`: a `*` next to a list or tuple literal. Found from the text and
 * confirmed in the tree (a query over the whole tree costs as much as half a parse on big files).
 */
const REPEAT_TEXT = /[\])](?=\s*\*(?!\*))|(?<![*(,=]\s*)\*\s*[[(]/g;
/** Words after which `[`/`(` opens a literal, not a subscript or a call. */
const KEYWORDS_BEFORE_LITERAL = new Set(["return", "yield", "in", "else", "and", "or", "not", "is", "if", "await", "assert", "lambda", "del", "for", "from", "print"]);
/** How far bracket matching looks in the text. */
const BRACKET_SCAN_LIMIT = 4000;
const RANGE_CALL_TEXT = /\brange\s*\(/g;
const MATERIALISERS = new Set(["builtins.list", "builtins.tuple", "builtins.set", "builtins.frozenset", "builtins.dict", "builtins.sorted", "numpy.array"]);
const CONSUMERS = new Set(["builtins.sum", "builtins.any", "builtins.all", "builtins.min", "builtins.max"]);

/** Element count of a comprehension or generator whose every `for` clause iterates a constant `range`; no `if` clause. */
export function comprehensionSize(consts: ConstantEvaluator, node: SyntaxNode): number | undefined {
  let size = 1;
  let clauses = 0;
  for (const child of node.namedChildren) {
    if (child.type === "if_clause") return undefined;
    if (child.type !== "for_in_clause") continue;
    clauses++;
    const n = consts.rangeLength(child.childForFieldName("right"));
    if (n === undefined) return undefined;
    size *= n;
  }
  return clauses > 0 ? size : undefined;
}

function unwrap(node: SyntaxNode | undefined | null): SyntaxNode | undefined {
  let cur = node ?? undefined;
  while (cur?.type === "parenthesized_expression" && cur.namedChildCount === 1) cur = cur.namedChild(0) ?? undefined;
  return cur;
}

/** Element count of `list(range(n))`, `set(x for x in range(n))`, `np.array(range(n))`, …; else undefined. */
function materialisedSize(ctx: FileContext, consts: ConstantEvaluator, call: SyntaxNode): number | undefined {
  if (!MATERIALISERS.has(ctx.model.resolver.resolve(call.childForFieldName("function")) ?? "")) return undefined;
  const args = call.childForFieldName("arguments");
  if (!args) return undefined;
  if (args.type === "generator_expression") return comprehensionSize(consts, args);
  const first = unwrap(args.namedChildren.find((c) => c.type !== "comment" && c.type !== "keyword_argument"));
  if (!first) return undefined;
  if (first.type === "generator_expression") return comprehensionSize(consts, first);
  if (first.type === "call") return consts.rangeLength(first);
  return undefined;
}

function repeatSize(consts: ConstantEvaluator, seq: SyntaxNode, count: SyntaxNode): number | undefined {
  const items = seq.namedChildren.filter((c) => c.type !== "comment");
  if (items.some((c) => c.type === "list_splat" || c.type === "parenthesized_list_splat")) return undefined;
  const n = consts.int(count);
  if (n === undefined) return undefined;
  return Math.max(0, n) * items.length;
}

/**
 * The expressions that may materialise a `range(...)` call of the file: the comprehension one of whose
 * `for` clauses iterates it, or the call it (or a generator over it) is the first argument of. Found
 * from the text's `range(` occurrences (strings and comments are skipped), so no query brings every
 * call of the file into JS.
 */
function rangeConsumers(ctx: FileContext): SyntaxNode[] {
  const result: SyntaxNode[] = [];
  const text = ctx.file.text;
  RANGE_CALL_TEXT.lastIndex = 0;
  for (let m = RANGE_CALL_TEXT.exec(text); m; m = RANGE_CALL_TEXT.exec(text)) {
    const found = callNamedAt(ctx.root, m.index);
    // `range(...)` itself, not `obj.range(...)`.
    if (!found || found.callee !== found.name || found.name.text !== "range") continue;
    const { call } = found;
    let parent = call.parent;
    if (parent?.type === "for_in_clause" && parent.childForFieldName("right")?.startIndex === call.startIndex) {
      const comprehension = parent.parent;
      if (!comprehension) continue;
      if (comprehension.type !== "generator_expression") {
        result.push(comprehension);
        continue;
      }
      // A generator: what matters is the call it is given to.
      parent = comprehension.parent;
      if (parent?.type === "call") {
        result.push(parent);
        continue;
      }
      if (parent?.type === "argument_list" && firstArgument(parent)?.startIndex === comprehension.startIndex && parent.parent) result.push(parent.parent);
      continue;
    }
    if (parent?.type === "argument_list" && firstArgument(parent)?.startIndex === call.startIndex && parent.parent?.type === "call") result.push(parent.parent);
  }
  return result;
}

function firstArgument(args: SyntaxNode): SyntaxNode | undefined {
  return args.namedChildren.find((c) => c.type !== "comment");
}

interface Repeat {
  repeat: SyntaxNode;
  seq: SyntaxNode;
  count: SyntaxNode;
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[\w'"]/.test(c);
}

/** Offset of the bracket matching the one at `at` (searching backward for a closer, forward for an opener). */
function matchingBracket(text: string, at: number): number {
  const open = text[at] === "(" || text[at] === "[";
  const step = open ? 1 : -1;
  let depth = 0;
  for (let i = at, n = 0; i >= 0 && i < text.length && n < BRACKET_SCAN_LIMIT; i += step, n++) {
    const c = text[i];
    if (c === "(" || c === "[" || c === "{") depth += step;
    else if (c === ")" || c === "]" || c === "}") depth -= step;
    if (depth === 0) return i;
  }
  return -1;
}

/** The text between brackets holds a comma outside nested brackets (a tuple, not a parenthesised expression). */
function hasTopLevelComma(text: string, open: number, close: number): boolean {
  let depth = 0;
  for (let i = open + 1; i < close; i++) {
    const c = text[i];
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    else if (c === "," && depth === 0) return true;
  }
  return false;
}

/** `[`/`(` at `open` starts a literal: not preceded by a name, a closing bracket or a string (a subscript or call). */
function opensLiteral(text: string, open: number): boolean {
  let i = open - 1;
  while (i >= 0 && (text[i] === " " || text[i] === "\t")) i--;
  const c = text[i];
  if (c === ")" || c === "]") return false;
  if (!isWordChar(c)) return true;
  let j = i;
  while (j >= 0 && /\w/.test(text[j] ?? "")) j--;
  return KEYWORDS_BEFORE_LITERAL.has(text.slice(j + 1, i + 1));
}

function repeatCandidates(ctx: FileContext): Repeat[] {
  const text = ctx.file.text;
  const result: Repeat[] = [];
  REPEAT_TEXT.lastIndex = 0;
  for (let m = REPEAT_TEXT.exec(text); m; m = REPEAT_TEXT.exec(text)) {
    const bracket = m[0].length === 1 ? m.index : m.index + m[0].length - 1;
    // The text tells most subscripts, calls and parenthesised expressions apart; a bracket too far away
    // to match in the text is left to the tree.
    const other = matchingBracket(text, bracket);
    if (other >= 0) {
      const open = Math.min(bracket, other);
      const close = Math.max(bracket, other);
      if (!opensLiteral(text, open)) continue;
      if (text[open] === "(" && !hasTopLevelComma(text, open, close)) continue;
    }
    // Confirm in the tree: the bracket belongs to a list or tuple that is an operand of `*`.
    const seq = ctx.root.descendantForIndex(bracket, bracket + 1).parent;
    if (!seq || (seq.type !== "list" && seq.type !== "tuple")) continue;
    const repeat = seq.parent;
    if (repeat?.type !== "binary_operator" || repeat.childForFieldName("operator")?.type !== "*") continue;
    const left = repeat.childForFieldName("left");
    const right = repeat.childForFieldName("right");
    const count = left?.startIndex === seq.startIndex ? right : left;
    if (count && count.startIndex !== seq.startIndex) result.push({ repeat, seq, count });
  }
  return result;
}

/** A parametrize value (`@pytest.mark.parametrize`, `pytest.param`, `metafunc.parametrize`, fixture `params=`). */
function isParametrizeValue(ctx: FileContext, node: SyntaxNode): boolean {
  for (let cur = node.parent; cur; cur = cur.parent) {
    if (cur.type === "call") {
      const callee = cur.childForFieldName("function");
      const text = callee?.text ?? "";
      if (text === "parametrize" || text.endsWith(".parametrize") || ctx.model.resolver.resolve(callee) === "pytest.param") return true;
    } else if (cur.type === "keyword_argument" && cur.childForFieldName("name")?.text === "params") {
      if (cur.parent?.parent?.parent?.type === "decorator") return true;
    } else if (cur.type === "function_definition" || cur.type === "module") {
      return false;
    }
  }
  return false;
}

/** The data is the argument of `sum`/`any`/`all`/`min`/`max`, consumed at once. */
function isConsumedAtOnce(ctx: FileContext, node: SyntaxNode): boolean {
  const parent = node.parent;
  const call = parent?.type === "argument_list" ? parent.parent : undefined;
  if (call?.type !== "call") return false;
  return CONSUMERS.has(ctx.model.resolver.resolve(call.childForFieldName("function")) ?? "");
}

const DATA = Symbol("oversizedData");

/** Every oversized data expression of a file (over `max-test-data` elements), outermost only, in source order. */
export function oversizedData(ctx: FileContext): DataSite[] {
  return attached(ctx, DATA, () => findOversizedData(ctx));
}

function findOversizedData(ctx: FileContext): DataSite[] {
  let sites: DataSite[] = [];
  const text = ctx.file.text;
  // Cheap pre-checks: the comprehension and call forms need `range`, the third a repetition.
  const hasRange = text.includes("range");
  const hasRepeat = text.includes("*");
  if (hasRange || hasRepeat) {
    const consts = constantsOf(ctx.model);
    const limit = ctx.options.maxTestData;
    const candidates: DataSite[] = [];
    const sizes = new Map<string, number>();
    const key = (n: SyntaxNode) => `${n.startIndex}:${n.endIndex}`;
    const add = (node: SyntaxNode | undefined, size: number | undefined) => {
      if (!node || size === undefined || sizes.has(key(node))) return;
      sizes.set(key(node), size);
      candidates.push({ node, size });
    };
    if (hasRange) {
      for (const node of rangeConsumers(ctx)) {
        add(node, node.type === "call" ? materialisedSize(ctx, consts, node) : comprehensionSize(consts, node));
      }
    }
    if (hasRepeat) {
      for (const { repeat, seq, count } of repeatCandidates(ctx)) add(repeat, repeatSize(consts, seq, count));
    }
    // Innermost first, so a comprehension of lists counts the elements of its lists too.
    candidates.sort((a, b) => b.node.startIndex - a.node.startIndex || a.node.endIndex - b.node.endIndex);
    for (const c of candidates) {
      if (c.node.type !== "list_comprehension" && c.node.type !== "set_comprehension") continue;
      const body = unwrap(c.node.childForFieldName("body"));
      const inner = body ? sizes.get(key(body)) : undefined;
      if (inner !== undefined && inner > 0) {
        c.size *= inner;
        sizes.set(key(c.node), c.size);
      }
    }
    for (const c of candidates) {
      if (c.size <= limit || isParametrizeValue(ctx, c.node) || isConsumedAtOnce(ctx, c.node)) continue;
      sites.push(c);
    }
    sites.sort((a, b) => a.node.startIndex - b.node.startIndex || b.node.endIndex - a.node.endIndex);
    // Report the outermost expression only: `[[0] * 5000 for _ in range(10)]` is one finding.
    const kept: DataSite[] = [];
    for (const s of sites) {
      const outer = kept[kept.length - 1];
      if (outer && s.node.startIndex >= outer.node.startIndex && s.node.endIndex <= outer.node.endIndex) continue;
      kept.push(s);
    }
    sites = kept;
  }
  return sites;
}

// One definition of "the functions around a node", in the semantic model; re-exported for the rules that import it from here.
export { enclosingFunctions, directlyIn, type Enclosing } from "../../engine/semantic/enclosing.js";

export type HeavyWork =
  | { kind: "data"; node: SyntaxNode; size: number }
  | { kind: "array"; node: SyntaxNode; size: number; callee: string }
  | { kind: "constructor"; node: SyntaxNode; name: string };

/**
 * What makes a fixture heavy (MEM301, MEM304): the first oversized data, array allocation over
 * `max-array-elements` (only when `arrays` is set: MEM301) or call of a `heavy-constructors` name directly
 * in its body (not in a nested function or lambda, which runs only when called).
 */
export function heavyWork(ctx: FileContext, fn: FunctionInfo, arrays = false): HeavyWork | undefined {
  const found: HeavyWork[] = [];
  const inBody = (node: SyntaxNode) => node.startIndex >= fn.body.startIndex && node.endIndex <= fn.body.endIndex && directlyIn(ctx, node, fn);
  for (const site of oversizedData(ctx)) {
    if (inBody(site.node)) {
      found.push({ kind: "data", node: site.node, size: site.size });
      break;
    }
  }
  if (arrays) {
    for (const a of arrayAllocations(ctx)) {
      if (a.size > ctx.options.maxArrayElements && inBody(a.call)) {
        found.push({ kind: "array", node: a.call, size: a.size, callee: a.callee });
        break;
      }
    }
  }
  const matcher = nameMatcher(ctx.options.heavyConstructors);
  for (const c of matcher.mayMatchIn(ctx.file.text) ? callsIn(ctx, fn) : []) {
    if (c.call.startIndex < fn.body.startIndex) continue;
    const name = matcher.matchCall(ctx.model.resolver, c);
    if (name !== undefined && directlyIn(ctx, c.call, fn)) {
      found.push({ kind: "constructor", node: c.call, name });
      break;
    }
  }
  found.sort((a, b) => a.node.startIndex - b.node.startIndex);
  return found[0];
}
