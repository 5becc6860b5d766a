/**
 * The tokenizer scan (src/engine/python-tokens.ts) against its reference, the straightforward
 * version it replaced for speed (python-tokens-reference.ts): for generated Python-like text and
 * for the repository's own Python files cut and spliced at random, both give the same result —
 * the same first error, unclosed brackets, logical lines, line breaks inside brackets and
 * format-spec `=` offsets.
 */
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scanPythonTokens } from "../src/engine/python-tokens.js";
import { FIXTURES } from "./helpers.js";
import { referenceScanPythonTokens } from "./python-tokens-reference.js";

/** Pieces of Python the tokenizer treats specially, and their broken variants. */
const PIECES = [
  ...["def f(x):", "class A:", "if x:", "else:", "return", "pass", "print x", "x = 1", "lambda: 0", "a[1:2]", "{k: v}", "x := 1"],
  ...["'", '"', "'''", '"""', "r'", 'b"', "f'", 'F"', "rb'", "Rf'''", "t'", "u'", "fr\"", "br", "ur'", "xf'"],
  ...["{", "}", "{{", "}}", "(", ")", "[", "]", ":", "=", ":=", "!", "!r", "!=", ",", ".", "..."],
  ...["\\", "\\\n", "\\\r\n", "\n", "\r", "\r\n", " ", "  ", "    ", "\t", "\f", "#", "# c\n", "\ufeff"],
  ...["\n    ", "\n  ", "\n\t", "\n        ", "\n\t    ", "\n    \t", "\n \f  ", ":\n    x\n", ":\n\tx\n"],
  ...["0", "0777", "0_7", "07.5", "07e1", "07j", "10L", "10l", "0x1fL", "1e-05", ".5", "1_000", "0o17", "0b1", "00"],
  ...["x", "name_1", "_", "é", "ŝtate", "€", "·", "\u00a0", "\u200b", "\u0301", "😀", "\ud800", "\udc00", "$", "?", "`", "\x00", "\x7f"],
];

const generated = fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 3 })), { maxLength: 40 }).map((parts) => parts.join(""));

function pythonFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return pythonFiles(p);
    return e.name.endsWith(".py") ? [fs.readFileSync(p, "utf8")] : [];
  });
}

const REAL = pythonFiles(FIXTURES).filter((t) => t.length > 0);

/** A real file with a few pieces inserted and spans deleted at random places. */
const mutated = fc
  .tuple(
    fc.constantFrom(...REAL),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 12 }), fc.oneof(fc.constantFrom(...PIECES), fc.constant(""))), { minLength: 1, maxLength: 4 }),
  )
  .map(([text, edits]) => {
    let out = text;
    for (const [at, cut, insert] of edits) {
      const k = at % (out.length + 1);
      out = out.slice(0, k) + insert + out.slice(k + cut);
    }
    return out;
  });

/** Both scans agree, and a scan without the line breaks inside brackets differs only by them. */
function expectSameScan(text: string): void {
  const reference = referenceScanPythonTokens(text);
  expect(scanPythonTokens(text)).toEqual(reference);
  expect(scanPythonTokens(text, { bracketNewlines: false })).toEqual({ ...reference, bracketNewlines: [] });
}

describe("scanPythonTokens gives its reference's result", () => {
  it("on every Python file of the fixtures", () => {
    expect(REAL.length).toBeGreaterThan(100);
    for (const text of REAL) expectSameScan(text);
  });

  it("on generated Python-like text", () => {
    fc.assert(
      fc.property(generated, (text) => {
        expectSameScan(text);
      }),
      { numRuns: 20_000 },
    );
  });

  it("on real files cut and spliced at random", () => {
    fc.assert(
      fc.property(mutated, (text) => {
        expectSameScan(text);
      }),
      { numRuns: 5_000 },
    );
  });

  it("finds the errors the generated inputs are meant to reach", () => {
    // The generators above are only worth something if they reach the scan's error paths.
    const messages = new Set<string>();
    fc.assert(
      fc.property(generated, (text) => {
        const m = scanPythonTokens(text).error?.message.replace(/\d+|'.*'|U\+\w+/g, "") ?? "none";
        messages.add(m);
      }),
      { numRuns: 5_000 },
    );
    for (const m of ["none", "unterminated string literal (detected at line )", "unterminated triple-quoted string literal (detected at line )", "unmatched ", "inconsistent use of tabs and spaces in indentation", "unindent does not match any outer indentation level", "unexpected character after line continuation character"]) {
      expect(messages).toContain(m);
    }
    expect([...messages].some((m) => m.startsWith("closing parenthesis"))).toBe(true);
    expect([...messages].some((m) => m.startsWith("invalid character"))).toBe(true);
    expect([...messages].some((m) => m.startsWith("invalid non-printable character"))).toBe(true);
    expect([...messages].some((m) => m.startsWith("leading zeros"))).toBe(true);
    expect(messages).toContain("invalid decimal literal");
  });
});
