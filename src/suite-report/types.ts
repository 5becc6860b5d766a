/**
 * The suite memory report as data: what `report --format json` prints (schema documented in
 * docs/report.md; `schemaVersion` changes when a field changes meaning or goes away).
 */

export const REPORT_SCHEMA_VERSION = 1;

export interface Estimate {
  /** Estimated bytes; null when nothing could be sized. Always an estimate, never a measurement. */
  bytes: number | null;
  /** Some parts could not be sized: the real figure is larger. */
  lowerBound: boolean;
  /** How the figure was made, largest parts first (`np.zeros: 25,000,000 × float64 (8 B)`, line numbers). */
  how: string[];
}

export interface FindingRef {
  code: string;
  name: string;
  line: number;
  message: string;
  url: string;
}

export interface FixtureReport {
  /** `path:line:name`, unique in the report. */
  id: string;
  name: string;
  /** Relative to the working directory, `/`-separated. */
  path: string;
  line: number;
  /** `function`, `class`, `module`, `package`, `session`, or null when the scope is not a literal. */
  scope: string | null;
  autouse: boolean;
  /** Number of `params`; 0 without params; null when `params=` is not a literal list, tuple or range. */
  params: number | null;
  users: {
    /** Tests that request it by argument, `usefixtures` or autouse. */
    directTests: number;
    /** Fixtures of the suite that request it. */
    directFixtures: number;
    /** Tests that get it directly or through other fixtures. */
    transitiveTests: number;
  };
  /** What one build of the fixture makes. */
  built: Estimate;
  /** How many times a run builds it: by scope over the tests that get it, times its params. */
  timesBuilt: number;
  timesBuiltHow: string;
  /** built.bytes × timesBuilt (null when the bytes are unknown). */
  totalBytes: number | null;
  /** It tears down: code after its `yield` (or a `with`/`try` around it), or `request.addfinalizer`. */
  cleanup: boolean;
  findings: FindingRef[];
}

export interface FolderReport {
  /** Relative to the working directory (`.` for it), `/`-separated. */
  path: string;
  testFiles: number;
  tests: number;
  testClasses: number;
  mockUsingClasses: number;
  xdistGroupClasses: number;
  gcTeardownClasses: number;
  fixtures: number;
  /** Sum of totalBytes of the fixtures defined in the folder, plus the data its tests and test modules build. */
  estimatedBytes: number;
  /** Some of it could not be sized: the real figure is larger. */
  estimatedBytesLowerBound: boolean;
}

export interface RiskReport {
  /** A fixture, a test's own data, or data built at module level of a test file. */
  kind: "fixture" | "test" | "module";
  /** The fixture's id, or `path:line` of the data. */
  id: string;
  /** The fixture's or test's name (the file's name for module-level data). */
  name: string;
  path: string;
  line: number;
  scope: string | null;
  bytes: number;
  lowerBound: boolean;
  timesBuilt: number;
  totalBytes: number;
  /** The finding whose fix addresses it, or null. */
  addressedBy: FindingRef | null;
  advice: string;
}

export interface ConfigurationReport {
  /** The pytest configuration file, relative to the working directory. */
  path: string;
  /** `-n` as written (`auto`, `logical`, a count) or null when absent. */
  workers: string | null;
  maxprocesses: number | null;
  /** The distribution mode pytest-xdist ends up with (`no` without workers). */
  dist: string;
  startsWorkers: boolean;
  autoNumWorkersHook: boolean;
  implications: string[];
}

export interface SuiteReport {
  schemaVersion: number;
  tool: { name: string; version: string };
  paths: string[];
  summary: {
    files: number;
    testFiles: number;
    tests: number;
    testClasses: number;
    fixtures: number;
    findings: number;
    /** Sum of totalBytes of every fixture plus the data tests and test modules build. */
    estimatedBytes: number;
    /** Some of it could not be sized: the real figure is larger. */
    estimatedBytesLowerBound: boolean;
  };
  estimateNote: string;
  configurations: ConfigurationReport[];
  folders: FolderReport[];
  risks: RiskReport[];
  fixtures: FixtureReport[];
  findingCounts: { code: string; name: string; count: number; url: string }[];
}
