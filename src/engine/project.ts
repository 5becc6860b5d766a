import fs from "node:fs";
import path from "node:path";
import { analyzeText, readSource, type AnalyzedFile } from "./analyze.js";
import { PytestConfigFinder, type PytestConfig } from "../config/pytest-config.js";

/** What is known across files: pytest configurations and the conftest.py files above each file. */
export class Project {
  readonly pytestConfigs = new PytestConfigFinder();
  private readonly conftests = new Map<string, AnalyzedFile | null>();

  /** Throws ConfigError for a malformed configuration file. */
  pytestConfigFor(filePath: string): PytestConfig | undefined {
    return this.pytestConfigs.forDir(path.dirname(filePath));
  }

  /**
   * conftest.py files pytest would load for a file, nearest first: its own folder and each one above,
   * up to the folder of the pytest configuration (or a `.git` folder, or the filesystem root).
   */
  conftestsAbove(filePath: string): AnalyzedFile[] {
    const result: AnalyzedFile[] = [];
    for (const conftest of this.conftestPathsAbove(filePath)) {
      const analyzed = this.conftest(conftest);
      if (analyzed) result.push(analyzed);
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

  /** A parsed conftest.py, cached; null when absent or unreadable (reported where it is checked). */
  conftest(filePath: string): AnalyzedFile | null {
    const cached = this.conftests.get(filePath);
    if (cached !== undefined) return cached;
    let analyzed: AnalyzedFile | null = null;
    if (fs.existsSync(filePath)) {
      try {
        const source = readSource(filePath);
        analyzed = analyzeText(filePath, source, source.text, this.safeConfig(filePath), false);
      } catch {
        analyzed = null;
      }
    }
    this.conftests.set(filePath, analyzed);
    return analyzed;
  }

  /** The configuration, or none when it is malformed (reported where the file is checked). */
  private safeConfig(filePath: string): PytestConfig | undefined {
    try {
      return this.pytestConfigFor(filePath);
    } catch {
      return undefined;
    }
  }
}
