import { createRule, type FileContext } from "../engine/rule.js";
import type { ClassInfo } from "../engine/model.js";
import type { Edit } from "../engine/types.js";
import { addModuleImport, eolAt, indentOfLine } from "../fix/python-text.js";
import { classHeaderSpan, hasXdistGroup, inHygieneScope, classHygieneScope } from "./shared/hygiene.js";
import { expandGroupName, groupNameProblem } from "./shared/group-name.js";
import { addoptsOf, effectiveDist, startsWorkers } from "../config/addopts.js";
import { declareOption } from "../engine/options.js";
import * as z from "zod/mini";
import type { PytestConfig } from "../config/pytest-config.js";

export const xdistGroupName = declareOption({
  key: "xdist-group-name",
  property: "xdistGroupName",
  schema: z.string(),
  default: "{stem}_tests",
  type: "string",
  description:
    "Template of the group name MEM102's fix writes: `{stem}` is the file name without `.py`, a leading `test_` and a trailing `_test`; `{class}` is the class name. Empty names and names holding a quote, a backslash, a newline or `@` are rejected.",
});

export default createRule({
  meta: {
    code: "MEM102",
    name: "missing-xdist-group",
    severity: "warning",
    fix: "safe-or-unsafe",
    enabledByDefault: true,
    summary: "A test class has no `xdist_group` mark.",
    messages: {
      missing: "Test class `{name}` has no `xdist_group` mark; its tests spread over every xdist worker",
      missingWithoutLoadgroup:
        "Test class `{name}` has no `xdist_group` mark; its tests spread over every xdist worker, and `addopts` runs `--dist {dist}`: the mark only takes effect once `addopts` runs `--dist loadgroup`",
    },
    docs: {
      whatItDoes:
        "Checks for test classes in the hygiene scope (see `class-hygiene-scope`) that no `xdist_group` mark applies to: none on the class, on an enclosing class or on a base class in the same file (as a decorator, with or without arguments, or in the class's `pytestmark`), and none in the module's `pytestmark`.\n\nThe rule is silent when the `addopts` of the pytest configuration runs xdist with `--dist loadfile` or `--dist loadscope`: a file's (or a class's) tests then already share one worker. It is silent too when `addopts` starts no workers and the file holding the configuration lists `pytest` among its dependencies but never mentions pytest-xdist: the suite does not run under xdist. With `--dist load` (also what `-n` alone means) or `--dist worksteal` it still fires, and says that the mark only takes effect with `--dist loadgroup`.\n\nA bare `@pytest.mark.xdist_group` satisfies the rule: pytest-xdist puts such a class in its single `\"default\"` group.",
      whyIsThisBad:
        "Under `pytest -n` with `--dist loadgroup`, the tests of one group run on one worker. Without a group, a class's tests are scattered over every worker, and each worker builds and keeps that class's mocks and fixtures: memory grows with the worker count until the run is OOM-killed (exit 137).",
      example: "class TestAuthFactory:\n    def test_login(self, mocker):\n        ...\n",
      useInstead: '@pytest.mark.xdist_group(name="auth_factory_tests")\nclass TestAuthFactory:\n    def test_login(self, mocker):\n        ...\n',
      fixSafety:
        "Safe. The fix inserts `@pytest.mark.xdist_group(name=\"<group>\")` directly above the `class` line, after any existing decorators, at the class's indentation, and adds `import pytest` when the file lacks it. The group name comes from `xdist-group-name` (`--xdist-group-name`). The marks only take effect with `--dist loadgroup` (see MEM502). When `addopts` starts xdist workers with another `--dist` mode (`load`, `worksteal`), the fix is unsafe: the mark it adds does nothing until `--dist loadgroup` is set.",
    },
    options: [xdistGroupName, classHygieneScope],
  },
  create(ctx) {
    if (!ctx.collection.isTestModule) return {};
    const dist = configuredDist(ctx.shared);
    // A file's (loadfile) or a class's (loadscope) tests already share one worker.
    if (dist === "loadfile" || dist === "loadscope") return {};
    // A project that lists its test dependencies beside the configuration, without pytest-xdist, has no workers to spread over.
    if (dist === undefined && ctx.pytestConfig && declaresPytestWithoutXdist(ctx.pytestConfig)) return {};
    const withoutLoadgroup = dist !== undefined && dist !== "loadgroup";
    return {
      class_definition(cls) {
        if (!inHygieneScope(ctx.shared, cls) || hasXdistGroup(ctx.shared, cls)) return;
        const fix = groupFix(ctx.shared, cls, ctx.options.xdistGroupName);
        ctx.report({
          range: classHeaderSpan(cls),
          messageId: withoutLoadgroup ? "missingWithoutLoadgroup" : "missing",
          data: { name: cls.name, dist: dist ?? "" },
          fix: fix && withoutLoadgroup ? { ...fix, applicability: "unsafe" as const } : fix,
        });
      },
    };
  },
});

/** `pytest` named as a dependency: a quoted requirement (`"pytest>=8"`, `'pytest'`) or a Poetry key (`pytest = "^8"`). */
const PYTEST_DEPENDENCY = /["']pytest\s*(?:[<>=!~;[]|["'])|^[ \t]*pytest[ \t]*=[ \t]*["'{]/m;
const COMMENT_LINE = /^[ \t]*[#;].*$/gm;

/** The answer per configuration read: every file under a configuration asks about the same one. */
const declaresByConfig = new WeakMap<PytestConfig, boolean>();

/** A configuration file that lists `pytest` among its dependencies and never mentions xdist (comments aside). */
function declaresPytestWithoutXdist(config: PytestConfig): boolean {
  let known = declaresByConfig.get(config);
  if (known === undefined) {
    const text = config.text;
    known = !/xdist/i.test(text) && PYTEST_DEPENDENCY.test(text.replace(COMMENT_LINE, ""));
    declaresByConfig.set(config, known);
  }
  return known;
}

/** The `--dist` mode the configuration's `addopts` runs xdist with, when it starts workers (or names a mode). */
function configuredDist(ctx: FileContext): string | undefined {
  const addopts = ctx.pytestConfig ? addoptsOf(ctx.pytestConfig) : undefined;
  if (!addopts || addopts.xdist.xdistDisabled) return undefined;
  const x = addopts.xdist;
  if (!startsWorkers(x) && x.dist === undefined && !x.distload) return undefined;
  const dist = effectiveDist(x);
  return dist === "no" ? undefined : dist;
}

function groupFix(ctx: FileContext, cls: ClassInfo, template: string) {
  const group = expandGroupName(template, ctx.file.path, cls.name);
  if (groupNameProblem(group) !== undefined) return null;
  // The decorator needs `pytest` bound at module level (an import inside a function does not count).
  const resolver = ctx.model.resolver;
  const pytestBinding = resolver.bindsAtModuleLevel("pytest") ? resolver.resolveName("pytest") : undefined;
  if (resolver.bindsAtModuleLevel("pytest") && pytestBinding !== "pytest") return null;
  const classKeyword = cls.node.startIndex;
  const lineStart = ctx.file.lines.lineStart(ctx.file.lines.lineOf(classKeyword));
  const indent = indentOfLine(ctx.file, classKeyword);
  // `class` must start its line (after indentation) for a decorator to go above it.
  if (ctx.file.text.slice(lineStart, classKeyword) !== indent) return null;
  const eol = eolAt(ctx.file, classKeyword);
  const edits: Edit[] = [{ start: lineStart, end: lineStart, content: `${indent}@pytest.mark.xdist_group(name="${group}")${eol}` }];
  if (pytestBinding === undefined) edits.unshift(addModuleImport(ctx.file, ctx.root, "import pytest"));
  return { applicability: "safe" as const, message: `Add @pytest.mark.xdist_group(name="${group}")`, edits };
}
