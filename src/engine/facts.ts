/**
 * Facts about the whole suite, gathered while each file is checked (so suite rules need no second
 * parse). Rules add to it in `checkFile` and read it in `checkSuite`.
 */
export class SuiteFacts {
  /** Marks used, by mark name, with the first file and offset using each. */
  readonly marksUsed = new Map<string, { path: string; offset: number }>();
  /** Marker names registered with `config.addinivalue_line("markers", ...)` in a conftest.py. */
  readonly markersRegisteredInConftest = new Set<string>();
  /** conftest.py files defining a `pytest_xdist_auto_num_workers` hook. */
  readonly autoNumWorkersHooks = new Set<string>();

  noteMark(name: string, path: string, offset: number): void {
    if (!this.marksUsed.has(name)) this.marksUsed.set(name, { path, offset });
  }
}
