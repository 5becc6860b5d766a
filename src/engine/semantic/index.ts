/**
 * The semantic model of a Python file, each fact in one place:
 * - bindings.ts: scopes and their bindings (`semanticOf(model)`: `bindingFor`, `bindingAt`,
 *   `scopeOf`, `scopeAt`, `scopeChain`, `bindingsWithin`), read by constant evaluation, MEM101 and the mock facts;
 * - local-names.ts: what the scopes around an offset bind a name to, the first step of the model's
 *   resolver (`model.resolver.resolve(node)`, the one way a name or dotted chain is resolved);
 * - enclosing.ts: the functions around a node;
 * - resolver.ts: the file's imports (module level, nested, star) and the names of the mock API;
 * - constants.ts: constant evaluation (sizes, counts) over the bindings;
 * - marks.ts: the pytest marks that apply to a test or class (`marksOf`, `markSourcesOf`, `mayInheritMarks`);
 * - mocks.ts: the mock facts (`mockAnalysis(file)`: the mock-creating and patch calls, which names are
 *   mocks where), on the table's scopes, read by MEM201–204 and the mock-using-class check of MEM102/103;
 * - fixtures.ts: the fixture table (`fileFixtures`, `moduleFixtures`, `fixtureResolver`, `testClosure`,
 *   `requestedNames`, `usefixturesNames`): a file's fixtures, those of the conftest.py files above it (from
 *   their summaries, ../conftest-summary.ts), and which of them a test gets;
 * - pytest-facts.ts: what a file tells about the suite's pytest setup (`filePytestFacts`: marks used and
 *   added, marker registrations, xdist hooks, figure closing), folded into the suite index (../facts.ts),
 *   and its pyplot figure calls;
 * - gc-collect.ts: the file's `gc.collect()` calls and whether it collects after every test below it.
 * The model's one statement walk (../model.ts) feeds them.
 */
export { semanticOf, SemanticModel, Scope, enclosingScopeNode, targetIdentifiers, parameterIdentifiers, type Binding, type BindingKind, type ScopeKind } from "./bindings.js";
export { enclosingFunctions, directlyIn, type Enclosing } from "./enclosing.js";
export { marksOf, markSourcesOf, marksIn, markUses, allSources, mayInheritMarks, hasBaseFromElsewhere, type MarkUse, type MarkSources } from "./marks.js";
