/**
 * deniedby is MIT: the AGPL-3.0 oracle `@cloud-copilot/iam-simulate` may only be a devDependency, imported by the
 * differential test alone, so nothing AGPL ships at run time.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
const agpl = ["@cloud-copilot/iam-simulate", "@cloud-copilot/iam-expand"];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** Module specifiers of static and dynamic imports. */
function importsOf(source: string): string[] {
  return [...source.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)["']([^"']+)["']/g)].map(
    (m) => m[1] ?? "",
  );
}

describe("the AGPL oracle stays out of what ships", () => {
  it("is not a run-time dependency", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    for (const name of agpl) expect(Object.keys(pkg.dependencies ?? {})).not.toContain(name);
    expect(Object.keys(pkg.devDependencies ?? {})).toContain("@cloud-copilot/iam-simulate");
  });

  it("is imported by the differential test only", () => {
    const importers = sourceFiles(join(root, "src"))
      .filter((f) =>
        importsOf(readFileSync(f, "utf8")).some((spec) => agpl.some((name) => spec.startsWith(name))),
      )
      .map((f) => relative(root, f));
    expect(importers).toEqual(["src/policy/differential.test.ts"]);
  });
});
