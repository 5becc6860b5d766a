/**
 * The ini dialect pytest reads (its `iniconfig` package): `[section]` headers, `key = value` or
 * `key: value`, continuation lines indented, whole-line `#`/`;` comments. Inline comments stay in
 * the value, as pytest keeps them.
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

export function parseIni(text: string): IniSection[] {
  const sections: IniSection[] = [];
  let current: IniSection | undefined;
  let last: IniValue | undefined;
  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    if (raw.trim() === "" ) {
      if (last) last.value += "\n";
      return;
    }
    if (/^[#;]/.test(raw.trimStart()) && !/^[ \t]/.test(raw)) return;
    if (/^[ \t]/.test(raw)) {
      if (/^[#;]/.test(raw.trim())) return;
      if (!last) throw new IniParseError(lineNo, "unexpected indented line (a continuation with no key above it)");
      last.value += "\n" + raw.trim();
      return;
    }
    const header = /^\[([^\]]*)\]\s*(?:[#;].*)?$/.exec(raw);
    if (header) {
      current = { name: (header[1] ?? "").trim(), line: lineNo, values: new Map() };
      sections.push(current);
      last = undefined;
      return;
    }
    const kv = /^([^=:]+?)\s*[=:]\s?(.*)$/.exec(raw);
    if (!kv) throw new IniParseError(lineNo, `expected 'key = value' or a [section], found '${raw.trim().slice(0, 40)}'`);
    if (!current) throw new IniParseError(lineNo, "a key outside any [section]");
    last = { value: (kv[2] ?? "").trim(), line: lineNo };
    current.values.set((kv[1] ?? "").trim(), last);
  });
  for (const section of sections) for (const v of section.values.values()) v.value = v.value.replace(/\n+$/, "").trim();
  return sections;
}
