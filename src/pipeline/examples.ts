import { existsSync, readdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Store } from "../db/store.js";
import { fileSource } from "../sources/files/files.source.js";
import { type IngestSummary, ingestSource } from "./ingest-session.js";
import { runStagesAfterStore } from "./stages.js";

/** examples/ at the package root, from src/pipeline (tsx) and dist/pipeline (compiled) alike. */
export const examplesDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../examples");

/** On a first run (no event stored yet), loads the bundled example trail so the API has something to show. */
export async function loadExamplesIfEmpty(store: Store): Promise<IngestSummary | null> {
  if (store.ingest.anyIngested() || !existsSync(examplesDir)) return null;
  // Only the trail files: examples/ also holds labels and the generator.
  const trails = readdirSync(examplesDir, { recursive: true, encoding: "utf8" })
    .filter((f) => /_CloudTrail_.*\.json(\.gz)?$/.test(f))
    .sort()
    .map((f) => resolve(examplesDir, f));
  if (trails.length === 0) return null;
  const { summary } = await ingestSource(store, fileSource(trails, { name: "examples" }));
  await runStagesAfterStore(store);
  return summary;
}
