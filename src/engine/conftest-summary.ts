import type { AnalyzedFile } from "./analyze.js";
import type { FilePytestFacts } from "./facts.js";
import { moduleFixtures } from "./semantic/fixtures.js";
import { collectsAfterEachTest } from "./semantic/gc-collect.js";
import { filePytestFacts } from "./semantic/pytest-facts.js";

/** A fixture of a conftest.py as the files below it see it. */
export interface SummaryFixture {
  /** The name tests request it by (`name=` honoured). */
  name: string;
  /** `function`, `class`, `module`, `package`, `session`, or undefined when not a literal. */
  scope: string | undefined;
  hasParams: boolean;
  autouse: boolean;
  /** The fixture names it requests: its arguments without defaults (`self`/`cls` of a method dropped). */
  deps: string[];
  /** The 1-based line of its name. */
  line: number;
  /** Defined in a class: visible to that class's tests only, so never to a file below. */
  inClass: boolean;
}

/**
 * What the files below a conftest.py read of it, as plain data: no tree, no text. Made once per conftest.py
 * from its analysed file (then its tree is freed), it is all the run keeps of the conftest.py files above
 * the checked files, and a worker thread's `Project` can be seeded with it (structured clone).
 */
export interface ConftestSummary {
  path: string;
  /** Its fixtures, module-level and in classes, in definition order. */
  fixtures: SummaryFixture[];
  /** What it tells about the suite (marks, marker registrations, hooks, figures closed). */
  pytestFacts: FilePytestFacts;
  /** An autouse fixture or `pytest_runtest_*` hook of it calls `gc.collect()` after every test (MEM103). */
  collectsAfterEachTest: boolean;
}

/** Reads what `ConftestSummary` holds from an analysed conftest.py (its tree must still be alive). */
export function summarizeConftest(analyzed: AnalyzedFile): ConftestSummary {
  const { file, tree, collection } = analyzed;
  const fixtures = moduleFixtures(file.path, collection, true).all.map((f) => ({
    name: f.name,
    scope: f.scope,
    hasParams: f.hasParams,
    autouse: f.autouse,
    deps: f.deps,
    line: f.fn.nameNode.startPosition.row + 1,
    inClass: f.cls !== undefined,
  }));
  return {
    path: file.path,
    fixtures,
    pytestFacts: filePytestFacts(tree, collection.model),
    collectsAfterEachTest: collectsAfterEachTest(file.text, tree.rootNode, collection.model),
  };
}
