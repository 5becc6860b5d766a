import type { SyntaxNode } from "../engine/parser.js";
import { createRule, type FileContext } from "../engine/rule.js";
import { addModuleImport } from "../fix/python-text.js";

export default createRule({
  meta: {
    code: "MEM101",
    name: "missing-gc-import",
    severity: "error",
    fix: "safe",
    enabledByDefault: true,
    summary: "`gc` is used but never imported at module level.",
    messages: { missing: "`gc` is used but not imported at module level; `import gc` is missing" },
    docs: {
      whatItDoes: "Checks for a file that uses `gc` (as in `gc.collect()`) without binding the name `gc` at module level.",
      whyIsThisBad:
        "The memory-hygiene pattern calls `gc.collect()` in every `teardown_method`. Without `import gc`, that teardown raises `NameError` after every test, so each test errors and the collection meant to free memory never runs.",
      example: 'class TestClient:\n    def teardown_method(self):\n        gc.collect()\n',
      useInstead: 'import gc\n\n\nclass TestClient:\n    def teardown_method(self):\n        gc.collect()\n',
      fixSafety:
        "Safe. The fix inserts `import gc` with the other imports: after the module docstring, the comments at the top and any `from __future__` imports, never inside a function or a parenthesised import, and never twice. It never adds an unused import: in a `--fix` run it follows the `gc.collect()` that MEM103 inserts, in the next pass.",
    },
    options: [],
  },
  create(ctx) {
    // Most files never write `gc.`: the tree is not looked at for them.
    if (!ctx.file.text.includes("gc")) return {};
    return {
      "module:exit"() {
        const semantic = ctx.semantic;
        for (const node of gcUses(ctx.shared)) {
          if (semantic.moduleScope().has("gc")) return;
          // Bound in a function around the use (a parameter, a local import or assignment), or a comprehension's target.
          if (semantic.bindingFor(node)) continue;
          ctx.report({
            node,
            messageId: "missing",
            fix: { applicability: "safe", message: "Add `import gc`", edits: [addModuleImport(ctx.file, ctx.root, "import gc")] },
          });
          return;
        }
      },
    };
  },
});

const GC_USE_RE = /(?:^|[^\w.])gc\s*\./gm;

/** `gc.x` uses, found in the text and confirmed in the tree, in source order: each `gc` identifier. */
function* gcUses(ctx: FileContext): Generator<SyntaxNode> {
  for (const m of ctx.file.text.matchAll(GC_USE_RE)) {
    const at = m.index + m[0].indexOf("gc");
    const gc = ctx.root.descendantForIndex(at, at + 2);
    if (gc.type !== "identifier" || gc.text !== "gc") continue;
    const parent = gc.parent;
    if (parent?.type === "attribute" && parent.childForFieldName("object")?.startIndex === gc.startIndex) yield gc;
  }
}
