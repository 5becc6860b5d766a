import path from "node:path";
import { createRule } from "../engine/rule.js";
import { fileFixtures, fixtureLine, fixtureResolver, type AnyFixture, type FixtureResolver, type Fixture } from "../engine/semantic/fixtures.js";
import { declareOption, optionSchemas } from "../engine/options.js";

export const maxFixtureChain = declareOption({
  key: "max-fixture-chain",
  property: "maxFixtureChain",
  schema: optionSchemas.nonNegativeInt,
  default: 3,
  type: "integer",
  description:
    "The longest fixture dependency chain MEM306 allows, in edges.",
});

export default createRule({
  meta: {
    code: "MEM306",
    name: "deep-fixture-chain",
    severity: "info",
    fix: "none",
    enabledByDefault: true,
    summary: "A fixture's longest dependency chain is longer than `max-fixture-chain` edges.",
    messages: { deep: "Fixture `{name}` has a dependency chain of {depth} edges (over max-fixture-chain {max}): {chain}" },
    docs: {
      whatItDoes:
        "Checks for fixtures whose longest dependency chain is longer than `max-fixture-chain` edges. A fixture's dependencies are its arguments without defaults (`self` of a method excluded); each is resolved from the fixture's own location as pytest does: fixtures of its class, then of its file, then of the nearest `conftest.py` upward (every `conftest.py` above the file is read, in a partial run too). A fixture requesting its own name gets the outer definition, which is not a cycle. Builtin and plugin fixtures (`tmp_path`, `request`, `mocker`, …) are leaves: the edge to one counts, nothing beyond it. A real cycle is cut. `a()` has 0 edges, `b(a)` 1, `c(b)` 2, `d(c)` 3, `e(d)` 4.\n\nThe message lists the chain after the fixture, each link with where the fixture it resolves to is defined, relative to the flagged fixture's file (`line 12` in the same file, `../conftest.py:4` elsewhere), so an override of the same name is told apart from the fixture it overrides; a builtin or plugin fixture ends the chain.",
      whyIsThisBad:
        "Every fixture in a chain is set up before the test and kept alive until its scope ends, so a long chain holds many objects at once, often of different scopes that pin each other. Long chains are also hard to read: what a test really gets is decided five files away.",
      example:
        "@pytest.fixture\ndef settings(): ...\n\n@pytest.fixture\ndef engine(settings): ...\n\n@pytest.fixture\ndef session(engine): ...\n\n@pytest.fixture\ndef repo(session): ...\n\n@pytest.fixture\ndef service(repo): ...\n",
      useInstead:
        "@pytest.fixture\ndef settings(): ...\n\n@pytest.fixture\ndef session(settings): ...  # builds the engine itself\n\n@pytest.fixture\ndef service(session): ...\n",
    },
    options: [maxFixtureChain],
  },
  create(ctx) {
    const max = ctx.options.maxFixtureChain;
    const fixtureOf = fileFixtures(ctx.shared).byFunction;
    // Built on the first fixture with dependencies: resolving reads the conftest.py files above.
    let chains: ChainCalculator | undefined;
    return {
      function_definition(fn) {
        const fixture = fixtureOf.get(fn);
        if (!fixture || fixture.deps.length === 0) return;
        const { depth, steps } = (chains ??= new ChainCalculator(fixtureResolver(ctx.shared))).chain(fixture);
        if (depth <= max) return;
        const shown = steps.map((step) => describeStep(step, fixture));
        const chain = shown.length > MAX_SHOWN ? [...shown.slice(0, MAX_SHOWN - 1), `… (${shown.length - MAX_SHOWN} more)`, shown[shown.length - 1]].join(" → ") : shown.join(" → ");
        ctx.report({ node: fn.nameNode, messageId: "deep", data: { name: fixture.name, depth, max, chain } });
      },
    };
  },
});

interface ChainStep {
  /** The requested name of this step. */
  name: string;
  /** The fixture it resolves to; undefined for a builtin or plugin fixture (a leaf). */
  fixture: AnyFixture | undefined;
}

interface ChainResult {
  /** Edges of the longest dependency chain. */
  depth: number;
  /** The chain after the fixture itself, in order. */
  steps: ChainStep[];
}

interface Memo {
  depth: number;
  next: ChainStep | undefined;
}

/**
 * Longest dependency chains, computed without recursion: a back edge of a real cycle is cut (not followed),
 * a fixture requesting its own name follows the outer definition, and builtin/plugin fixtures are leaves.
 */
class ChainCalculator {
  private readonly memo = new Map<AnyFixture, Memo>();

  constructor(private readonly resolver: FixtureResolver) {}

  chain(fixture: Fixture): ChainResult {
    this.compute(fixture);
    const steps: ChainStep[] = [];
    const seen = new Set<AnyFixture>([fixture]);
    let next = this.memo.get(fixture)?.next;
    while (next) {
      steps.push(next);
      if (!next.fixture || seen.has(next.fixture)) break;
      seen.add(next.fixture);
      next = this.memo.get(next.fixture)?.next;
    }
    return { depth: this.memo.get(fixture)?.depth ?? 0, steps };
  }

  private compute(root: AnyFixture): void {
    if (this.memo.has(root)) return;
    interface Frame {
      fixture: AnyFixture;
      index: number;
      best: number;
      next: ChainStep | undefined;
      /** The step being explored (set while a child frame is open). */
      pending: ChainStep | undefined;
    }
    const onPath = new Set<AnyFixture>([root]);
    const stack: Frame[] = [{ fixture: root, index: 0, best: 0, next: undefined, pending: undefined }];
    const offer = (frame: Frame, depth: number, step: ChainStep) => {
      if (depth > frame.best) {
        frame.best = depth;
        frame.next = step;
      }
    };
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as Frame;
      if (top.index < top.fixture.deps.length) {
        const name = top.fixture.deps[top.index++] as string;
        const target = this.resolver.resolve(top.fixture, name);
        if (!target) {
          offer(top, 1, { name, fixture: undefined });
          continue;
        }
        if (onPath.has(target)) continue; // a real cycle: cut
        const known = this.memo.get(target);
        if (known) {
          offer(top, 1 + known.depth, { name, fixture: target });
          continue;
        }
        top.pending = { name, fixture: target };
        onPath.add(target);
        stack.push({ fixture: target, index: 0, best: 0, next: undefined, pending: undefined });
        continue;
      }
      stack.pop();
      onPath.delete(top.fixture);
      this.memo.set(top.fixture, { depth: top.best, next: top.next });
      const parent = stack[stack.length - 1];
      if (parent?.pending) {
        offer(parent, 1 + top.best, parent.pending);
        parent.pending = undefined;
      }
    }
  }
}

/** The most fixture names a message lists. */
const MAX_SHOWN = 8;

/**
 * One link of the chain: the requested name and where the fixture it resolves to is defined, relative to the
 * reporting fixture's folder (`line 12` in the same file), so an overriding fixture of the same name is told
 * apart from the one it overrides. The message does not depend on the working directory (cached findings keep it).
 */
function describeStep(step: ChainStep, from: Fixture): string {
  const target = step.fixture;
  if (!target) return `\`${step.name}\` (builtin or plugin)`;
  const line = fixtureLine(target);
  if (target.module.path === from.module.path) return `\`${step.name}\` (line ${line})`;
  const relative = path.relative(path.dirname(from.module.path), target.module.path).split(path.sep).join("/");
  return `\`${step.name}\` (${relative}:${line})`;
}
