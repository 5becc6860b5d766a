import { createRule } from "../engine/rule.js";

export default createRule({
  meta: {
    code: "MEM401",
    name: "conftest-star-import",
    severity: "error",
    fix: "none",
    enabledByDefault: true,
    summary: "A `conftest.py` imports everything from a module with `from x import *`.",
    messages: { star: "`from {module} import *` in conftest.py loads all of `{module}` at collection, in every xdist worker" },
    docs: {
      whatItDoes:
        "Checks for `from x import *` in a `conftest.py` (relative star imports included).",
      whyIsThisBad:
        "pytest imports every `conftest.py` at collection time, in the controller and again in every xdist worker, before a single test runs. A star import loads the whole module and everything it imports, and binds every public name in the conftest's namespace, where it stays for the whole session: a `from services import *` in a large conftest multiplies its memory by the number of workers. It also hides which fixtures and helpers the conftest really provides.",
      example: "# conftest.py\nfrom services import *\n\n\n@pytest.fixture\ndef client():\n    return ApiClient()\n",
      useInstead: "# conftest.py\nfrom services.api import ApiClient\n\n\n@pytest.fixture\ndef client():\n    return ApiClient()\n",
    },
    options: [],
  },
  create(ctx) {
    if (!ctx.isConftest) return {};
    return {
      import_from_statement({ node }) {
        if (!node.namedChildren.some((c) => c.type === "wildcard_import")) return;
        const module = node.childForFieldName("module_name")?.text ?? "?";
        ctx.report({ node, messageId: "star", data: { module } });
      },
    };
  },
});
