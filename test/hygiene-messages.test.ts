/** MEM102's message is true in context: under `--dist load` it says what the configuration needs, without pointing at a MEM502 finding that only exists once marks are used. */
import { describe, expect, it } from "vitest";
import { check, makeTree, parseFindings } from "./helpers.js";

describe("MEM102 message under --dist load", () => {
  it("says the mark needs --dist loadgroup in addopts, and no MEM502 is reported while no mark is used", async () => {
    const cwd = makeTree({
      "pytest.ini": "[pytest]\naddopts = -n 4\n",
      "test_client.py": "from unittest.mock import MagicMock\n\n\nclass TestClient:\n    def test_get(self):\n        assert MagicMock(spec_set=[])\n",
    });
    const r = await check({ cwd, noConfig: true, select: ["MEM102", "MEM502"] });
    expect(r.stderr).toBe("");
    const findings = parseFindings(r.stdout);
    expect(findings.map((f) => [f.code, f.line, f.message])).toEqual([
      ["MEM102", 4, "Test class `TestClient` has no `xdist_group` mark; its tests spread over every xdist worker, and `addopts` runs `--dist load`: the mark only takes effect once `addopts` runs `--dist loadgroup`"],
    ]);
  });
});
