import type { SyntaxNode } from "../engine/parser.js";
import { createRule } from "../engine/rule.js";
import { argument, mockAnalysis, type Arg } from "../engine/semantic/mocks.js";
import { declareOption } from "../engine/options.js";
import * as z from "zod/mini";

export const acceptSpec = declareOption({
  key: "accept-spec",
  property: "acceptSpec",
  schema: z.boolean(),
  default: false,
  type: "boolean",
  description:
    "Whether `spec=` alone satisfies MEM201.",
});

export default createRule({
  meta: {
    code: "MEM201",
    name: "mock-without-spec-set",
    severity: "warning",
    fix: "none",
    enabledByDefault: true,
    summary: "A mock is created without `spec_set=`.",
    messages: {
      missing: "`{name}` created without `spec_set=`: every attribute read on it creates and keeps a new child mock",
      spec: "`{name}` created with `spec=` but without `spec_set=`: reading an attribute the spec lacks already raises, but any attribute can still be set on it and is kept",
      autospec: "`{name}` without `spec_set=True`: reading an attribute the spec lacks already raises, but any attribute can still be set on it and is kept",
    },
    docs: {
      whatItDoes:
        "Checks for `Mock`, `MagicMock`, `AsyncMock`, `NonCallableMock` and `NonCallableMagicMock` created without `spec_set=`, whatever import form reaches them (`unittest.mock`, `from unittest import mock`, aliases, the `mock` backport, pytest-mock's `mocker.MagicMock`), and `create_autospec(...)` without `spec_set=True`.\n\nA name that comes from elsewhere (`from myapp.testing import Mock`, a local `class Mock:`) is not a mock and is never flagged. A call whose arguments are passed through `*args` or `**kwargs` is not flagged either: it may pass `spec_set`.\n\nThe message says what the mock still allows. Without any spec, every attribute read creates and keeps a child mock. With `spec=` (or from `create_autospec(...)`), reading an attribute the spec lacks already raises, and the finding is about attributes that can still be set on the mock and are kept. The call is named as written (`mocker.create_autospec()`, `mock.MagicMock()`).",
      whyIsThisBad:
        "A mock without a spec answers every attribute access by creating a child mock and keeping it, with its own call records; code that walks, logs or retries through a mock grows it without bound. In an xdist worker that runs thousands of tests, those trees of child mocks are a classic source of OOM kills (exit 137). A `spec_set` mock only has the attributes of the real object: a typo or a removed method raises `AttributeError` instead of passing silently, and nothing else is created.",
      example: "from unittest.mock import MagicMock\n\n\ndef test_fetch():\n    client = MagicMock()\n    client.get.return_value = {\"id\": 1}\n    assert fetch(client) == 1\n",
      useInstead:
        "from unittest.mock import MagicMock\n\nfrom myapp.http import HttpClient\n\n\ndef test_fetch():\n    client = MagicMock(spec_set=HttpClient)\n    client.get.return_value = {\"id\": 1}\n    assert fetch(client) == 1\n",
    },
    options: [acceptSpec],
  },
  create(ctx) {
    const { acceptSpec } = ctx.options;
    return {
      "module:exit"() {
        const analysis = mockAnalysis(ctx.shared);
        const text = ctx.file.text;
        for (const { call, api, callee, end } of analysis.constructors) {
          const name = `${callee ?? api}()`;
          // The call's span, read once by the analysis (each read of a node's end crosses into the parser).
          const range = { start: call.startIndex, end };
          if (api === "create_autospec") {
            // create_autospec always has a spec, which `accept-spec` accepts.
            if (acceptSpec) continue;
            const source = text.slice(range.start, range.end);
            if (source.includes("spec_set") || source.includes("*") || source.split(",").length > 1) {
              const specSet = argument(analysis.args(call), "spec_set", SPEC_SET_POSITION[api]);
              if (specSet === "unknown" || (specSet !== "absent" && !isUnsetLiteral(specSet))) continue;
            }
            ctx.report({ range, messageId: "autospec", data: { name } });
            continue;
          }
          // Most mocks are created with no arguments or a few keywords: the text alone shows no spec is there.
          const source = text.slice(range.start, range.end);
          if (!source.includes("spec") && !source.includes("*") && /\(\s*\)$/.test(source)) {
            ctx.report({ range, messageId: "missing", data: { name } });
            continue;
          }
          const args = analysis.args(call);
          if (given(argument(args, "spec_set", SPEC_SET_POSITION[api])) !== "no") continue;
          const spec = given(argument(args, "spec", 0));
          if (spec === "unknown") continue;
          if (spec === "yes") {
            if (!acceptSpec) ctx.report({ range, messageId: "spec", data: { name } });
            continue;
          }
          ctx.report({ range, messageId: "missing", data: { name } });
        }
      },
    };
  },
});

/** Where `spec_set` sits among the positional parameters of each mock class. */
const SPEC_SET_POSITION: Record<string, number> = {
  Mock: 5,
  MagicMock: 5,
  AsyncMock: 5,
  NonCallableMock: 3,
  NonCallableMagicMock: 3,
  create_autospec: 1,
};

/** A literal that leaves the option unset: `None`, `False`, `0`. */
function isUnsetLiteral(node: SyntaxNode): boolean {
  return node.type === "none" || node.type === "false" || (node.type === "integer" && Number(node.text) === 0);
}

function given(arg: Arg): "yes" | "no" | "unknown" {
  if (arg === "unknown") return "unknown";
  if (arg === "absent" || arg.type === "none") return "no";
  return "yes";
}
