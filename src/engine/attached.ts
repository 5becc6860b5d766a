/**
 * A per-file cache kept on the file's own object (its FileContext or ModuleModel), not in a WeakMap:
 * V8 keeps a WeakMap's values, which hold parse trees, alive until a full garbage collection, so a run
 * over thousands of files kept their native trees in memory (690 MB instead of 170 MB on sympy).
 */
export function attached<T>(holder: object, key: symbol, make: () => T): T {
  const existing = (holder as Record<symbol, T | undefined>)[key];
  if (existing !== undefined) return existing;
  const value = make();
  Object.defineProperty(holder, key, { value, enumerable: false, configurable: true });
  return value;
}
