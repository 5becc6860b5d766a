import { analyzeText, type AnalyzedFile } from "../engine/analyze.js";
import { Project } from "../engine/project.js";
import { parsePytestConfig, PytestConfigError, PytestConfigFinder, type PytestConfig } from "../config/pytest-config.js";

/** The text of a file as the editor holds it (open and possibly unsaved), or undefined to read the disk. */
export type Overlay = (filePath: string) => string | undefined;

/** Reads pytest configuration files from the editor's buffers where they are open. */
class OverlayConfigFinder extends PytestConfigFinder {
  private readonly parsed = new Map<string, PytestConfig | null | PytestConfigError>();

  constructor(private readonly overlay: Overlay) {
    super();
  }

  override readFile(file: string): PytestConfig | null {
    const text = this.overlay(file);
    if (text === undefined) return super.readFile(file);
    let parsed = this.parsed.get(file);
    if (parsed === undefined) {
      try {
        parsed = parsePytestConfig(file, text);
      } catch (e) {
        if (!(e instanceof PytestConfigError)) throw e;
        parsed = e;
      }
      this.parsed.set(file, parsed);
    }
    if (parsed instanceof PytestConfigError) throw parsed;
    return parsed;
  }
}

/**
 * The engine's Project (pytest configurations and conftest.py files, cached) reading open documents
 * from the editor instead of the disk. The server makes a new one whenever one of those files
 * changes, so no cached fact outlives the text it came from.
 */
export class OverlayProject extends Project {
  override readonly pytestConfigs: PytestConfigFinder;

  constructor(private readonly overlay: Overlay) {
    super();
    this.pytestConfigs = new OverlayConfigFinder(overlay);
  }

  protected override exists(filePath: string): boolean {
    return this.overlay(filePath) !== undefined || super.exists(filePath);
  }

  protected override analyzeConftest(filePath: string): AnalyzedFile | null {
    const text = this.overlay(filePath);
    if (text === undefined) return super.analyzeConftest(filePath);
    return analyzeText(filePath, { text, encoding: "utf8", bom: false }, text, this.safeConfig(filePath), false);
  }
}
