/**
 * Writes a synthetic pytest suite of N test files for benchmarks (never committed): classes using
 * mocks, fixtures, parametrised tests, test data, a conftest.py per folder and a pytest.ini with
 * `-n auto`, so that most rules find something, as in the large suites that get OOM-killed.
 */
import fs from "node:fs";
import path from "node:path";

const FILES_PER_FOLDER = 50;

function testFile(i: number): string {
  const n = String(i);
  const methods: string[] = [];
  for (let m = 0; m < 4 + (i % 5); m++) {
    methods.push(
      [
        `    def test_fetch_${m}(self, client_${n}):`,
        `        svc = MagicMock()`,
        `        svc.fetch.return_value = {"id": ${m}, "name": "item-${n}-${m}"}`,
        `        assert svc.fetch()["id"] == ${m}`,
        `        assert client_${n}.items`,
        ``,
        `    @patch("os.getcwd")`,
        `    def test_cwd_${m}(self, getcwd):`,
        `        getcwd.return_value = "/tmp/${n}"`,
        `        assert os.getcwd() == "/tmp/${n}"`,
        ``,
      ].join("\n"),
    );
  }
  return [
    `"""Tests of service ${n}."""`,
    `import json`,
    `import os`,
    `from unittest.mock import MagicMock, patch`,
    ``,
    `import pytest`,
    ``,
    `ROWS_${n} = [{"id": k, "name": "row", "tags": ["a", "b", "c"]} for k in range(${100 + (i % 50)})]`,
    ``,
    ``,
    `@pytest.fixture`,
    `def client_${n}():`,
    `    data = [[0] * 100 for _ in range(100)]`,
    `    return MagicMock(items=data)`,
    ``,
    ``,
    `class TestService${n}:`,
    ...methods,
    `    @pytest.mark.parametrize("value", [1, 2, 3, ${i % 97}])`,
    `    def test_values(self, value):`,
    `        assert json.dumps({"value": value})`,
    ``,
    ``,
    `def test_plain_${n}():`,
    `    values = list(range(1000))`,
    `    assert sum(values) > 0`,
    ``,
  ].join("\n");
}

const CONFTEST = [
  `import pytest`,
  ``,
  ``,
  `@pytest.fixture`,
  `def big_table():`,
  `    return [[k] * 100 for k in range(1000)]`,
  ``,
].join("\n");

/** Writes the suite under `dir` (created); returns the number of test files. */
export function generateSuite(dir: string, files: number): number {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "pytest.ini"), "[pytest]\naddopts = -n auto\n");
  for (let i = 0; i < files; i++) {
    const folder = path.join(dir, "tests", `area_${String(Math.floor(i / FILES_PER_FOLDER)).padStart(4, "0")}`);
    if (i % FILES_PER_FOLDER === 0) {
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(path.join(folder, "conftest.py"), CONFTEST);
    }
    fs.writeFileSync(path.join(folder, `test_service_${String(i).padStart(5, "0")}.py`), testFile(i));
  }
  return files;
}
