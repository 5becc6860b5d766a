/** What the run keeps of a conftest.py above the checked files: a plain-data summary, made once, with no tree. */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Project } from "../src/engine/project.js";
import { cli, makeTree } from "./helpers.js";

const CONFTEST = `import gc

import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker("performance")


@pytest.fixture(autouse=True)
def collect():
    yield
    gc.collect()


@pytest.fixture(scope="session", params=[1, 2])
def engine(tmp_path_factory, settings, retries=3):
    return settings


class TestHelpers:
    @pytest.fixture(name="helper")
    def make_helper(self, engine):
        return engine
`;

describe("ConftestSummary", () => {
  it("holds the fixtures, the suite facts and MEM103's fact as plain data", () => {
    const cwd = makeTree({ "pytest.ini": "[pytest]\n", "tests/conftest.py": CONFTEST, "tests/test_a.py": "def test_a():\n    pass\n" });
    const project = new Project();
    const [summary, ...rest] = project.conftestsAbove(path.join(cwd, "tests", "test_a.py"));
    expect(rest).toEqual([]);
    expect(summary?.path).toBe(path.join(cwd, "tests", "conftest.py"));
    expect(summary?.fixtures).toEqual([
      { name: "collect", scope: "function", hasParams: false, autouse: true, deps: [], line: 12, inClass: false },
      { name: "engine", scope: "session", hasParams: true, autouse: false, deps: ["tmp_path_factory", "settings"], line: 18, inClass: false },
      { name: "helper", scope: "function", hasParams: false, autouse: false, deps: ["engine"], line: 24, inClass: true },
    ]);
    expect(summary?.collectsAfterEachTest).toBe(true);
    expect([...(summary?.pytestFacts.addedMarks ?? [])]).toEqual(["performance"]);
    // Nothing of the parse is left in it: it survives a structured clone (a worker's seed) unchanged.
    expect(structuredClone(summary)).toEqual(summary);
    expect(JSON.parse(JSON.stringify(summary?.fixtures))).toEqual(summary?.fixtures);
  });

  it("is made once per conftest.py and read again by every file below it", () => {
    const cwd = makeTree({ "pytest.ini": "[pytest]\n", "conftest.py": "import pytest\n\n@pytest.fixture\ndef a():\n    return 1\n", "x/test_a.py": "", "y/test_b.py": "" });
    const project = new Project();
    const [first] = project.conftestsAbove(path.join(cwd, "x", "test_a.py"));
    const [second] = project.conftestsAbove(path.join(cwd, "y", "test_b.py"));
    expect(first?.fixtures.map((f) => f.name)).toEqual(["a"]);
    expect(second).toBe(first);
    expect(project.parsedConftest(path.join(cwd, "conftest.py"))).toBe(first);
  });

  it("is passed from one thread to another: a Project seeded with it reads no conftest.py", () => {
    const cwd = makeTree({ "pytest.ini": "[pytest]\n", "conftest.py": "import pytest\n\n@pytest.fixture\ndef a():\n    return 1\n", "x/test_a.py": "" });
    const test = path.join(cwd, "x", "test_a.py");
    const conftest = path.join(cwd, "conftest.py");
    const first = new Project();
    first.conftestsAbove(test);
    const made = structuredClone([[conftest, first.parsedConftest(conftest) ?? null]] as const);
    fs.rmSync(conftest);
    const second = new Project();
    second.seed(first.snapshotFor([test]));
    second.seedConftests(made.map(([p, s]) => [p, s]));
    expect(second.conftestsAbove(test).map((c) => c.fixtures.map((f) => f.name))).toEqual([["a"]]);
  });

  it("gives worker threads the same findings as one thread where rules read conftest.py fixtures and facts", () => {
    const files: Record<string, string> = {
      "pytest.ini": "[pytest]\nmarkers =\n    slow: slow\n",
      "conftest.py": "import pytest\n\n\n@pytest.fixture\ndef settings(tmp_path):\n    return tmp_path\n\n\n@pytest.fixture\ndef engine(settings):\n    return settings\n",
      "tests/conftest.py": "import pytest\n\n\n@pytest.fixture\ndef session(engine):\n    return engine\n",
    };
    // Over 100 files: the run parses with WebAssembly, which the main thread loads to summarise the conftest.py files.
    for (let i = 0; i < 110; i++) {
      files[`tests/test_m${i}.py`] = `import pytest\n\n\n@pytest.fixture\ndef repo(session):\n    return session\n\n\n@pytest.fixture\ndef service(repo):\n    return [0] * 1_000_000\n\n\nclass TestM${i}:\n    def test_a(self, service):\n        assert service\n`;
    }
    const cwd = makeTree(files);
    const one = cli(["--format", "json", "--no-cache", "--jobs", "1"], { cwd });
    expect(one.stderr).toBe("");
    expect(one.stdout).toContain('"MEM306"');
    expect(one.stdout).toContain("../conftest.py:5");
    const two = cli(["--format", "json", "--no-cache", "--jobs", "2"], { cwd });
    expect(two.stderr).toBe("");
    expect(two.stdout).toBe(one.stdout);
  });
});
