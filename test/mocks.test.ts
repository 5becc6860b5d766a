/** MEM201–MEM204 beyond the fixtures: defaults, messages and spans, robustness on extreme input. */
import { describe, expect, it } from "vitest";
import { ruleByCode } from "../src/rules/index.js";
import { check, makeTree, parseFindings } from "./helpers.js";

async function lint(files: Record<string, string>, opts: { select?: string[]; extendSelect?: string[] } = {}) {
  const cwd = makeTree(files);
  const r = await check({ cwd, noConfig: true, ...opts });
  expect(r.stderr).toBe("");
  return parseFindings(r.stdout);
}

describe("mock rules", () => {
  it("MEM202 is informational and off by default; --extend-select turns it on", async () => {
    const files = { "test_a.py": 'from unittest.mock import patch\n\n\n@patch("myapp.db")\ndef test_db(db):\n    assert db\n' };
    expect(ruleByCode("MEM202")?.meta).toMatchObject({ severity: "info", enabledByDefault: false, fix: "none" });
    expect((await lint(files)).filter((f) => f.code === "MEM202")).toEqual([]);
    const on = (await lint(files, { extendSelect: ["MEM202"] })).filter((f) => f.code === "MEM202");
    expect(on.map((f) => [f.line, f.column, f.severity])).toEqual([[4, 2, "info"]]);
  });

  it("MEM201, MEM203 and MEM204 are on by default, as warnings without a fix", async () => {
    for (const code of ["MEM201", "MEM203", "MEM204"]) {
      expect(ruleByCode(code)?.meta).toMatchObject({ severity: "warning", enabledByDefault: true, fix: "none" });
    }
    const findings = await lint({ "test_a.py": "from unittest.mock import MagicMock\n\nM = MagicMock()\n\n\ndef test_x():\n    M.a.b.c = 1\n" });
    const ours = findings.filter((f) => ["MEM201", "MEM203", "MEM204"].includes(f.code)).map((f) => `${f.line}:${f.column} ${f.code}`);
    expect(ours).toEqual(["3:5 MEM201", "3:5 MEM204", "7:5 MEM203"]);
    expect(findings.every((f) => f.fix === null || !["MEM201", "MEM203", "MEM204"].includes(f.code))).toBe(true);
  });

  it("MEM203 names the counted chain and its depth, and spans it from its start", async () => {
    const src = "from unittest.mock import MagicMock\n\n\ndef test_x():\n    m = MagicMock()\n    m.client.connection.cursor.execute.return_value = 1\n";
    const [f] = await lint({ "test_a.py": src }, { select: ["MEM203"] });
    expect(f?.message).toBe("Mock chain `m.client.connection.cursor.execute` is 4 levels deep (at most 2): every level is another child mock kept alive with its call records");
    expect([f?.line, f?.column, f?.endLine, f?.endColumn]).toEqual([6, 5, 6, 39]);
  });

  it("MEM201 and MEM204 point at the whole call and name it as written", async () => {
    const src = "from unittest import mock\n\nCLIENT = mock.MagicMock(\n    name='client',\n)\n";
    const findings = await lint({ "test_a.py": src }, { select: ["MEM201", "MEM204"] });
    expect(findings.map((f) => [f.code, f.line, f.column, f.endLine, f.endColumn])).toEqual([
      ["MEM201", 3, 10, 5, 2],
      ["MEM204", 3, 10, 5, 2],
    ]);
    expect(findings[0]?.message).toContain("`mock.MagicMock()` created without `spec_set=`");
  });

  it("MEM201's message says what the mock still allows and names the receiver as written", async () => {
    const src = [
      "from unittest import mock",
      "from unittest.mock import MagicMock, create_autospec",
      "",
      "from myapp.client import Client",
      "",
      "",
      "def test_x(mocker):",
      "    bare = MagicMock(name='bare')",
      "    specced = mock.Mock(spec=Client)",
      "    positional = MagicMock(Client)",
      "    auto = mocker.create_autospec(Client, instance=True)",
      "    plain_auto = create_autospec(Client)",
      "    assert [bare, specced, positional, auto, plain_auto]",
      "",
    ].join("\n");
    const findings = await lint({ "test_a.py": src }, { select: ["MEM201"] });
    const stillSettable = "reading an attribute the spec lacks already raises, but any attribute can still be set on it and is kept";
    expect(findings.map((f) => [f.line, f.message])).toEqual([
      [8, "`MagicMock()` created without `spec_set=`: every attribute read on it creates and keeps a new child mock"],
      [9, `\`mock.Mock()\` created with \`spec=\` but without \`spec_set=\`: ${stillSettable}`],
      [10, `\`MagicMock()\` created with \`spec=\` but without \`spec_set=\`: ${stillSettable}`],
      [11, `\`mocker.create_autospec()\` without \`spec_set=True\`: ${stillSettable}`],
      [12, `\`create_autospec()\` without \`spec_set=True\`: ${stillSettable}`],
    ]);
  });

  it("an unparsable file still gets the findings of the parts that parse", async () => {
    const src = "from unittest.mock import MagicMock\n\n\ndef test_x(:\n    pass\n\n\ndef test_y():\n    m = MagicMock()\n    m.a.b.c = 1\n";
    const findings = await lint({ "test_a.py": src }, { select: ["MEM000", "MEM203"] });
    expect(findings.map((f) => f.code)).toContain("MEM000");
    expect(findings.filter((f) => f.code === "MEM203").map((f) => f.line)).toEqual([10]);
  });

  it("handles a very long chain and deeply nested calls without overflowing the stack", async () => {
    const chain = "m" + ".a".repeat(20_000);
    const nested = "f(".repeat(3_000) + "m.a.b.c" + ")".repeat(3_000);
    const src = `from unittest.mock import MagicMock\n\n\ndef test_x(f):\n    m = MagicMock()\n    ${chain} = 1\n    ${nested}\n`;
    const findings = await lint({ "test_a.py": src }, { select: ["MEM203"] });
    expect(findings.map((f) => [f.line, f.column])).toEqual([
      [6, 5],
      [7, 6_005],
    ]);
    expect(findings[0]?.message).toContain("is 20000 levels deep");
    // The message names the chain by its start and its last link, not all 20,000 links.
    expect(findings[0]?.message).toBe(`Mock chain \`m${".a".repeat(29)}….a\` is 20000 levels deep (at most 2): every level is another child mock kept alive with its call records`);
    expect(findings[1]?.message).toContain("Mock chain `m.a.b.c` is 3 levels deep");
  });

  it("MEM203 names a chain of long names in a short message", async () => {
    const long = "x".repeat(300);
    const src = `from unittest.mock import MagicMock\n\n\ndef test_x():\n    m = MagicMock()\n    m.${long}.b().c.${long} = 1\n`;
    const [f] = await lint({ "test_a.py": src }, { select: ["MEM203"] });
    expect(f?.message).toContain(`Mock chain \`m.${"x".repeat(38)}….b().c.${"x".repeat(38)}…\` is 5 levels deep`);
  });

  it("MEM203 stays linear in the number of chains sharing a prefix (20,000 tests)", async () => {
    // Each chain's prefix is assigned in every test: looking the last assignment up used to scan them all.
    const tests = Array.from(
      { length: 20_000 },
      (_, i) => `def test_${i}(mock_db):\n    mock_db.client.connection.cursor.execute.return_value = ${i}\n    mock_db.client.connection.cursor = MagicMock()\n`,
    );
    const src = `from unittest.mock import MagicMock\n\n\n${tests.join("\n\n")}`;
    const findings = await lint({ "test_a.py": src }, { select: ["MEM203"] });
    expect(findings.length).toBe(40_000);
    expect(findings[0]?.message).toContain("Mock chain `mock_db.client.connection.cursor.execute` is 4 levels deep");
    expect(findings[1]?.message).toContain("Mock chain `mock_db.client.connection.cursor` is 3 levels deep");
  }, 300_000);
});
