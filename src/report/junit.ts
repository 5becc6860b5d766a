import { TOOL_NAME } from "../meta.js";
import { displayPath } from "./paths.js";
import type { ReporterFactory } from "./types.js";

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
export const junitReporter: ReporterFactory = (header) => ({
  start: () => {
    const counts = { name: TOOL_NAME, tests: header.files.length, failures: header.findingCount, errors: 0, skipped: 0 };
    return ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites${attrs(counts)}>`, `  <testsuite${attrs(counts)}>`].join("\n") + "\n";
  },
  file: (filePath, findings) => {
    const rel = displayPath(header.cwd, filePath);
    const caseAttrs = attrs({ classname: TOOL_NAME, name: rel, file: rel });
    if (findings.length === 0) return `    <testcase${caseAttrs}/>\n`;
    const out = [`    <testcase${caseAttrs}>`];
    for (const f of findings) {
      const body = `${rel}:${f.line}:${f.column}: ${f.code} ${f.message}`;
      out.push(`      <failure${attrs({ message: `${f.code} ${f.name}: ${f.message}`, type: f.code })}>${xmlText(body)}</failure>`);
    }
    out.push("    </testcase>");
    return out.join("\n") + "\n";
  },
  end: () => "  </testsuite>\n</testsuites>\n",
});
