import type { Rule } from "../engine/rule.js";
import missingGcImport from "./missing-gc-import.js";
import missingXdistGroup from "./missing-xdist-group.js";
import missingGcTeardown from "./missing-gc-teardown.js";
import mockWithoutSpecSet from "./mock-without-spec-set.js";
import patchWithoutAutospec from "./patch-without-autospec.js";
import deepMockChain from "./deep-mock-chain.js";
import moduleLevelMock from "./module-level-mock.js";
import functionScopedHeavyFixture from "./function-scoped-heavy-fixture.js";
import oversizedTestData from "./oversized-test-data.js";
import largeArrayUnmarked from "./large-array-unmarked.js";
import parametrizedHeavyFixture from "./parametrized-heavy-fixture.js";
import fixtureWithoutCleanup from "./fixture-without-cleanup.js";
import deepFixtureChain from "./deep-fixture-chain.js";
import conftestStarImport from "./conftest-star-import.js";
import conftestHeavyImport from "./conftest-heavy-import.js";
import unclosedFigure from "./unclosed-figure.js";
import unmarkedPerformanceTest from "./unmarked-performance-test.js";
import performanceTestInXdist from "./performance-test-in-xdist.js";
import unboundedXdistWorkers from "./unbounded-xdist-workers.js";
import xdistGroupWithoutLoadgroup from "./xdist-group-without-loadgroup.js";
import unregisteredMemoryMarker from "./unregistered-memory-marker.js";

/** Every rule, in code order. MEM000 (syntax errors) is reported by the engine itself. */
export const RULES: readonly Rule[] = [
  missingGcImport,
  missingXdistGroup,
  missingGcTeardown,
  mockWithoutSpecSet,
  patchWithoutAutospec,
  deepMockChain,
  moduleLevelMock,
  functionScopedHeavyFixture,
  oversizedTestData,
  largeArrayUnmarked,
  parametrizedHeavyFixture,
  fixtureWithoutCleanup,
  deepFixtureChain,
  conftestStarImport,
  conftestHeavyImport,
  unclosedFigure,
  unmarkedPerformanceTest,
  performanceTestInXdist,
  unboundedXdistWorkers,
  xdistGroupWithoutLoadgroup,
  unregisteredMemoryMarker,
] satisfies readonly Rule[];

export const SYNTAX_ERROR = { code: "MEM000", name: "syntax-error", severity: "error" } as const;

export function ruleByCode(code: string): Rule | undefined {
  return RULES.find((r) => r.meta.code === code);
}
