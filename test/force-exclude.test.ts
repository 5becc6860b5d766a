/** `--force-exclude`: the configuration's `exclude` applies to files named on the command line too. */
import { describe, expect, it } from "vitest";
import { cli, makeTree, parseFindings } from "./helpers.js";

const MOCK = "from unittest.mock import MagicMock\nm = MagicMock()\n";
const CONFIG = '[tool.pytest-memlint]\nexclude = ["tests/legacy/**", "generated"]\n';

describe("--force-exclude", () => {
  const cwd = makeTree({
    "pyproject.toml": CONFIG,
    "tests/legacy/test_old.py": MOCK,
    "tests/generated/sub/test_gen.py": MOCK,
    "tests/test_new.py": MOCK,
  });
  const named = ["tests/legacy/test_old.py", "tests/generated/sub/test_gen.py", "tests/test_new.py"];
  const paths = (args: string[]) => [...new Set(parseFindings(cli(["check", "--format", "json", ...args], { cwd }).stdout).map((f) => f.path))];

  it("without it, files named on the command line are checked even when excluded", () => {
    expect(paths(named)).toEqual(["tests/generated/sub/test_gen.py", "tests/legacy/test_old.py", "tests/test_new.py"]);
  });

  it("with it, a named file that exclude matches, itself or by a folder above it, is skipped", () => {
    expect(paths(["--force-exclude", ...named])).toEqual(["tests/test_new.py"]);
    expect(paths(["--force-exclude", "tests"])).toEqual(["tests/test_new.py"]);
  });

  it("applies to --stdin-filename: nothing is reported, and --fix passes the source through", () => {
    const r = cli(["check", "--force-exclude", "--stdin-filename", "tests/legacy/test_x.py", "--fix"], { cwd, input: MOCK });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(MOCK);
    const plain = cli(["check", "--force-exclude", "--stdin-filename", "tests/legacy/test_x.py", "--format", "json"], { cwd, input: MOCK });
    expect(plain.code).toBe(0);
    expect(parseFindings(plain.stdout)).toEqual([]);
  });
});
