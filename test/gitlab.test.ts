/**
 * `--format gitlab`: GitLab Code Quality JSON, field by field as GitLab documents it
 * (https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format): an array of objects
 * with a string `description`, `check_name` and `fingerprint` (unique in the report), a `severity` of
 * info/minor/major/critical/blocker, and `location.path` (relative, no leading `./` or `/`) with an
 * integer `location.lines.begin`.
 */
import { describe, expect, it } from "vitest";
import { check, makeTree, parseFindings } from "./helpers.js";

const GITLAB_SEVERITIES = ["info", "minor", "major", "critical", "blocker"];
const MOCKS = "from unittest.mock import MagicMock\n\n\nclass TestA:\n    def test_a(self):\n        assert MagicMock()\n\n\nclass TestB:\n    def test_b(self):\n        assert MagicMock()\n";

describe("gitlab output", () => {
  it("has exactly GitLab's documented fields, one issue per finding, as the json output has them", async () => {
    const cwd = makeTree({ "tests/test_mocks.py": MOCKS, "tests/sub dir/test_two.py": MOCKS, "pytest.ini": "[pytest]\naddopts = -n auto\n" });
    const r = await check({ cwd, format: "gitlab", select: ["ALL"] });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    const issues = JSON.parse(r.stdout) as Record<string, unknown>[];
    const json = parseFindings((await check({ cwd, format: "json", select: ["ALL"] })).stdout);
    expect(issues).toHaveLength(json.length);
    expect(issues.length).toBeGreaterThan(6);
    issues.forEach((issue, i) => {
      const f = json[i];
      if (!f) throw new Error("missing json finding");
      expect(Object.keys(issue).sort()).toEqual(["check_name", "description", "fingerprint", "location", "severity"]);
      expect(issue["description"]).toBe(`${f.code} ${f.name}: ${f.message}`);
      expect(issue["check_name"]).toBe(f.code);
      expect(issue["fingerprint"]).toMatch(/^[0-9a-f]{32}$/);
      expect(GITLAB_SEVERITIES).toContain(issue["severity"]);
      expect(issue["severity"]).toBe({ error: "major", warning: "minor", info: "info" }[f.severity]);
      expect(issue["location"]).toEqual({ path: f.path, lines: { begin: f.line } });
      expect(f.path.startsWith("/") || f.path.startsWith("./")).toBe(false);
    });
    expect(issues.some((i) => (i["location"] as { path: string }).path === "tests/sub dir/test_two.py")).toBe(true);
    expect(issues.some((i) => (i["location"] as { path: string }).path === "pytest.ini")).toBe(true);
    // GitLab keeps one issue per fingerprint: identical lines in one file must still differ.
    const prints = issues.map((i) => i["fingerprint"]);
    expect(new Set(prints).size).toBe(prints.length);
  });

  it("keeps fingerprints when lines move", async () => {
    const prints = async (text: string) => {
      const cwd = makeTree({ "tests/test_mocks.py": text });
      const issues = JSON.parse((await check({ cwd, format: "gitlab" })).stdout) as { fingerprint: string; location: { lines: { begin: number } } }[];
      return { prints: issues.map((i) => i.fingerprint).sort(), lines: issues.map((i) => i.location.lines.begin) };
    };
    const before = await prints(MOCKS);
    const after = await prints("# a comment\n\n" + MOCKS);
    expect(after.lines).not.toEqual(before.lines);
    expect(after.prints).toEqual(before.prints);
  });

  it("is an empty array for a clean suite", async () => {
    const cwd = makeTree({ "test_ok.py": "def test_ok():\n    assert True\n" });
    const r = await check({ cwd, format: "gitlab" });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });
});
