import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * The flow, as levels (docs/architecture.md): a module may import its own level or a lower one, never a higher one.
 * Type-only and dynamic imports count too. A file that no rule places fails the test: a new folder gets its level
 * here first.
 */
const levels: { level: number; name: string; paths: string[] }[] = [
  { level: 0, name: "shared", paths: ["shared/", "config.ts"] },
  { level: 1, name: "sources", paths: ["sources/"] },
  { level: 2, name: "normalise", paths: ["cloudtrail/"] },
  { level: 3, name: "store", paths: ["db/"] },
  { level: 4, name: "classify", paths: ["classify/", "policy/"] },
  { level: 5, name: "explain", paths: ["explain/"] },
  { level: 6, name: "pipeline", paths: ["pipeline/"] },
  {
    level: 7,
    name: "serve",
    paths: [
      "http/",
      "health/",
      "events/",
      "denials/",
      "incidents/",
      "roles/",
      "report/",
      "slack/",
      "console/",
      "quarantine/",
    ],
  },
  {
    level: 8,
    name: "top",
    // architecture.ts, agreement.ts and code-rules.ts: the tests of the whole tree (the import graph; every reader of
    // a denial; function length and module state).
    paths: [
      "cli/",
      "cli.ts",
      "deps.ts",
      "server.ts",
      "main.ts",
      "index.ts",
      "architecture.ts",
      "agreement.ts",
      "code-rules.ts",
    ],
  },
];

/**
 * Edges that point up the flow and are tolerated for now, each named: `importer -> imported`, paths under src/.
 * Every entry is a debt with an owner; the test fails when one is no longer needed, so the list only shrinks.
 */
const allowed: readonly string[] = [];

const src = dirname(fileURLToPath(import.meta.url));

function levelOf(file: string): { level: number; name: string } | null {
  // A module's test sits on its module's level.
  const path = relative(src, file)
    .split("\\")
    .join("/")
    .replace(/\.test\.ts$/, ".ts");
  for (const l of levels)
    if (l.paths.some((p) => (p.endsWith("/") ? path.startsWith(p) : path === p)))
      return { level: l.level, name: l.name };
  return null;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|cts)$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Every module a file imports, static (`import`, `export … from`, `import type`) and dynamic (`import()`). */
function importsOf(text: string): string[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map((f) => f.fileName);
}

/** A relative specifier as the file it names (`./x.js` is `./x.ts` in the source tree); null outside src/. */
function target(from: string, specifier: string): string | null {
  if (!specifier.startsWith(".")) return null;
  const path = resolve(dirname(from), specifier).replace(/\.js$/, ".ts");
  return relative(src, path).startsWith("..") ? null : path;
}

function edges(): { from: string; to: string; fromLevel: number; toLevel: number; names: string }[] {
  const out: { from: string; to: string; fromLevel: number; toLevel: number; names: string }[] = [];
  for (const file of sourceFiles(src)) {
    const from = levelOf(file);
    if (from === null) continue;
    for (const specifier of importsOf(readFileSync(file, "utf8"))) {
      const to = target(file, specifier);
      const toLevel = to === null ? null : levelOf(to);
      if (to === null || toLevel === null) continue;
      out.push({
        from: relative(src, file),
        to: relative(src, to),
        fromLevel: from.level,
        toLevel: toLevel.level,
        names: `${from.name} → ${toLevel.name}`,
      });
    }
  }
  return out;
}

describe("the import graph of src/", () => {
  it("places every file on a level of the flow", () => {
    const unplaced = sourceFiles(src)
      .filter((f) => levelOf(f) === null)
      .map((f) => relative(src, f));
    expect(unplaced).toEqual([]);
  });

  it("has no import that points up the flow", () => {
    const upward = edges().filter((e) => e.toLevel > e.fromLevel);
    const offenders = upward
      .map((e) => `${e.from} -> ${e.to} (${e.names})`)
      .filter((line) => !allowed.includes(line.slice(0, line.indexOf(" ("))));
    expect(offenders, `imports pointing up the flow:\n${offenders.join("\n")}`).toEqual([]);
  });

  it("allows no edge that is gone", () => {
    const present = new Set(edges().map((e) => `${e.from} -> ${e.to}`));
    expect(allowed.filter((edge) => !present.has(edge))).toEqual([]);
  });

  it("reads static, type-only, re-exported and dynamic imports", () => {
    const text = [
      'import { a } from "./a.js";',
      'import type { B } from "../b.js";',
      'export { c } from "./c.js";',
      "// import { fake } from './commented.js';",
      'const d = await import("./d.js");',
    ].join("\n");
    expect(importsOf(text)).toEqual(["./a.js", "../b.js", "./c.js", "./d.js"]);
  });
});
