import { createRule } from "../engine/rule.js";
import type { SyntaxNode } from "../engine/parser.js";
import type { ImportStatement } from "../engine/model.js";
import { declareOption, optionSchemas } from "../engine/options.js";

export const DEFAULT_HEAVY_MODULES = ["torch", "tensorflow", "transformers", "sentence_transformers", "jax", "chromadb", "pandas", "matplotlib.pyplot", "cv2"];

export const heavyModules = declareOption({
  key: "heavy-modules",
  property: "heavyModules",
  schema: optionSchemas.names,
  default: DEFAULT_HEAVY_MODULES,
  type: "list of module names",
  description:
    "Modules too heavy to import at the top of a conftest.py. Setting it replaces the default list.",
});

export default createRule({
  meta: {
    code: "MEM402",
    name: "conftest-heavy-import",
    severity: "warning",
    fix: "none",
    enabledByDefault: true,
    summary: "A `conftest.py` imports a heavy module (torch, pandas, matplotlib.pyplot, ...) at module level.",
    messages: { heavy: "conftest.py imports heavy module `{module}` at module level: every xdist worker loads it at collection, even for tests that never use it" },
    docs: {
      whatItDoes:
        "Checks for module-level imports in a `conftest.py` of a module listed in `heavy-modules` or of one of its submodules (`import torch`, `import torch.nn`, `from torch import nn`, `import matplotlib.pyplot as plt`, `from matplotlib import pyplot`, `from pandas import DataFrame`). Imports inside `if TYPE_CHECKING:` never run and are not flagged; imports inside a `try:` or an `if` at module level run and are. `import matplotlib` alone is not `matplotlib.pyplot`.",
      whyIsThisBad:
        "pytest imports every `conftest.py` at collection time, in every xdist worker, before it knows which tests will run. A module-level `import torch` (hundreds of MB) or `import matplotlib.pyplot` is then paid by every worker, for the whole session, even when only a handful of tests need it: with `-n 16` that is sixteen copies.",
      example: "# conftest.py\nimport pytest\nimport torch\n\n\n@pytest.fixture\ndef tensor():\n    return torch.zeros(3)\n",
      useInstead: "# conftest.py\nimport pytest\n\n\n@pytest.fixture\ndef tensor():\n    import torch  # loaded only by the workers that run a test using it\n\n    return torch.zeros(3)\n",
    },
    options: [heavyModules],
  },
  create(ctx) {
    if (!ctx.isConftest) return {};
    const heavy = ctx.options.heavyModules;
    const isHeavy = (module: string) => heavy.some((h) => module === h || module.startsWith(h + "."));
    const check = ({ node, moduleLevel }: ImportStatement) => {
      if (!moduleLevel || inTypeCheckingBlock(node)) return;
      for (const { module, node: name } of heavyImports(node, isHeavy)) ctx.report({ node: name, messageId: "heavy", data: { module } });
    };
    return { import_statement: check, import_from_statement: check };
  },
});

/**
 * The heavy modules an import statement loads, each with the node naming it: `from torch import nn, optim`
 * is one finding (torch); relative imports load the project's own modules.
 */
function heavyImports(stmt: SyntaxNode, isHeavy: (module: string) => boolean): { module: string; node: SyntaxNode }[] {
  const result: { module: string; node: SyntaxNode }[] = [];
  if (stmt.type === "import_statement") {
    for (const child of stmt.namedChildren) {
      const name = child.type === "aliased_import" ? child.childForFieldName("name") : child;
      if (name?.type === "dotted_name" && isHeavy(name.text)) result.push({ module: name.text, node: child });
    }
    return result;
  }
  const moduleNode = stmt.childForFieldName("module_name");
  if (!moduleNode || moduleNode.type !== "dotted_name") return result;
  const module = moduleNode.text;
  // `from torch import nn` loads torch itself; `from matplotlib import pyplot` loads matplotlib.pyplot.
  if (isHeavy(module)) return [{ module, node: moduleNode }];
  for (const child of stmt.namedChildren) {
    if (child.startIndex === moduleNode.startIndex) continue;
    const name = child.type === "aliased_import" ? child.childForFieldName("name") : child;
    if (name?.type === "dotted_name" && isHeavy(`${module}.${name.text}`)) result.push({ module: `${module}.${name.text}`, node: child });
  }
  return result;
}

/** Inside the body of `if TYPE_CHECKING:` (or `typing.TYPE_CHECKING`), which never runs. */
function inTypeCheckingBlock(node: SyntaxNode): boolean {
  let child: SyntaxNode = node;
  for (let cur = node.parent; cur; cur = cur.parent) {
    if (cur.type === "if_statement" && child.type === "block" && cur.childForFieldName("consequence")?.startIndex === child.startIndex) {
      const condition = cur.childForFieldName("condition")?.text.replace(/\s+/g, "");
      if (condition === "TYPE_CHECKING" || condition === "typing.TYPE_CHECKING") return true;
    }
    child = cur;
  }
  return false;
}
