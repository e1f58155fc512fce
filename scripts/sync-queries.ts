// `npm run queries:sync`: renders the generated blocks of queries/*.sql from the rules in src/cloudtrail
// (src/cloudtrail/query-blocks.ts says which and why) and writes the files that changed.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withGeneratedBlocks } from "../src/cloudtrail/query-blocks.js";

const folder = join(import.meta.dirname, "..", "queries");
for (const name of readdirSync(folder)
  .filter((n) => n.endsWith(".sql"))
  .sort()) {
  const file = join(folder, name);
  const before = readFileSync(file, "utf8");
  const after = withGeneratedBlocks(before);
  if (after === before) continue;
  writeFileSync(file, after);
  console.log(`queries/${name}: generated blocks rewritten`);
}
