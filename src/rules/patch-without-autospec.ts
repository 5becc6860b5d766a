import type { SyntaxNode } from "../engine/parser.js";
import { createRule } from "../engine/rule.js";
import { isMockCreatingPatch, mockAnalysis, patchArgument, type MockAnalysis, type MockCall } from "../engine/semantic/mocks.js";

export default createRule({
  meta: {
    code: "MEM202",
    name: "patch-without-autospec",
    severity: "info",
    fix: "none",
    enabledByDefault: false,
    summary: "A `patch` replaces its target with an unspecced MagicMock.",
    messages: {
      plain: "`{name}(...)` replaces the target with a MagicMock that accepts any attribute and any call; pass `autospec=True` (or `spec_set=`, `new=`, `new_callable=`)",
    },
    docs: {
      whatItDoes:
        "Checks for `patch`, `patch.object`, `patch.multiple` (for its attributes given `DEFAULT`) and pytest-mock's `mocker.patch*`, used as a decorator, a context manager, with `.start()` or through `mocker`, that replace the target with a plain MagicMock: without `autospec=True`, `spec_set=`, `new=` or `new_callable=`. `patch.dict` creates no mock and is never flagged. A call whose arguments are passed through `*args` or `**kwargs` is not flagged either.\n\nThis rule is informational and off by default: enable it with `--extend-select MEM202`.",
      whyIsThisBad:
        "The MagicMock that `patch` creates has no spec: every attribute read on it creates and keeps a child mock, and it accepts calls the real object would reject, so tests pass against an API that no longer exists. `autospec=True` gives the mock the target's attributes and signatures, and nothing more.",
      example: 'from unittest.mock import patch\n\n\n@patch("myapp.billing.gateway")\ndef test_charge(gateway):\n    charge(100)\n    gateway.charge.assert_called_once_with(100)\n',
      useInstead: 'from unittest.mock import patch\n\n\n@patch("myapp.billing.gateway", autospec=True)\ndef test_charge(gateway):\n    charge(100)\n    gateway.charge.assert_called_once_with(100)\n',
    },
    options: [],
  },
  create(ctx) {
    return {
      "module:exit"() {
        const analysis = mockAnalysis(ctx.shared);
        for (const patch of analysis.patches) {
          if (!isMockCreatingPatch(patch.api) || createsPlainMock(analysis, patch) !== true) continue;
          ctx.report({ node: patch.call, messageId: "plain", data: { name: patch.callee ?? patch.api } });
        }
      },
    };
  },
});

/** `autospec=False` / `autospec=None` (or `spec_set=None`) leave the option unset. */
function isUnset(node: SyntaxNode): boolean {
  return node.type === "none" || node.type === "false";
}

/** The patch creates a MagicMock: no `new`, `new_callable`, `spec_set` or `autospec=True`; undefined when a splat hides it. */
function createsPlainMock(analysis: MockAnalysis, { call, api }: MockCall): boolean | undefined {
  const args = analysis.args(call);
  for (const name of ["autospec", "spec_set"]) {
    const arg = patchArgument(args, api, name);
    if (arg === "unknown") return undefined;
    if (arg !== "absent" && !isUnset(arg)) return false;
  }
  const factory = patchArgument(args, api, "new_callable");
  if (factory === "unknown") return undefined;
  if (factory !== "absent") return false;
  if (api === "patch.multiple") {
    // The attributes given `DEFAULT` are replaced by MagicMocks; the others by the value given.
    for (const [key, value] of args.keywords) if (!["target", "spec", "create"].includes(key) && analysis.isDefault(value)) return true;
    return false;
  }
  const newArg = patchArgument(args, api, "new");
  if (newArg === "unknown") return undefined;
  return newArg === "absent" || analysis.isDefault(newArg);
}
