import type { Finding } from "../engine/types.js";
import { TOOL_NAME } from "../meta.js";
import { displayPath, spanOf } from "./paths.js";
import type { Reporter } from "./types.js";

/**
 * Characters XML 1.0 cannot hold at all (controls other than tab/LF/CR, lone surrogates, U+FFFE/U+FFFF)
 * become U+FFFD; `u` so that a valid surrogate pair is one character.
 */
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Cs}/gu;

/** Text content; CR as a reference, since a parser turns a literal CR into LF. */
function xmlText(s: string): string {
  return s.replace(NOT_XML, "\uFFFD").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r/g, "&#13;");
}

/** An attribute value: also quotes, and the whitespace that attribute normalisation would turn into spaces. */
function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, "&quot;").replace(/'/g, "&apos;").replace(/\t/g, "&#9;").replace(/\n/g, "&#10;");
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`)
    .join("");
}

/**
 * JUnit XML: one test suite, one test case per checked file (and per other file a finding points into,
 * such as a pytest configuration file), one `<failure>` per finding. `failures` counts the failures.
 */
export const junitReporter: Reporter = (input) => {
  const byFile = new Map<string, Finding[]>();
  for (const file of input.files) byFile.set(displayPath(input.cwd, file), []);
  for (const f of input.findings) {
    const rel = displayPath(input.cwd, f.file.path);
    const list = byFile.get(rel);
    if (list) list.push(f);
    else byFile.set(rel, [f]);
  }
  const files = [...byFile.keys()].sort();
  const counts = { name: TOOL_NAME, tests: files.length, failures: input.findings.length, errors: 0, skipped: 0 };
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites${attrs(counts)}>`, `  <testsuite${attrs(counts)}>`];
  for (const rel of files) {
    const findings = byFile.get(rel) ?? [];
    const caseAttrs = attrs({ classname: TOOL_NAME, name: rel, file: rel });
    if (findings.length === 0) {
      out.push(`    <testcase${caseAttrs}/>`);
      continue;
    }
    out.push(`    <testcase${caseAttrs}>`);
    for (const f of findings) {
      const span = spanOf(f);
      const body = `${rel}:${span.line}:${span.column}: ${f.code} ${f.message}`;
      out.push(`      <failure${attrs({ message: `${f.code} ${f.name}: ${f.message}`, type: f.code })}>${xmlText(body)}</failure>`);
    }
    out.push("    </testcase>");
  }
  out.push("  </testsuite>", "</testsuites>");
  return out.join("\n") + "\n";
};
