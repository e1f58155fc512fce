#!/usr/bin/env node
// npm start's prestart: builds dist/ only when it is missing or older than what it is built from, so a start after a
// build (or after `npm install`, whose prepare builds) does not spend seconds compiling again. Plain JavaScript: it
// runs before anything is compiled.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The newest modification time among the files dist/ is compiled from (sources, not tests; the tsconfigs). */
export function newestInput(root) {
  let newest = 0;
  for (const name of ["tsconfig.json", "tsconfig.build.json"]) {
    const file = join(root, name);
    if (existsSync(file)) newest = Math.max(newest, statSync(file).mtimeMs);
  }
  for (const entry of readdirSync(join(root, "src"), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts") || entry.name.endsWith(".test.ts")) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return newest;
}

/** Why dist/ must be built again, or null when it is current. */
export function staleReason(root) {
  const built = join(root, "dist", "index.js");
  if (!existsSync(built)) return "dist/ is missing";
  return newestInput(root) > statSync(built).mtimeMs ? "a source is newer than dist/" : null;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(fileURLToPath(import.meta.url), "../..");
  const reason = staleReason(root);
  if (reason !== null) {
    process.stderr.write(`building (${reason})\n`);
    execFileSync("npm", ["run", "build", "--silent"], { cwd: root, stdio: "inherit" });
  }
}
