import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/db.js";

const script = resolve(import.meta.dirname, "../../scripts/build-if-stale.mjs");

/** A package with the script, one source, and a build that leaves a mark (instead of running tsc). */
function fakePackage(): string {
  const root = tempDir();
  mkdirSync(join(root, "scripts"));
  mkdirSync(join(root, "src"));
  copyFileSync(script, join(root, "scripts", "build-if-stale.mjs"));
  writeFileSync(
    join(root, "package.json"),
    JSON.stringify({
      name: "x",
      private: true,
      scripts: { build: "mkdir -p dist && touch dist/index.js && echo built >> built.txt" },
    }),
  );
  writeFileSync(join(root, "src", "index.ts"), "export {};\n");
  writeFileSync(join(root, "src", "index.test.ts"), "export {};\n");
  return root;
}

const prestart = (root: string) =>
  execFileSync("node", [join(root, "scripts", "build-if-stale.mjs")], { cwd: root, stdio: "pipe" });
const builds = (root: string) => (existsSync(join(root, "built.txt")) ? 1 : 0);
const age = (file: string, secondsAgo: number) => {
  const t = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(file, t, t);
};

describe("npm start's prestart (scripts/build-if-stale.mjs)", () => {
  it("builds when dist/ is missing or older than a source, and not when it is current or a test changed", () => {
    const root = fakePackage();
    prestart(root);
    expect(builds(root)).toBe(1);
    // Current: no build.
    rmSync(join(root, "built.txt"));
    age(join(root, "src", "index.ts"), 60);
    age(join(root, "src", "index.test.ts"), 60);
    prestart(root);
    expect(builds(root)).toBe(0);
    // A test is newer: still no build (tests are not compiled into dist/).
    age(join(root, "src", "index.test.ts"), 0);
    prestart(root);
    expect(builds(root)).toBe(0);
    // A source is newer: build.
    age(join(root, "src", "index.ts"), -5);
    prestart(root);
    expect(builds(root)).toBe(1);
  });
});
