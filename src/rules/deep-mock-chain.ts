import type { SyntaxNode } from "../engine/parser.js";
import { createRule, type FileContext } from "../engine/rule.js";
import { escapeRegExp, identifierEnd, identifierStartBack, skipBalanced, skipSpace, skipSpaceBack } from "../engine/source-scan.js";
import { mockAnalysis, type MockAnalysis } from "../engine/semantic/mocks.js";
import { semanticOf, type SemanticModel } from "../engine/semantic/bindings.js";
import { declareOption, optionSchemas } from "../engine/options.js";

export const maxMockChainDepth = declareOption({
  key: "max-mock-chain-depth",
  property: "maxMockChainDepth",
  schema: optionSchemas.nonNegativeInt,
  default: 2,
  type: "integer",
  description:
    "The deepest attribute chain on a mock MEM203 allows.",
});

export default createRule({
  meta: {
    code: "MEM203",
    name: "deep-mock-chain",
    severity: "warning",
    fix: "none",
    enabledByDefault: true,
    summary: "An attribute chain on a mock is deeper than `max-mock-chain-depth`.",
    messages: {
      deep: "Mock chain `{chain}` is {depth} levels deep (at most {max}): every level is another child mock kept alive with its call records",
    },
    docs: {
      whatItDoes:
        "Checks for attribute chains on a mock deeper than `max-mock-chain-depth` (default 2), read or written. The depth counts the links after the mock: each attribute is one, a call in the chain (`m.a().b`) is one (its `return_value`), `return_value` and dunder names (`__enter__`) in the middle count, and a subscript ends the chain. The last name is not counted when it is the mock API (`return_value`, `side_effect`, `called`, `call_count`, `call_args`, `call_args_list`, `mock_calls`, `method_calls`, `await_count`, `await_args`, `await_args_list`, `assert_*`, `reset_mock`, `configure_mock`, `attach_mock`), and the chain ends at such a name (what follows `call_args` is not a mock), or at a link that the same scope (or one around it) last set to something not seen to be a mock (after `m.files.return_value = []`, `m.files.return_value.append(x)` is a list method, not a child mock). So `m.execute.return_value = x` is depth 1, `m.client.connection.cursor.execute.return_value = x` depth 4 and `m.httpx.stream.return_value.__enter__.return_value` depth 4. One finding per chain, at its start.\n\nA root is a mock when the linter can see it is one: a name bound in the same scope to a mock constructor, to `patch(...).start()`, `mocker.patch*(...)` or `create_autospec(...)`; `with patch(...) as m`; a parameter injected by `@patch` decorators (bottom-up, none for a `patch` given `new`); `self.<attr>` bound so anywhere in the class; a name or attribute starting with `mock_`, unless it is a parameter requesting a fixture of the same file whose every `return`/`yield` visibly gives something else (an instance of a class, a literal). A long chain on anything else (a builder, a module) is never flagged.",
      whyIsThisBad:
        "Every level of a chain on a mock creates a child mock that the parent keeps, with its own call records, for as long as the root lives. Deep chains are a sign the test mocks the internals of a collaborator instead of its interface; they build large trees of mocks that pile up in long-lived xdist workers, and they break silently when the real code changes shape.",
      example:
        "def test_rows(mocker):\n    db = mocker.MagicMock()\n    db.client.connection.cursor.execute.return_value = [(1,)]\n    assert count_rows(db) == 1\n",
      useInstead:
        "def test_rows(mocker):\n    cursor = mocker.MagicMock(spec_set=Cursor)\n    cursor.execute.return_value = [(1,)]\n    assert count_rows(FakeDb(cursor)) == 1\n",
    },
    options: [maxMockChainDepth],
  },
  create(ctx) {
    return {
      "module:exit"() {
        const max = ctx.options.maxMockChainDepth;
        for (const chain of deepChains(ctx.shared, max)) {
          ctx.report({ range: chain, messageId: "deep", data: { chain: chain.text, depth: chain.depth, max } });
        }
      },
    };
  },
});

/** A chain on a mock deeper than allowed: where it is, its label and its depth. */
interface MockChain {
  start: number;
  end: number;
  /** The counted part, calls shown as `()`: `m.client.connection`; a long one shortened (`m.a.a.a….a`). */
  text: string;
  depth: number;
}

/** A link of a chain: an attribute (its name) or a call (no name), and where it ends. */
interface Link {
  name: string | undefined;
  end: number;
}

/** What the search of one file's chains reads: the file's text and tree, and what the mock analysis knows. */
interface ChainSearch {
  mocks: MockAnalysis;
  /** The file's scopes: a chain's names are looked up from the scope its start is in. */
  semantic: SemanticModel;
  text: string;
  root: SyntaxNode;
  maxDepth: number;
}

/**
 * Attribute chains on mocks deeper than `maxDepth`, in text order. Each attribute after the root is a
 * link, a call in the chain is one (its `return_value`), a subscript ends the chain, and so does a mock
 * API name other than `return_value` (what follows is not a child mock) or a link set in the same scope
 * to something not seen to be a mock (`m.a.return_value = []`); a trailing call and a trailing mock API
 * name are not counted.
 *
 * The chains are found in the text (where a mock's name starts a dotted name) and the tree is asked only
 * about those long enough to be flagged.
 */
function deepChains(file: FileContext, maxDepth: number): MockChain[] {
  const mocks = mockAnalysis(file);
  if (!mocks.mayHaveMocks()) return [];
  const search: ChainSearch = { mocks, semantic: semanticOf(file.model), text: file.file.text, root: file.root, maxDepth };
  const text = search.text;
  const result: MockChain[] = [];
  for (const base of chainStarts(search)) {
    const nameEnd = identifierEnd(text, base);
    const links = scanLinks(text, nameEnd);
    if (links.length <= maxDepth) continue;
    const chain = chainFrom(search, base, nameEnd, links);
    if (chain) result.push(chain);
  }
  return result;
}

/** A `mock_*` name or attribute. */
const MOCK_NAMED = /(?<![\w])mock_\w+/g;
/** A name `MOCK_NAMED` matches whole. */
const MOCK_NAME = /^mock_\w+$/;

/** Where a chain on a mock may start, in text order: the mock names, `self.<mock>`, the dotted names holding a `mock_*`. */
function chainStarts({ mocks, text }: ChainSearch): number[] {
  const bases = new Set<number>();
  // Names bound to mocks and injected parameters, where they start a chain. A `mock_*` name is left to
  // the `mock_*` search below: it finds each of its occurrences, and adds any that starts a chain.
  const named = [...mocks.mockBoundNames()].filter((name) => !MOCK_NAME.test(name));
  for (const o of mocks.occurrencesOfAny(named)) if (dottedStart(text, o) === o) bases.add(o);
  // `self.<attr>` bound to mocks.
  const attrs = mocks.selfAttributeRoots();
  if (attrs.size > 0) {
    const re = new RegExp(`(?<![\\w.])(?:self|cls)\\s*\\.\\s*(?:${[...attrs].map(escapeRegExp).join("|")})(?![\\w])`, "g");
    for (const m of text.matchAll(re)) bases.add(m.index);
  }
  // `mock_*` names and attributes: the chain starts at the name the dotted prefix starts with.
  for (const m of text.matchAll(MOCK_NAMED)) {
    const base = dottedStart(text, m.index);
    if (base !== undefined) bases.add(base);
  }
  return [...bases].sort((a, b) => a - b);
}

/** The chain whose base name spans `[base, nameEnd)`, when its root is a mock and it is deeper than allowed. */
function chainFrom(search: ChainSearch, base: number, nameEnd: number, scanned: Link[]): MockChain | undefined {
  const { mocks, text, maxDepth } = search;
  // Decide from the text whether the chain can have a mock root before asking the tree about it.
  const scope = search.semantic.scopeAt(base);
  const baseName = text.slice(base, nameEnd);
  const rootLinks = mocks.rootLength(baseName, base, scanned, scope);
  if (rootLinks === undefined) return undefined;
  const links = chainLinks(search, base, nameEnd, scanned);
  if (!links || (links !== scanned && mocks.rootLength(baseName, base, links, scope) !== rootLinks)) return undefined;
  // The links after the root, cut after the first mock API name that is not `return_value`, or
  // after a prefix set to something not seen to be a mock (`m.a.return_value = []`).
  const counted: Link[] = [];
  let cut = false;
  let prefix: string | undefined = baseName;
  for (let i = 0; i < rootLinks; i++) prefix = links[i]?.name !== undefined && prefix !== undefined ? `${prefix}.${links[i]?.name}` : undefined;
  for (const link of links.slice(rootLinks)) {
    counted.push(link);
    const name = link.name;
    prefix = name !== undefined && prefix !== undefined ? `${prefix}.${name}` : undefined;
    if (name !== undefined && name !== "return_value" && isMockApiAttribute(name)) {
      cut = true;
      break;
    }
    if (prefix !== undefined && mocks.holdsNonMock(prefix, scope, base)) {
      cut = true;
      break;
    }
  }
  if (!cut) while (counted.length > 0 && counted[counted.length - 1]?.name === undefined) counted.pop();
  const lastName = counted[counted.length - 1]?.name;
  if (lastName !== undefined && isMockApiAttribute(lastName)) counted.pop();
  const depth = counted.length;
  const last = counted[counted.length - 1];
  if (depth <= maxDepth || !last) return undefined;
  const parts = [baseName];
  for (const link of [...links.slice(0, rootLinks), ...counted]) parts.push(link.name === undefined ? "()" : `.${link.name}`);
  return { start: base, end: last.end, text: chainLabel(parts), depth };
}

/** Mock attributes that are not children: the chain ends at them, and a last one is not counted. */
const MOCK_API = new Set([
  "return_value", "side_effect", "called", "call_count", "call_args", "call_args_list", "mock_calls", "method_calls",
  "await_count", "await_args", "await_args_list", "reset_mock", "configure_mock", "attach_mock",
]);

function isMockApiAttribute(name: string): boolean {
  return MOCK_API.has(name) || name.startsWith("assert_");
}

/**
 * The links of the chain whose base name spans `[base, nameEnd)`. The text scan gives them when
 * the tree agrees on where the chain ends; otherwise (a newline between two statements, a
 * construct the scan does not follow) they are read from the tree.
 */
function chainLinks({ root }: ChainSearch, base: number, nameEnd: number, scanned: Link[]): Link[] | undefined {
  const scanEnd = scanned[scanned.length - 1]?.end ?? nameEnd;
  const guess = root.descendantForIndex(base, scanEnd);
  if ((guess.type === "attribute" || guess.type === "call") && guess.startIndex === base && guess.endIndex === scanEnd) return scanned;
  let outer = root.descendantForIndex(base, nameEnd);
  if (outer.type !== "identifier" || outer.startIndex !== base) return undefined;
  for (let p = outer.parent; p && (p.type === "attribute" || p.type === "call") && p.startIndex === base; p = p.parent) outer = p;
  const links: Link[] = [];
  for (let n: SyntaxNode | null = outer; n && (n.type === "attribute" || n.type === "call"); ) {
    const attribute: boolean = n.type === "attribute";
    links.push({ name: attribute ? n.childForFieldName("attribute")?.text : undefined, end: n.endIndex });
    n = attribute ? n.childForFieldName("object") : n.childForFieldName("function");
  }
  return links.reverse();
}

/** The links (attributes and calls) that follow a name in the text, up to a subscript or anything else. */
function scanLinks(text: string, from: number): Link[] {
  const links: Link[] = [];
  let i = from;
  while (true) {
    const j = skipSpace(text, i);
    const ch = text[j];
    if (ch === ".") {
      const k = skipSpace(text, j + 1);
      const e = identifierEnd(text, k);
      if (e === k) break;
      links.push({ name: text.slice(k, e), end: e });
      i = e;
    } else if (ch === "(") {
      const e = skipBalanced(text, j);
      if (e < 0) break;
      links.push({ name: undefined, end: e });
      i = e;
    } else break;
  }
  return links;
}

/** The start of the dotted name that an identifier at `i` ends (`a.b.c` for `c`); undefined when its root is not a name. */
function dottedStart(text: string, i: number): number | undefined {
  while (true) {
    const j = skipSpaceBack(text, i);
    if (text[j - 1] !== ".") return i;
    const k = skipSpaceBack(text, j - 1);
    const s = identifierStartBack(text, k);
    if (s === k) return undefined;
    i = s;
  }
}

/** A chain longer than this is shown by its start and its last link, so that a message stays one short line. */
const LABEL_MAX = 80;
const LABEL_HEAD = 60;
const PART_MAX = 40;

/** The chain's text from its parts (`m`, `.a`, `()`), shortened to about LABEL_MAX characters. */
function chainLabel(parts: string[]): string {
  const cut = (part: string) => (part.length > PART_MAX ? `${part.slice(0, PART_MAX - 1)}…` : part);
  let total = 0;
  for (const part of parts) total += part.length;
  if (total <= LABEL_MAX) return parts.join("");
  let head = cut(parts[0] ?? "");
  let i = 1;
  for (; i < parts.length - 1; i++) {
    const next = cut(parts[i] ?? "");
    if (head.length + next.length > LABEL_HEAD) break;
    head += next;
  }
  const last = parts.length > 1 ? cut(parts[parts.length - 1] ?? "") : "";
  return i < parts.length - 1 ? `${head}…${last}` : head + last;
}
