/**
 * Facts about the whole suite, gathered while each file is checked (so suite rules need no second
 * parse). Rules add to it from their file listeners and read it at `suite:exit`.
 */
export class SuiteFacts {
  /** Marks used, by mark name, with the first file and offset using each. */
  readonly marksUsed = new Map<string, { path: string; offset: number }>();
  /** Marker names registered with `config.addinivalue_line("markers", ...)` in a conftest.py. */
  readonly markersRegisteredInConftest = new Set<string>();
  /** conftest.py files defining a `pytest_xdist_auto_num_workers` hook. */
  readonly autoNumWorkersHooks = new Set<string>();

  /** What each Python file adds (checked files and the conftest.py files above them), by absolute path. */
  readonly pytestFiles = new Map<string, FilePytestFacts>();
  /** Files using an `xdist_group` mark. */
  readonly xdistGroupFiles = new Set<string>();
  /** conftest.py files whose autouse fixture or `pytest_runtest_*` hook calls `plt.close("all")`. */
  readonly figureClosingConftests = new Set<string>();

  noteMark(name: string, path: string, offset: number): void {
    if (!this.marksUsed.has(name)) this.marksUsed.set(name, { path, offset });
  }

  /** Records one file's facts (again after each fix pass: the latest text wins) and updates the suite-wide sets. */
  notePytestFile(path: string, isConftest: boolean, facts: FilePytestFacts): void {
    this.pytestFiles.set(path, facts);
    for (const [name, offset] of facts.marks) this.noteMark(name, path, offset);
    if (facts.marks.has("xdist_group")) this.xdistGroupFiles.add(path);
    if (!isConftest) return;
    for (const name of facts.registeredMarkers) this.markersRegisteredInConftest.add(name);
    if (facts.autoNumWorkersHook) this.autoNumWorkersHooks.add(path);
    if (facts.closesAllFigures) this.figureClosingConftests.add(path);
  }
}

/** What one Python file tells about the suite's pytest setup. */
export interface FilePytestFacts {
  /** Marks used (`pytest.mark.NAME`, `item.add_marker("NAME")`), by name, with the offset of the first use. */
  marks: Map<string, number>;
  /** Marks added at run time with `item.add_marker(...)` or `request.applymarker(...)`. */
  addedMarks: Set<string>;
  /** Marker names registered with `config.addinivalue_line("markers", ...)` (the text before `:` or `(`). */
  registeredMarkers: Set<string>;
  /** An `addinivalue_line` whose key or text is not a literal: registrations that cannot be read. */
  unreadableRegistration: boolean;
  /** Defines a module-level `pytest_xdist_auto_num_workers` hook. */
  autoNumWorkersHook: boolean;
  /** A module-level autouse fixture or `pytest_runtest_*` hook calls `plt.close("all")`. */
  closesAllFigures: boolean;
}
