import { createRule, type FileContext } from "../engine/rule.js";
import type { ClassInfo, FunctionInfo } from "../engine/model.js";
import type { Edit, Fix } from "../engine/types.js";
import { docstringStatement, firstStatement, statements } from "../engine/syntax.js";
import { eolAt, fileIndentUnit, indentOfLine, isBlankLine, nextLineStart } from "../fix/python-text.js";
import { collectsAfterEachTest } from "../engine/semantic/gc-collect.js";
import { classHeaderSpan, findTeardown, inHygieneScope, classHygieneScope } from "./shared/hygiene.js";

export default createRule({
  meta: {
    code: "MEM103",
    name: "missing-gc-teardown",
    severity: "warning",
    fix: "safe-or-unsafe",
    enabledByDefault: true,
    summary: "A test class has no `teardown_method` that calls `gc.collect()`.",
    messages: {
      missing: "Test class `{name}` has no `{method}` that calls `gc.collect()`",
      noCollect: "`{method}` of test class `{name}` does not call `gc.collect()`",
    },
    docs: {
      whatItDoes:
        "Checks for test classes in the hygiene scope (see `class-hygiene-scope`) whose `teardown_method` is missing or does not call `gc.collect()`. For a `unittest.TestCase` subclass, a `tearDown` that calls it counts too. A teardown inherited from a base class in the same file counts; one from another file cannot be seen and does not.\n\nThe rule is silent in a file where `gc.collect()` already runs after every test: in a function-scoped autouse fixture after its `yield`, or in a `pytest_runtest_teardown` hook (or after the `yield` of a `pytest_runtest_call`/`pytest_runtest_protocol` hook wrapper), defined at module level in the same file or in a `conftest.py` above it.",
      whyIsThisBad:
        "Mocks record every call made on them and hold reference cycles (a `MagicMock` and its children point at each other). Reference counting cannot free a cycle; only the cyclic garbage collector can, and it runs by allocation thresholds, not between tests. A long-lived xdist worker accumulates the mocks of thousands of tests until it is OOM-killed. `gc.collect()` after each test frees them.",
      example: "class TestClient:\n    def test_get(self):\n        client = MagicMock()\n        ...\n",
      useInstead:
        'class TestClient:\n    def teardown_method(self):\n        """Force GC to prevent mock accumulation in xdist workers"""\n        gc.collect()\n\n    def test_get(self):\n        client = MagicMock()\n        ...\n',
      fixSafety:
        "The fix inserts, as the first statement of the class body after its docstring and in the class's own indentation:\n\n- for a class with no base class, or only `object` and classes of the same file that define no teardown, the `teardown_method(self)` shown above (safe);\n- for a `unittest.TestCase` subclass, a `tearDown(self)` that calls `super().tearDown()` and then `gc.collect()` (safe: pytest calls `teardown_method(self, method)` with an argument on TestCase classes, so the plain template would error there);\n- for a class with any other base, `teardown_method(self, method)` calling `gc.collect()` (unsafe: it would hide a `teardown_method` that the unseen base class defines).\n\nWhere the teardown exists but does not call `gc.collect()`, the call is appended as its last statement (safe). `import gc` follows from MEM101 in the next pass.",
    },
    options: [classHygieneScope],
  },
  create(ctx) {
    if (!ctx.collection.isTestModule) return {};
    // An autouse fixture or hook of this file or a conftest.py above already collects after every test.
    if (collectsAfterEachTest(ctx.file.text, ctx.root, ctx.model)) return {};
    // The conftest.py files are read only for a file with a class to check.
    let conftestCollects: boolean | undefined;
    return {
      class_definition(cls) {
        if (!inHygieneScope(ctx.shared, cls)) return;
        conftestCollects ??= ctx.project.conftestsAbove(ctx.file.path).some((c) => c.collectsAfterEachTest);
        if (conftestCollects) return;
        const teardown = findTeardown(ctx.shared, cls);
        if (teardown.callsGcCollect) return;
        const isTestCase = ctx.collection.isTestCaseSubclass(cls);
        if (teardown.method) {
          ctx.report({
            range: classHeaderSpan(cls),
            messageId: "noCollect",
            data: { name: cls.name, method: teardown.method.name },
            fix: appendCollectFix(ctx.shared, teardown.method),
          });
        } else {
          ctx.report({
            range: classHeaderSpan(cls),
            messageId: "missing",
            data: { name: cls.name, method: isTestCase ? "tearDown" : "teardown_method" },
            fix: newTeardownFix(ctx.shared, cls, isTestCase),
          });
        }
      },
    };
  },
});

const DOCSTRING = '"""Force GC to prevent mock accumulation in xdist workers"""';

function newTeardownFix(ctx: FileContext, cls: ClassInfo, isTestCase: boolean): Fix | null {
  const { file } = ctx;
  const classIndent = indentOfLine(file, cls.node.startIndex);
  const first = firstStatement(cls.body);
  if (!first) return null;
  const bodyOnHeaderLine = file.lines.lineOf(first.startIndex) === file.lines.lineOf(headerColonEnd(cls));
  const bodyIndent = bodyOnHeaderLine ? classIndent + fileIndentUnit(file.text) : indentOfLine(file, first.startIndex);
  if (!bodyIndent.startsWith(classIndent) || bodyIndent === classIndent) return null;
  const unit = bodyIndent.slice(classIndent.length);
  const inner = bodyIndent + unit;
  const safe = isTestCase || ctx.collection.foreignBases(cls).length === 0;
  const lines = isTestCase
    ? [`${bodyIndent}def tearDown(self):`, `${inner}${DOCSTRING}`, `${inner}super().tearDown()`, `${inner}gc.collect()`]
    : [`${bodyIndent}def teardown_method(self${safe ? "" : ", method"}):`, `${inner}${DOCSTRING}`, `${inner}gc.collect()`];
  const method = isTestCase ? "tearDown" : "teardown_method";
  const applicability = safe ? "safe" : "unsafe";
  const message = `Add a \`${method}\` that calls \`gc.collect()\``;
  const eol = eolAt(file, cls.node.startIndex);

  if (bodyOnHeaderLine) {
    // `class TestX: pass` → the body moves to its own line under the new method.
    if (docstringStatement(cls.body)) return null;
    const gapStart = headerColonEnd(cls);
    const edit: Edit = { start: gapStart, end: first.startIndex, content: eol + lines.map((l) => l + eol).join("") + eol + bodyIndent };
    return { applicability, message, edits: [edit] };
  }

  const doc = docstringStatement(cls.body);
  const { lines: index } = file;
  const methodText = lines.map((l) => l + eol).join("");
  // Below the docstring (one blank line between), or right below the class header (above any comment).
  let at = nextLineStart(index, doc ? doc.endIndex : headerColonEnd(cls));
  let content = methodText;
  if (doc) {
    if (isBlankLine(index, index.lineOf(at)) && at < file.text.length) at = nextLineStart(index, at);
    else content = eol + content;
  }
  if (at >= file.text.length) {
    const endsWithEol = /[\r\n]$/.test(file.text);
    content = (endsWithEol ? "" : eol) + content;
    return { applicability, message, edits: [{ start: file.text.length, end: file.text.length, content: content.slice(0, content.length - eol.length) + (endsWithEol ? eol : "") }] };
  }
  if (!isBlankLine(index, index.lineOf(at))) content += eol;
  return { applicability, message, edits: [{ start: at, end: at, content }] };
}

/** End of the `:` that closes a class header (which may span lines). */
function headerColonEnd(cls: ClassInfo): number {
  for (const child of cls.node.children) if (child.type === ":") return child.endIndex;
  return cls.body.startIndex;
}

function appendCollectFix(ctx: FileContext, method: FunctionInfo): Fix | null {
  const { file } = ctx;
  const body = statements(method.body);
  const last = body[body.length - 1];
  if (!last) return null;
  if (last.type === "return_statement" || last.type === "raise_statement") return null;
  const sameLineAsDef = file.lines.lineOf(last.startIndex) === file.lines.lineOf(method.node.startIndex);
  if (sameLineAsDef) {
    if (file.lines.lineOf(last.endIndex) !== file.lines.lineOf(method.node.startIndex)) return null;
    return { applicability: "safe", message: "Call `gc.collect()` at the end of the teardown", edits: [{ start: last.endIndex, end: last.endIndex, content: "; gc.collect()" }] };
  }
  const indent = indentOfLine(file, body[0]?.startIndex ?? last.startIndex);
  const eol = eolAt(file, last.endIndex);
  const line0 = file.lines.lineOf(last.endIndex);
  const lineEnd = file.lines.lineStart(line0) + file.lines.lineText(line0).length;
  return {
    applicability: "safe",
    message: "Call `gc.collect()` at the end of the teardown",
    edits: [{ start: lineEnd, end: lineEnd, content: `${eol}${indent}gc.collect()` }],
  };
}
