/**
 * npm run bench:cache [-- DIR] [--files N]
 * The result cache on a whole suite: a cold run (empty cache), a warm run (nothing changed), then a
 * run after editing one test file. Each run is a separate process of the built CLI with its cache in
 * a temporary folder (PYTEST_MEMLINT_CACHE_DIR). Checks that the warm output is byte-identical to
 * the cold one and that after the edit only that file's findings (and suite findings) differ from
 * the warm run, and that they equal a --no-cache run. DIR is copied first (it is edited); without
 * DIR a suite of N generated files (default 3000) in folders with conftest.py files is used.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

let root = path.dirname(fileURLToPath(import.meta.url));
while (!fs.existsSync(path.join(root, "package.json"))) root = path.dirname(root);
const BIN = path.join(root, "bin", "pytest-memlint.js");

function testModule(i: number): string {
  return `import numpy as np
import pytest
from unittest import mock


@pytest.fixture
def rows_${i}():
    return [dict(id=n) for n in range(${(i % 5) * 600})]


class TestFeature${i}:
    def test_lookup(self, rows_${i}):
        client = mock.Mock()
        client.api.users.get.return_value = rows_${i}
        assert client.api.users.get() == rows_${i}

    def test_matrix(self):
        grid = np.zeros((${1000 + (i % 7) * 500}, 1000))
        assert grid.shape[0] > 0
${i % 11 === 0 ? "\n\n@pytest.mark.slow\ndef test_heavy():\n    pass\n" : ""}${i % 3 === 0 ? `\n\ndef test_patched():\n    with mock.patch("os.getcwd") as m:\n        m.return_value = "${i}"\n        assert m() == "${i}"\n` : ""}`;
}

function generate(dir: string, files: number): void {
  fs.writeFileSync(path.join(dir, "pytest.ini"), "[pytest]\naddopts = -n auto\nmarkers =\n    slow: slow tests\n");
  for (let i = 0; i < files; i++) {
    const folder = path.join(dir, "tests", `pkg${Math.floor(i / 100)}`);
    if (i % 100 === 0) {
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(path.join(folder, "conftest.py"), "import pytest\n\n\n@pytest.fixture(scope=\"session\")\ndef settings():\n    return {}\n");
    }
    fs.writeFileSync(path.join(folder, `test_mod${i}.py`), testModule(i));
  }
}

interface Run {
  ms: number;
  stdout: string;
  rssMb: number | undefined;
}

function lint(dir: string, cacheDir: string, extra: string[] = []): Run {
  const timeBin = fs.existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
  const argv = [process.execPath, BIN, "check", ".", "--format", "json", "--exit-zero", ...extra];
  const start = process.hrtime.bigint();
  const child = timeBin
    ? spawnSync(timeBin, ["-f", "%M", ...argv], { cwd: dir, encoding: "utf8", maxBuffer: 1 << 30, env: { ...process.env, PYTEST_MEMLINT_CACHE_DIR: cacheDir } })
    : spawnSync(argv[0] as string, argv.slice(1), { cwd: dir, encoding: "utf8", maxBuffer: 1 << 30, env: { ...process.env, PYTEST_MEMLINT_CACHE_DIR: cacheDir } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (child.status !== 0) throw new Error(`run failed (${child.status}): ${child.stderr}`);
  const rssKb = timeBin ? Number(child.stderr.trim().split("\n").pop()) : NaN;
  return { ms, stdout: child.stdout, rssMb: Number.isFinite(rssKb) ? rssKb / 1024 : undefined };
}

/** Findings of a JSON report, as one line each, grouped by file. */
function byFile(json: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of JSON.parse(json) as { path: string; code: string; line: number; column: number; message: string }[]) {
    out.set(f.path, [...(out.get(f.path) ?? []), `${f.line}:${f.column} ${f.code} ${f.message}`]);
  }
  return out;
}

function main(): void {
  const args = process.argv.slice(2);
  const filesIndex = args.indexOf("--files");
  const count = filesIndex !== -1 ? Number(args[filesIndex + 1]) : 3000;
  const given = args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--files");
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "pm-cache-bench-"));
  const dir = path.join(work, "suite");
  const cacheDir = path.join(work, "cache");
  try {
    if (given) fs.cpSync(path.resolve(given), dir, { recursive: true });
    else {
      fs.mkdirSync(dir);
      generate(dir, count);
    }
    const cold = lint(dir, cacheDir);
    const warm = lint(dir, cacheDir);
    const noCache = lint(dir, cacheDir, ["--no-cache"]);
    // Edit one test file: the first one with findings, its first line duplicated as a comment and a mark use added.
    const before = byFile(warm.stdout);
    const target = [...before.keys()].find((p) => p.endsWith(".py") && path.basename(p).startsWith("test")) ?? [...before.keys()][0];
    if (!target) throw new Error("no findings to edit a file for");
    const targetPath = path.join(dir, target);
    fs.writeFileSync(targetPath, `import pytest\n\n\n@pytest.mark.memory_intensive\ndef test_added_by_the_bench():\n    x = [0] * 10\n    assert x\n\n\n${fs.readFileSync(targetPath, "utf8")}`);
    const edited = lint(dir, cacheDir);
    const editedCold = lint(dir, cacheDir, ["--no-cache"]);
    const after = byFile(edited.stdout);
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((p) => JSON.stringify(before.get(p)) !== JSON.stringify(after.get(p))).sort();
    const rss = (r: Run) => (r.rssMb !== undefined ? `, peak RSS ${r.rssMb.toFixed(0)} MB` : "");
    const lines = [
      `suite: ${given ?? `${count} generated test files`} (${before.size} files with findings, ${(JSON.parse(cold.stdout) as unknown[]).length} findings), load average ${os.loadavg()[0]?.toFixed(1)}`,
      `cold run (empty cache): ${cold.ms.toFixed(0)} ms${rss(cold)}`,
      `warm run (no change):   ${warm.ms.toFixed(0)} ms${rss(warm)}  = ${((100 * warm.ms) / cold.ms).toFixed(1)}% of cold`,
      `--no-cache run:         ${noCache.ms.toFixed(0)} ms${rss(noCache)}`,
      `warm output byte-identical to cold: ${warm.stdout === cold.stdout ? "yes" : "NO"}; to --no-cache: ${noCache.stdout === cold.stdout ? "yes" : "NO"}`,
      `after editing ${target}: ${edited.ms.toFixed(0)} ms${rss(edited)}; output identical to a --no-cache run: ${edited.stdout === editedCold.stdout ? "yes" : "NO"}`,
      `  files whose findings changed: ${changed.join(", ") || "(none)"}`,
    ];
    process.stdout.write(lines.join("\n") + "\n");
    if (warm.stdout !== cold.stdout || edited.stdout !== editedCold.stdout || noCache.stdout !== cold.stdout) process.exitCode = 1;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main();
