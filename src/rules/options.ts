/**
 * Every rule option, in the order the configuration lists them. Each is declared next to the rule or rule
 * family that reads it; the configuration schema, the `RuleOptions` type, the defaults and the docs are
 * derived from this list (test/options.test.ts fails when a rule names an option missing here, or the reverse).
 */
import { heavyModules } from "./conftest-heavy-import.js";
import { maxFixtureChain } from "./deep-fixture-chain.js";
import { maxMockChainDepth } from "./deep-mock-chain.js";
import { closeableConstructors } from "./fixture-without-cleanup.js";
import { memoryMarker } from "./large-array-unmarked.js";
import { xdistGroupName } from "./missing-xdist-group.js";
import { acceptSpec } from "./mock-without-spec-set.js";
import { maxArrayElements } from "./shared/arrays.js";
import { classHygieneScope } from "./shared/hygiene.js";
import { heavyConstructors, maxTestData } from "./shared/test-data.js";
import { maxWorkers } from "./unbounded-xdist-workers.js";

export const RULE_OPTIONS = [
  xdistGroupName,
  classHygieneScope,
  acceptSpec,
  maxMockChainDepth,
  maxTestData,
  maxArrayElements,
  memoryMarker,
  heavyConstructors,
  closeableConstructors,
  heavyModules,
  maxFixtureChain,
  maxWorkers,
] as const;
