/** What CI reads from one run: several formats at once (`--format FORMAT:FILE`), and the GitHub job summary. */
import fs from "node:fs";
import path from "node:path";
import { XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { cli, makeTree, parseFindings } from "./helpers.js";

const MOCK = "from unittest.mock import MagicMock\n\n\nclass TestThing:\n    def test_it(self):\n        assert MagicMock()\n";
const GC = "def test_x():\n    gc.collect()\n";

describe("several outputs in one run", () => {
  it("annotations to standard output, SARIF and JUnit to files: each as its own run would write it", () => {
    const cwd = makeTree({ "tests/test_a.py": MOCK, "tests/test_b.py": GC });
    const both = cli(["check", "--format", "github", "--format", "sarif:out/memlint.sarif,junit:junit.xml"], { cwd: (fs.mkdirSync(path.join(cwd, "out")), cwd) });
    expect(both.code).toBe(1);
    expect(both.stderr).toBe("");
    expect(both.stdout).toBe(cli(["check", "--format", "github"], { cwd }).stdout);
    expect(both.stdout).toMatch(/^::(error|warning) file=tests\/test_a\.py,/m);
    expect(fs.readFileSync(path.join(cwd, "out", "memlint.sarif"), "utf8")).toBe(cli(["check", "--format", "sarif"], { cwd }).stdout);
    const junit = fs.readFileSync(path.join(cwd, "junit.xml"), "utf8");
    expect(junit).toBe(cli(["check", "--format", "junit"], { cwd }).stdout);
    expect(XMLValidator.validate(junit)).toBe(true);
  });

  it("every format with a file: text on standard output; --output-format takes the same values", () => {
    const cwd = makeTree({ "tests/test_a.py": MOCK });
    const r = cli(["check", "--output-format", "json:findings.json"], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(cli(["check"], { cwd }).stdout);
    expect(parseFindings(fs.readFileSync(path.join(cwd, "findings.json"), "utf8")).map((f) => f.code)).toEqual(["MEM102", "MEM103", "MEM201"]);
  });

  it("two formats for standard output, a bad name or a missing file name: one error line, exit 2", () => {
    const cwd = makeTree({ "tests/test_a.py": MOCK });
    for (const args of [["--format", "json", "--format", "sarif"], ["--format", "json,xml:x.xml"], ["--format", "sarif:"]]) {
      const r = cli(["check", ...args], { cwd });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.trimEnd().split("\n"), args.join(" ")).toHaveLength(1);
    }
    expect(cli(["check", "--format", "json,xml:x.xml"], { cwd }).stderr).toMatch(/^error: invalid --format value "xml": choose from "text", "json", "sarif", "github", "junit", "gitlab"/);
    expect(fs.existsSync(path.join(cwd, "x.xml"))).toBe(false);
  });

  it("a file that cannot be written is an error (exit 2), the other outputs are written", () => {
    const cwd = makeTree({ "tests/test_a.py": MOCK });
    const r = cli(["check", "--format", "json", "--format", "sarif:missing/dir/out.sarif"], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: missing/dir/out.sarif: could not be written (ENOENT)\n");
    expect(parseFindings(r.stdout)).toHaveLength(3);
  });
});

describe("GitHub job summary ($GITHUB_STEP_SUMMARY)", () => {
  it("appends counts by rule, the files with the most findings and the command to reproduce", () => {
    const files: Record<string, string> = { "tests/test_a.py": MOCK + "\n\n" + MOCK.replace("TestThing", "TestOther").replace("from unittest.mock import MagicMock\n", ""), "tests/test_b.py": GC };
    for (let i = 0; i < 11; i++) files[`tests/more/test_${String(i).padStart(2, "0")}.py`] = GC;
    const cwd = makeTree(files);
    const summary = path.join(cwd, "summary.md");
    fs.writeFileSync(summary, "earlier step\n");
    const r = cli(["check", "--format", "github", "--select", "MEM1", "tests"], { cwd, env: { GITHUB_STEP_SUMMARY: summary } });
    expect(r.code).toBe(1);
    const md = fs.readFileSync(summary, "utf8");
    // Appended after what earlier steps wrote.
    expect(md.startsWith("earlier step\n## pytest-memlint\n")).toBe(true);
    const json = parseFindings(cli(["check", "--format", "json", "--select", "MEM1", "tests"], { cwd }).stdout);
    expect(md).toContain(`**${json.length} findings** in 13 files (13 files checked)`);
    // Counts by rule, most first, each linked to its documentation.
    const count = (code: string) => json.filter((f) => f.code === code).length;
    for (const code of ["MEM101", "MEM102", "MEM103"]) expect(md).toMatch(new RegExp(`^\\| \\[${code}\\]\\(https://[^)]+/${code}\\.md\\) \\| [a-z-]+ \\| ${count(code)} \\| \\d+ \\|$`, "m"));
    expect(md.indexOf("[MEM101]")).toBeLessThan(md.indexOf("[MEM102]"));
    // The files with the most findings: the top ten, then how many more.
    expect(md).toMatch(/^\| `tests\/test_a\.py` \| 4 \|$/m);
    expect(md.match(/^\| `tests\//gm)).toHaveLength(10);
    expect(md).toContain("and 3 more files.");
    expect(md).toContain("```sh\nnpx pytest-memlint check --select MEM1 tests\n```");
  });

  it("a clean run says so", () => {
    const cwd = makeTree({ "tests/test_ok.py": "def test_ok():\n    assert True\n" });
    const summary = path.join(cwd, "summary.md");
    expect(cli(["check"], { cwd, env: { GITHUB_STEP_SUMMARY: summary } }).code).toBe(0);
    expect(fs.readFileSync(summary, "utf8")).toContain("No findings in 1 file checked.");
  });
});
