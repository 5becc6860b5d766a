import { createRule } from "../engine/rule.js";
import { optionLines } from "../config/pytest-config.js";
import { markerName } from "../engine/semantic/pytest-facts.js";
import { configGroups, isBuiltinMark, recordingPytestFacts, relativeToConfig, reportConfigLine } from "./shared/pytest-suite.js";
import { memoryMarker } from "./large-array-unmarked.js";

export default createRule({
  meta: {
    code: "MEM503",
    name: "unregistered-memory-marker",
    severity: "warning",
    fix: "none",
    enabledByDefault: true,
    summary: "The `memory-marker` or `performance` mark is used but never registered.",
    messages: {
      unregistered: "Mark `{mark}` is used ({file}) but not registered in `markers` of {config} nor by `config.addinivalue_line(\"markers\", ...)` in a conftest.py",
    },
    docs: {
      whatItDoes:
        "Checks that the `memory-marker` mark (default `memory_intensive`) and the `performance` mark, when the suite uses them (the files checked and the `conftest.py` files above them: `@pytest.mark.NAME`, `pytestmark`, `item.add_marker(...)`), are registered: in `markers` of the pytest configuration that applies, or by `config.addinivalue_line(\"markers\", \"NAME: ...\")` in a `conftest.py`. A registration's name is the text before `:` or `(`, as pytest reads it. When a registration cannot be read (its text is a variable or an f-string) the rule stays silent. `xdist_group` is registered by pytest-xdist itself and is not checked.\n\nThe finding points at the `markers` line of the configuration file, or at its section header when there is no `markers`. It is suppressed by a full-line `# noqa: MEM503` comment directly above that line. The rule is silent where no pytest configuration file applies.",
      whyIsThisBad:
        "pytest warns (`PytestUnknownMarkWarning`) about every use of an unregistered mark, and `--strict-markers` (or `strict = true`) turns it into a collection error. Worse, a typo in a mark that CI filters on (`-m \"not memory_intensive\"`) silently lets memory-hungry tests into the parallel job; registering the marks makes pytest catch that.",
      example: "# pytest.ini\n[pytest]\naddopts = -n 4 --dist loadgroup\n\n# tests/test_reports.py\n@pytest.mark.memory_intensive\ndef test_full_export():\n    ...\n",
      useInstead: "# pytest.ini\n[pytest]\naddopts = -n 4 --dist loadgroup\nmarkers =\n    memory_intensive: needs a lot of memory; run with -n 0\n    performance: timing tests; run alone\n",
    },
    options: [memoryMarker],
  },
  create: recordingPytestFacts,
  createSuite(ctx) {
    return {
      "suite:exit"() {
        const marks = [...new Set([ctx.options.memoryMarker, "performance"])].filter((m) => !isBuiltinMark(m) && m !== "xdist_group");
        for (const group of configGroups(ctx.shared)) {
          if (group.files.some((f) => f.facts.unreadableRegistration)) continue;
          const markersOption = group.config.options.get("markers");
          const registered = new Set((optionLines(markersOption) ?? []).map(markerName));
          for (const f of group.files) for (const name of f.facts.registeredMarkers) registered.add(name);
          const line = markersOption?.line ?? group.config.headerLine;
          for (const mark of marks) {
            if (registered.has(mark)) continue;
            const user = group.files.find((f) => f.facts.marks.has(mark));
            if (!user) continue;
            reportConfigLine(ctx, group, line, { messageId: "unregistered", data: { mark, file: relativeToConfig(group.config, user.path), config: relativeToConfig(group.config, group.config.path) } });
          }
        }
      },
    };
  },
});
