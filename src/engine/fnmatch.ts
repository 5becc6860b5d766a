/** Python's fnmatch.fnmatchcase as a RegExp: `*`, `?`, `[seq]`, `[!seq]`. */
export function fnmatchRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? "";
    if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else if (c === "[") {
      const close = pattern.indexOf("]", i + 2);
      if (close === -1) {
        re += "\\[";
        continue;
      }
      let body = pattern.slice(i + 1, close);
      if (body.startsWith("!")) body = "^" + body.slice(1);
      re += "[" + body.replace(/\\/g, "\\\\") + "]";
      i = close;
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^(?:${re})$`, "s");
}

export function hasGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/** A `python_classes`/`python_functions` value: a name prefix, or an fnmatch glob when it holds `*`, `?` or `[`. */
export function nameMatcher(patterns: readonly string[]): (name: string) => boolean {
  const globs = patterns.filter(hasGlob).map(fnmatchRegExp);
  const prefixes = patterns.filter((p) => !hasGlob(p));
  return (name) => prefixes.some((p) => name.startsWith(p)) || globs.some((g) => g.test(name));
}

/** A `python_files` value: an fnmatch pattern on the file name, as pytest matches it. */
export function fileMatcher(patterns: readonly string[]): (basename: string) => boolean {
  const res = patterns.map(fnmatchRegExp);
  return (basename) => res.some((r) => r.test(basename));
}
