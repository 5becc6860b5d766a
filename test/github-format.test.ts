/**
 * `--format github`: every annotation is one line, and GitHub's runner, parsing it with its own rules
 * (written out below after actions/runner's ActionCommand.TryParseV2 and its unescaping), reads back the
 * original file name, position, title and message, whatever `%`, `:`, `,`, CR, LF or `::error::` they hold.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LineIndex } from "../src/engine/lines.js";
import type { Finding, Severity } from "../src/engine/types.js";
import { toRecord } from "../src/engine/record.js";
import { githubReporter } from "../src/report/github.js";
import { renderReport } from "../src/report/stream.js";
import type { ReportInput } from "../src/report/types.js";
import { check, makeTree, parseFindings, tmpDir } from "./helpers.js";

/** Commands the runner knows; a line naming another is not a command. */
const REGISTERED = new Set(["error", "warning", "notice", "debug", "group", "endgroup", "add-mask", "set-output", "save-state", "echo", "add-matcher", "remove-matcher", "stop-commands", "add-path", "set-env"]);

interface Command {
  name: string;
  properties: Record<string, string>;
  data: string;
}

function unescape(s: string, mappings: [string, string][]): string {
  let out = s;
  for (const [replacement, token] of mappings) out = out.split(replacement).join(token);
  return out;
}
// The runner's order: `%25` last.
const unescapeData = (s: string) => unescape(s, [["%0D", "\r"], ["%0A", "\n"], ["%25", "%"]]);
const unescapeProperty = (s: string) => unescape(s, [["%0D", "\r"], ["%0A", "\n"], ["%3A", ":"], ["%2C", ","], ["%25", "%"]]);

/** One line of output as the runner reads it: `::name key=value,...::data`, or undefined when not a command. */
function parseCommand(line: string): Command | undefined {
  const message = line.trimStart();
  if (!message.startsWith("::")) return undefined;
  const endIndex = message.indexOf("::", 2);
  if (endIndex < 0) return undefined;
  const cmdInfo = message.slice(2, endIndex);
  const space = cmdInfo.indexOf(" ");
  const name = space < 0 ? cmdInfo : cmdInfo.slice(0, space);
  if (!REGISTERED.has(name)) return undefined;
  const properties: Record<string, string> = {};
  if (space > 0) {
    for (const prop of cmdInfo.slice(space + 1).trim().split(",")) {
      if (prop === "") continue;
      const eq = prop.indexOf("=");
      if (eq <= 0 || eq === prop.length - 1) continue;
      properties[prop.slice(0, eq)] = unescapeProperty(prop.slice(eq + 1));
    }
  }
  return { name, properties, data: unescapeData(message.slice(endIndex + 2)) };
}

/** The runner reads its output line by line, a line ending at CR, LF or CRLF. */
function outputLines(out: string): string[] {
  const lines = out.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

const NASTY = ["100%", "%25 and %0A and %3A and %2C", "a:b", "a,b", "x\ry", "x\ny", "x\r\ny", "::error::forged", "::error file=evil.py,line=1::forged", "end::", ",line=99", "title=X"];

function inputOf(findings: Finding[], cwd: string): ReportInput {
  return { findings: findings.map(toRecord), cwd, files: [], fixed: { findings: 0, files: 0 }, fixable: { safe: 0, unsafe: 0 }, fixMode: false, unsafeFixes: false, color: false, showSource: false, quiet: false };
}

describe("github output", () => {
  it("escapes file names and messages so that each annotation is one line read back to the original values", () => {
    const cwd = tmpDir();
    const text = "import os\nclass TestX:\n    pass\n";
    const severities: Severity[] = ["error", "warning", "info"];
    const findings: Finding[] = NASTY.map((nasty, i) => {
      const file = { path: path.join(cwd, "dir, with:odd", `test_${nasty}.py`), text, lines: new LineIndex(text) };
      return { code: `MEM10${i % 3}`, name: `name-${i}`, severity: severities[i % 3] ?? "error", message: `message ${nasty} ends`, file, start: 10, end: 21, fix: null };
    });
    // Reports come in path order.
    findings.sort((a, b) => (a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : 0));
    const out = renderReport(githubReporter, inputOf(findings, cwd));
    const lines = outputLines(out);
    expect(lines).toHaveLength(findings.length);
    expect(out).not.toContain("\r");
    lines.forEach((line, i) => {
      const f = findings[i];
      if (!f) throw new Error("missing finding");
      const cmd = parseCommand(line);
      expect(cmd, line).toBeDefined();
      expect(cmd?.name).toBe({ error: "error", warning: "warning", info: "notice" }[f.severity]);
      expect(cmd?.properties).toEqual({
        file: path.relative(cwd, f.file.path),
        line: "2",
        col: "1",
        endLine: "2",
        endColumn: "12",
        title: `${f.code} ${f.name}`,
      });
      expect(cmd?.data).toBe(f.message);
    });
  });

  it("prints nothing when there are no findings", () => {
    expect(renderReport(githubReporter, inputOf([], tmpDir()))).toBe("");
  });

  it("annotates real files whose names hold the characters that matter", async () => {
    const names = ["test_100%.py", "test_a:b,c.py", "test_x::error::y.py", "test_line\nbreak.py", "test_cr\rhere.py", "test_%0A%2C.py"];
    const files: Record<string, string> = {};
    for (const name of names) files[path.join("tests", name)] = "import gc\nfrom unittest.mock import MagicMock\n\n\nclass TestThing:\n    def test_it(self):\n        assert MagicMock()\n";
    const cwd = makeTree(files);
    for (const name of names) expect(fs.existsSync(path.join(cwd, "tests", name))).toBe(true);
    const json = parseFindings((await check({ cwd })).stdout);
    const r = await check({ cwd, format: "github" });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    const lines = outputLines(r.stdout);
    expect(lines.length).toBe(json.length);
    expect(new Set(json.map((f) => f.path))).toEqual(new Set(names.map((n) => `tests/${n}`)));
    lines.forEach((line, i) => {
      const j = json[i];
      if (!j) throw new Error("missing finding");
      const cmd = parseCommand(line);
      expect(cmd?.properties).toEqual({ file: j.path, line: String(j.line), col: String(j.column), endLine: String(j.endLine), endColumn: String(j.endColumn), title: `${j.code} ${j.name}` });
      expect(cmd?.data).toBe(j.message);
      expect(cmd?.name).toBe({ error: "error", warning: "warning", info: "notice" }[j.severity]);
    });
  });

  it("the parser is GitHub's: unescaped input would forge a command or break a line", () => {
    // What an unescaped message would do: a second command on a line of its own.
    const forged = outputLines("::warning file=a.py,line=1::text\n::error::forged\n");
    expect(forged.map((l) => parseCommand(l)?.name)).toEqual(["warning", "error"]);
    // An unescaped `,` in a file name starts a property of its own.
    expect(parseCommand("::warning file=a,line=99.py,line=1::m")?.properties["line"]).toBe("1");
    expect(parseCommand("::warning file=a,line=99.py,line=1::m")?.properties["file"]).toBe("a");
    // An unescaped `::` in a property ends the properties early.
    expect(parseCommand("::warning file=a::b.py,line=1::m")?.data).toBe("b.py,line=1::m");
  });
});
