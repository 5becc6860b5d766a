import { createRule } from "../engine/rule.js";
import { addoptsOf, effectiveDist, startsWorkers } from "../config/addopts.js";
import { configGroups, recordingPytestFacts, relativeToConfig, reportConfigLine } from "./shared/pytest-suite.js";

export default createRule({
  meta: {
    code: "MEM502",
    name: "xdist-group-without-loadgroup",
    severity: "warning",
    fix: "none",
    enabledByDefault: true,
    summary: "`xdist_group` marks are used, but `addopts` starts xdist workers without `--dist loadgroup`, so they do nothing.",
    messages: {
      wrongDist: "`xdist_group` marks are used ({file}) but `addopts` runs xdist with `--dist {dist}`: the marks do nothing without `--dist loadgroup`",
      noDist: "`xdist_group` marks are used ({file}) but `addopts` starts xdist workers with no `--dist` (which means `load`): the marks do nothing without `--dist loadgroup`",
    },
    docs: {
      whatItDoes:
        "Checks, when `xdist_group` marks are used in the suite (the files checked, and the `conftest.py` files above them), that the `addopts` of the pytest configuration that applies to them, when it starts xdist workers (`-n` other than 0, or `--tx`), also sets `--dist loadgroup` (the last `--dist` counts; `-d` means `--dist load`). When `addopts` starts no workers the rule is silent: the command line may start them with the right mode.\n\nThe finding points at the `addopts` line. It is suppressed by a full-line `# noqa: MEM502` comment directly above that line. The rule is silent where no pytest configuration file applies.",
      whyIsThisBad:
        "`@pytest.mark.xdist_group` only keeps a group's tests on one worker under `--dist loadgroup`; with `load` (the default once `-n` is given), `loadscope`, `loadfile`, `worksteal` or `each` the mark is ignored. The tests of every group are then scattered over all workers, each of which builds and keeps the group's fixtures and mocks: exactly the memory growth the marks were added to prevent, while the marks suggest it is handled.",
      example: "# pytest.ini\n[pytest]\naddopts = -n 4\n",
      useInstead: "# pytest.ini\n[pytest]\naddopts = -n 4 --dist loadgroup\n",
    },
    options: [],
  },
  create: recordingPytestFacts,
  createSuite(ctx) {
    return {
      "suite:exit"() {
        for (const group of configGroups(ctx.shared)) {
          const addopts = addoptsOf(group.config);
          if (!addopts || !startsWorkers(addopts.xdist)) continue;
          const dist = effectiveDist(addopts.xdist);
          if (dist === "loadgroup") continue;
          const user = group.files.find((f) => f.facts.marks.has("xdist_group"));
          if (!user) continue;
          const file = relativeToConfig(group.config, user.path);
          const explicit = addopts.xdist.dist !== undefined || addopts.xdist.distload;
          reportConfigLine(ctx, group, addopts.option.line, explicit ? { messageId: "wrongDist", data: { file, dist } } : { messageId: "noDist", data: { file } });
        }
      },
    };
  },
});
