/** MEM306's message: the chain after the fixture, each link located, an override told apart from what it overrides. */
import { describe, expect, it } from "vitest";
import { check, makeTree, parseFindings } from "./helpers.js";

const FIXTURE = "import pytest\n\n\n@pytest.fixture\n";

describe("MEM306 message", () => {
  it("locates each link relative to the flagged fixture's file, does not repeat the flagged fixture's name, and ends at a builtin", async () => {
    const cwd = makeTree({
      "conftest.py": `${FIXTURE}def settings(tmp_path):\n    return tmp_path\n`,
      "pkg/conftest.py": `${FIXTURE}def settings(settings):\n    return settings\n\n\n@pytest.fixture\ndef engine(settings):\n    return settings\n`,
      "pkg/sub/test_x.py": `${FIXTURE}def repo(engine):\n    return engine\n\n\n@pytest.fixture\ndef service(repo):\n    return repo\n\n\ndef test_x(service):\n    assert service\n`,
    });
    const r = await check({ cwd, noConfig: true, select: ["MEM306"] });
    expect(r.stderr).toBe("");
    const findings = parseFindings(r.stdout);
    expect(findings.map((f) => [f.path, f.line, f.message])).toEqual([
      [
        "pkg/sub/test_x.py",
        5,
        "Fixture `repo` has a dependency chain of 4 edges (over max-fixture-chain 3): `engine` (../conftest.py:10) → `settings` (../conftest.py:5) → `settings` (../../conftest.py:5) → `tmp_path` (builtin or plugin)",
      ],
      [
        "pkg/sub/test_x.py",
        10,
        "Fixture `service` has a dependency chain of 5 edges (over max-fixture-chain 3): `repo` (line 5) → `engine` (../conftest.py:10) → `settings` (../conftest.py:5) → `settings` (../../conftest.py:5) → `tmp_path` (builtin or plugin)",
      ],
    ]);
  });
});
