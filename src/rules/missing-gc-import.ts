import { compileQuery, type SyntaxNode } from "../engine/parser.js";
import { createRule } from "../engine/rule.js";
import { addModuleImport } from "../fix/python-text.js";
import { parameterNames } from "../engine/syntax.js";

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
    // Most files never write `gc.`: skip the queries (each walks the whole tree) for them.
    if (!ctx.file.text.includes("gc") || !GC_USE_RE.test(ctx.file.text)) return {};
    return {
      "module:exit"() {
        if (ctx.model.resolver.bindsAtModuleLevel("gc")) return;
        const localBindings = localGcBindingQuery.captures(ctx.root).map((c) => c.node.startIndex);
        for (const { node } of gcUseQuery.captures(ctx.root)) {
          const functions = enclosingFunctions(node);
          const boundLocally = functions.some(
            (fn) =>
              localBindings.some((at) => at >= fn.startIndex && at < fn.endIndex) ||
              parameterNames(fn.childForFieldName("parameters")).includes("gc"),
          );
          if (boundLocally) continue;
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

const gcUseQuery = compileQuery(`((attribute object: (identifier) @gc) (#eq? @gc "gc"))`);
// Every way a function can bind the name `gc` locally (then `gc.x` there is that local, not the module).
const localGcBindingQuery = compileQuery(`
(import_statement name: (dotted_name) @b (#eq? @b "gc"))
(import_statement name: (aliased_import alias: (identifier) @b (#eq? @b "gc")))
(import_from_statement name: (dotted_name) @b (#eq? @b "gc"))
(import_from_statement name: (aliased_import alias: (identifier) @b (#eq? @b "gc")))
(assignment left: (identifier) @b (#eq? @b "gc"))
(assignment left: (pattern_list (identifier) @b (#eq? @b "gc")))
(assignment left: (tuple_pattern (identifier) @b (#eq? @b "gc")))
(augmented_assignment left: (identifier) @b (#eq? @b "gc"))
(for_statement left: (identifier) @b (#eq? @b "gc"))
(for_statement left: (pattern_list (identifier) @b (#eq? @b "gc")))
(for_in_clause left: (identifier) @b (#eq? @b "gc"))
(as_pattern_target (identifier) @b (#eq? @b "gc"))
(named_expression name: (identifier) @b (#eq? @b "gc"))
`);

const GC_USE_RE = /(?:^|[^\w.])gc\s*\./m;

/** Functions (innermost first) enclosing a node. */
function enclosingFunctions(node: SyntaxNode): SyntaxNode[] {
  const result: SyntaxNode[] = [];
  for (let cur = node.parent; cur; cur = cur.parent) if (cur.type === "function_definition") result.push(cur);
  return result;
}
