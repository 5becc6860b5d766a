import { createRule } from "../engine/rule.js";
import { addoptsOf } from "../config/addopts.js";
import { configGroups, recordingPytestFacts, reportConfigLine } from "./shared/pytest-suite.js";
import { declareOption, optionSchemas } from "../engine/options.js";

export const maxWorkers = declareOption({
  key: "max-workers",
  property: "maxWorkers",
  schema: optionSchemas.positiveInt,
  default: 8,
  type: "integer",
  description:
    "The most xdist workers `addopts` may start.",
});

export default createRule({
  meta: {
    code: "MEM501",
    name: "unbounded-xdist-workers",
    severity: "warning",
    fix: "none",
    enabledByDefault: true,
    summary: "`addopts` starts one xdist worker per CPU with no cap, or more workers than `max-workers`.",
    messages: {
      unbounded: "`addopts` starts `-n {value}` xdist workers (one per CPU) with no `--maxprocesses` and no `pytest_xdist_auto_num_workers` hook: a large CI runner starts dozens of workers, each holding its own copy of the suite",
      tooMany: "`addopts` starts {count} xdist workers, more than `max-workers` ({max}); each worker holds its own copy of the suite",
      capTooHigh: "`addopts` starts `-n {value}` xdist workers capped at `--maxprocesses {count}`, more than `max-workers` ({max})",
    },
    docs: {
      whatItDoes:
        "Reads `addopts` of the pytest configuration that applies (`pytest.toml`, `pytest.ini`, `pyproject.toml`, `tox.ini`, `setup.cfg`) as pytest does (split like a shell; TOML lists as they are) and takes the workers of the last `-n`/`--numprocesses` in any form (`-n X`, `-nX`, `-n=X`, `--numprocesses X`, `--numprocesses=X`), capped by `--maxprocesses`. It flags `auto` or `logical` with no `--maxprocesses` and no `pytest_xdist_auto_num_workers` hook in a `conftest.py`, and a number of workers over `max-workers`. `-n 0` and `-p no:xdist` start no workers.\n\nThe finding points at the `addopts` line of the configuration file. It is suppressed by a full-line `# noqa: MEM501` comment directly above that line (an inline comment would become part of the ini value). The rule is silent where no pytest configuration file applies.",
      whyIsThisBad:
        "Every xdist worker is a full pytest process: it imports the conftest files and the code under test, collects the whole suite and builds its own fixtures. `-n auto` starts one per CPU core, so the memory a run needs grows with the machine: the suite that passes on an 8-core laptop is OOM-killed (exit 137) on a 64-core CI runner with the same memory limit per job.",
      example: "# pytest.ini\n[pytest]\naddopts = -n auto\n",
      useInstead: "# pytest.ini\n[pytest]\naddopts = -n auto --maxprocesses 8\n",
    },
    options: [maxWorkers],
  },
  create: recordingPytestFacts,
  createSuite(ctx) {
    return {
      "suite:exit"() {
        const max = ctx.options.maxWorkers;
        for (const group of configGroups(ctx.shared)) {
          const addopts = addoptsOf(group.config);
          if (!addopts) continue;
          const x = addopts.xdist;
          const n = x.numprocesses;
          if (x.xdistDisabled || n === undefined || n === "invalid") continue;
          const cap = x.maxprocesses !== undefined && x.maxprocesses !== 0 ? x.maxprocesses : undefined;
          const line = addopts.option.line;
          if (n === "auto" || n === "logical") {
            if (x.pdb) continue; // pytest-xdist turns `-n auto` off under --pdb
            if (cap !== undefined) {
              if (cap > max) reportConfigLine(ctx, group, line, { messageId: "capTooHigh", data: { value: n, count: cap, max } });
              continue;
            }
            if (group.files.some((f) => f.isConftest && f.facts.autoNumWorkersHook)) continue;
            reportConfigLine(ctx, group, line, { messageId: "unbounded", data: { value: n } });
            continue;
          }
          const count = cap !== undefined ? Math.min(n, cap) : n;
          if (count > max) reportConfigLine(ctx, group, line, { messageId: "tooMany", data: { count, max } });
        }
      },
    };
  },
});
