import fs from "node:fs";
import path from "node:path";
import { analyzeText, readSource, type AnalyzedFile } from "./analyze.js";
import { freeTreesAfter, ParserNotLoaded } from "./parser.js";
import { PytestConfigFinder, type PytestConfig, type PytestConfigSnapshot } from "../config/pytest-config.js";
import { summarizeConftest, type ConftestSummary } from "./conftest-summary.js";

/** What a Project has found out about the folders of a run, as plain data (for worker threads). */
export interface ProjectSnapshot {
  pytestConfigs: PytestConfigSnapshot;
  conftestPaths: [string, string[]][];
}

/** What is known across files: pytest configurations and the conftest.py files above each file. */
export class Project {
  readonly pytestConfigs = new PytestConfigFinder();
  /** What the files below each conftest.py read of it; null when it is absent or unreadable. */
  private readonly conftests = new Map<string, ConftestSummary | null>();

  /**
   * Resolves, for each folder of `files`, the pytest configuration and the conftest.py files above,
   * and returns them as plain data: worker threads seeded with it read no configuration again.
   */
  snapshotFor(files: Iterable<string>): ProjectSnapshot {
    for (const file of files) {
      // A malformed configuration is remembered as such and reported where the file is checked.
      this.safeConfig(file);
      this.conftestPathsAbove(file);
    }
    return { pytestConfigs: this.pytestConfigs.snapshot(), conftestPaths: [...this.conftestPaths] };
  }

  seed(s: ProjectSnapshot): void {
    this.pytestConfigs.seed(s.pytestConfigs);
    for (const [dir, conftests] of s.conftestPaths) this.conftestPaths.set(dir, conftests);
  }

  /** Summaries another thread made of the same conftest.py files (the same text): those not read here yet are taken. */
  seedConftests(summaries: Iterable<[string, ConftestSummary | null]>): void {
    for (const [conftest, summary] of summaries) if (!this.conftests.has(conftest)) this.conftests.set(conftest, summary);
  }

  /** Throws ConfigError for a malformed configuration file. */
  pytestConfigFor(filePath: string): PytestConfig | undefined {
    return this.pytestConfigs.forDir(path.dirname(filePath));
  }

  /**
   * conftest.py files pytest would load for a file, nearest first: its own folder and each one above,
   * up to the folder of the pytest configuration (or a `.git` folder, or the filesystem root).
   */
  conftestsAbove(filePath: string): ConftestSummary[] {
    const result: ConftestSummary[] = [];
    for (const conftest of this.conftestPathsAbove(filePath)) {
      const summary = this.conftest(conftest);
      if (summary) result.push(summary);
    }
    return result;
  }

  /** The paths of the conftest.py files `conftestsAbove` reads, without reading them. */
  conftestPathsAbove(filePath: string): string[] {
    const self = path.resolve(filePath);
    const start = path.dirname(self);
    let inFolder = this.conftestPaths.get(start);
    if (!inFolder) {
      inFolder = [];
      const stop = this.boundary(filePath);
      let dir = start;
      for (;;) {
        const conftest = path.join(dir, "conftest.py");
        if (this.exists(conftest)) inFolder.push(conftest);
        if (dir === stop) break;
        const parent = path.dirname(dir);
        if (parent === dir) break;
        dir = parent;
      }
      this.conftestPaths.set(start, inFolder);
    }
    return inFolder.filter((c) => c !== self);
  }

  private readonly conftestPaths = new Map<string, string[]>();

  private readonly existing = new Map<string, boolean>();

  /** Whether a file is there (the editor server counts open, unsaved documents too). */
  protected exists(filePath: string): boolean {
    let known = this.existing.get(filePath);
    if (known === undefined) {
      known = fs.existsSync(filePath);
      this.existing.set(filePath, known);
    }
    return known;
  }

  private boundary(filePath: string): string {
    const config = this.safeConfig(filePath);
    if (config) return path.dirname(config.path);
    let dir = path.dirname(path.resolve(filePath));
    for (;;) {
      if (fs.existsSync(path.join(dir, ".git"))) return dir;
      const parent = path.dirname(dir);
      if (parent === dir) return dir;
      dir = parent;
    }
  }

  /** The summary of a conftest.py read already (by `conftest` or `adoptConftest`); undefined when it was not. */
  parsedConftest(filePath: string): ConftestSummary | null | undefined {
    return this.conftests.get(filePath);
  }

  /** A conftest.py checked as a file of the run: its summary is kept so that the files below it do not parse it again. */
  adoptConftest(analyzed: AnalyzedFile): void {
    if (this.conftests.has(analyzed.file.path)) return;
    this.conftests.set(analyzed.file.path, summarizeConftest(analyzed));
  }

  /** The summary of a conftest.py, made on first use; null when it is absent or unreadable (reported where it is checked). */
  conftest(filePath: string): ConftestSummary | null {
    const cached = this.conftests.get(filePath);
    if (cached !== undefined) return cached;
    // Its tree is freed once summarised (by the check it is parsed in, or here).
    const summary = freeTreesAfter(() => {
      let analyzed: AnalyzedFile | null;
      try {
        analyzed = this.analyzeConftest(filePath);
      } catch (e) {
        // Not a fact about the file: remembering it as absent would silently drop its fixtures.
        if (e instanceof ParserNotLoaded) throw e;
        analyzed = null;
      }
      return analyzed && summarizeConftest(analyzed);
    });
    this.conftests.set(filePath, summary);
    return summary;
  }

  /** Parses a conftest.py; null when it is absent. Throws FileError when it cannot be read. */
  protected analyzeConftest(filePath: string): AnalyzedFile | null {
    if (!fs.existsSync(filePath)) return null;
    const source = readSource(filePath);
    return analyzeText(filePath, source, source.text, this.safeConfig(filePath), false);
  }

  /** The configuration, or none when it is malformed (reported where the file is checked). */
  protected safeConfig(filePath: string): PytestConfig | undefined {
    try {
      return this.pytestConfigFor(filePath);
    } catch {
      return undefined;
    }
  }
}
