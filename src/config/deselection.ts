import path from "node:path";
import { fnmatchRegExp } from "../engine/fnmatch.js";
import type { Deselection } from "./addopts.js";

// ---------------------------------------------------------------------------------------------
// Mark expressions (`-m`): `not`, `and`, `or`, parentheses, names; `name(key=value)` is a name.

type Expr = { kind: "name"; name: string } | { kind: "not"; operand: Expr } | { kind: "and" | "or"; left: Expr; right: Expr };

const TOKEN = /\s*(?:(\()|(\))|([\w:+\-.[\]\\/]+))/y;

function tokenize(text: string): string[] | undefined {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (!m) return undefined;
    let token = m[1] ?? m[2] ?? m[3] ?? "";
    at = TOKEN.lastIndex;
    // `name(key=value, ...)` (pytest 8.3): the arguments only narrow the name further.
    if (m[3] !== undefined && text[at] === "(") {
      const close = text.indexOf(")", at);
      if (close === -1) return undefined;
      at = close + 1;
      token = m[3];
    }
    tokens.push(token);
  }
  return tokens;
}

function parse(tokens: string[]): Expr | undefined {
  let pos = 0;
  const peek = () => tokens[pos];
  const orExpr = (): Expr | undefined => {
    let left = andExpr();
    while (left && peek() === "or") {
      pos++;
      const right = andExpr();
      if (!right) return undefined;
      left = { kind: "or", left, right };
    }
    return left;
  };
  const andExpr = (): Expr | undefined => {
    let left = notExpr();
    while (left && peek() === "and") {
      pos++;
      const right = notExpr();
      if (!right) return undefined;
      left = { kind: "and", left, right };
    }
    return left;
  };
  const notExpr = (): Expr | undefined => {
    const token = peek();
    if (token === "not") {
      pos++;
      const operand = notExpr();
      return operand ? { kind: "not", operand } : undefined;
    }
    if (token === "(") {
      pos++;
      const inner = orExpr();
      if (!inner || peek() !== ")") return undefined;
      pos++;
      return inner;
    }
    if (token === undefined || token === ")" || token === "and" || token === "or") return undefined;
    pos++;
    return { kind: "name", name: token };
  };
  const expr = orExpr();
  return expr && pos === tokens.length ? expr : undefined;
}

function names(expr: Expr, into: Set<string>): Set<string> {
  if (expr.kind === "name") into.add(expr.name);
  else if (expr.kind === "not") names(expr.operand, into);
  else {
    names(expr.left, into);
    names(expr.right, into);
  }
  return into;
}

function evaluate(expr: Expr, value: (name: string) => boolean): boolean {
  switch (expr.kind) {
    case "name":
      return value(expr.name);
    case "not":
      return !evaluate(expr.operand, value);
    case "and":
      return evaluate(expr.left, value) && evaluate(expr.right, value);
    case "or":
      return evaluate(expr.left, value) || evaluate(expr.right, value);
  }
}

/** More names than this and the expression is not worked out (it is then taken to select the mark). */
const MAX_OTHER_NAMES = 12;

/** The `-m` expression deselects every test carrying `mark`, whatever other marks it has. */
export function excludesMark(expression: string, mark: string): boolean {
  const tokens = tokenize(expression);
  const expr = tokens && tokens.length > 0 ? parse(tokens) : undefined;
  if (!expr) return false;
  const others = [...names(expr, new Set())].filter((n) => n !== mark);
  if (others.length > MAX_OTHER_NAMES) return false;
  for (let bits = 0; bits < 1 << others.length; bits++) {
    const on = new Set(others.filter((_, i) => (bits >> i) & 1));
    if (evaluate(expr, (n) => n === mark || on.has(n))) return false;
  }
  return true;
}

/** Whether the `-m` expression selects a test carrying exactly these marks; undefined when it cannot be read. */
export function selectsMarks(expression: string, marks: ReadonlySet<string>): boolean | undefined {
  const tokens = tokenize(expression);
  const expr = tokens && tokens.length > 0 ? parse(tokens) : undefined;
  return expr ? evaluate(expr, (n) => marks.has(n)) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Paths and node ids

function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}

/**
 * The file is never collected (`--ignore` of it or a folder above it, `--ignore-glob` matching it or a
 * folder above it), or the node id is deselected (`--deselect` prefix).
 */
export function keptOut(d: Deselection, rootDir: string, file: string, nodeId: string): boolean {
  const absolute = path.resolve(file);
  for (const p of d.ignore) {
    const ignored = path.resolve(rootDir, p.replace(/\/+$/, ""));
    if (absolute === ignored || absolute.startsWith(ignored + path.sep)) return true;
  }
  if (d.ignoreGlob.length > 0) {
    const globs = d.ignoreGlob.map((g) => fnmatchRegExp(toPosix(path.resolve(rootDir, g))));
    // pytest asks for every folder on the way down, then the file.
    for (let cur = absolute; ; cur = path.dirname(cur)) {
      if (globs.some((g) => g.test(toPosix(cur)))) return true;
      if (cur === path.dirname(cur) || !cur.startsWith(rootDir)) break;
    }
  }
  return d.deselect.some((prefix) => prefix !== "" && nodeId.startsWith(prefix.replace(/^\.\//, "")));
}
