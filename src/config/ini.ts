/**
 * The ini dialect pytest reads, line for line as its `iniconfig` package does (pytest parses
 * pytest.ini, tox.ini and setup.cfg with it, not with configparser):
 * - a line whose first non-blank character is `#` or `;` is a comment, wherever it is indented;
 * - `[section]` starts at the first column; text after a `#` or `;` on it is dropped; the name is kept
 *   as written (`[ pytest ]` is not `[pytest]`); a `[` line not ending in `]` is a continuation line;
 * - `key = value` or `key: value` at the first column (split at the first `=`, unless the part before
 *   it holds a `:`, then at the first `:`); key and value stripped;
 * - an indented line continues the value above, joined with a newline (blank lines are skipped);
 * - inline comments stay in the value, as pytest keeps them.
 * A key outside a section, a continuation with no key above it, an empty section name, a repeated
 * section or a repeated key in one section are errors, as they are for pytest.
 */
export interface IniValue {
  value: string;
  /** 1-based line of the key. */
  line: number;
}

export interface IniSection {
  name: string;
  line: number;
  values: Map<string, IniValue>;
}

export class IniParseError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

const COMMENT_CHARS = ["#", ";"];

/** Splits lines as Python's `str.splitlines` does. */
// eslint-disable-next-line no-control-regex -- Python's str.splitlines() breaks lines at these separators too
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

export function parseIni(text: string): IniSection[] {
  const sections: IniSection[] = [];
  let current: IniSection | undefined;
  let last: IniValue | undefined;
  const lines = text.replace(/^\ufeff/, "").split(LINE_BREAK);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i] ?? "";
    const firstChar = raw.trimStart()[0];
    if (firstChar === undefined || COMMENT_CHARS.includes(firstChar)) continue;
    const line = raw.trimEnd();
    let continuation: string | undefined;
    if (line[0] === "[") {
      let stripped = line;
      for (const c of COMMENT_CHARS) stripped = (stripped.split(c)[0] ?? "").trimEnd();
      if (stripped.endsWith("]")) {
        const name = stripped.slice(1, -1);
        if (name === "") throw new IniParseError(lineNo, "empty section name");
        if (sections.some((s) => s.name === name)) throw new IniParseError(lineNo, `duplicate section '${name}'`);
        current = { name, line: lineNo, values: new Map() };
        sections.push(current);
        last = undefined;
        continue;
      }
      continuation = line.trim();
    } else if (/^\s/.test(line)) {
      continuation = line.trim();
    }
    if (continuation !== undefined) {
      if (!last) throw new IniParseError(lineNo, "unexpected value continuation (an indented line with no key above it)");
      last.value = last.value === "" ? continuation : `${last.value}\n${continuation}`;
      continue;
    }
    const eq = line.indexOf("=");
    let key: string;
    let value: string;
    if (eq !== -1 && !line.slice(0, eq).includes(":")) {
      key = line.slice(0, eq);
      value = line.slice(eq + 1);
    } else {
      const colon = line.indexOf(":");
      if (colon === -1) throw new IniParseError(lineNo, `unexpected line: '${line.slice(0, 60)}' (expected 'key = value' or a [section])`);
      key = line.slice(0, colon);
      value = line.slice(colon + 1);
    }
    key = key.trim();
    if (!current) throw new IniParseError(lineNo, "no section header defined (a key outside any [section])");
    if (current.values.has(key)) throw new IniParseError(lineNo, `duplicate name '${key}' in [${current.name}]`);
    last = { value: value.trim(), line: lineNo };
    current.values.set(key, last);
  }
  return sections;
}
