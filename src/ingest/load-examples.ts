import { existsSync, readdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ingestWriterFor } from "../db/ingest.repository.js";
import type { Deps } from "../deps.js";
import { ingestFiles } from "../sources/files/ingest-files.js";
import { afterIngest } from "./after-ingest.js";
import { IngestSession, type IngestSummary } from "./ingest-session.js";

/** examples/ at the package root, from src/ingest (tsx) and dist/ingest (compiled) alike. */
export const examplesDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../examples");

/** On a first run (no event stored yet), loads the bundled example trail so the API has something to show. */
export async function loadExamplesIfEmpty(deps: Deps): Promise<IngestSummary | null> {
  const any = deps.db.$client.prepare("SELECT 1 FROM ingested_events LIMIT 1").get();
  if (any || !existsSync(examplesDir)) return null;
  // Only the trail files: examples/ also holds labels and the generator.
  const trails = readdirSync(examplesDir, { recursive: true, encoding: "utf8" })
    .filter((f) => /_CloudTrail_.*\.json(\.gz)?$/.test(f))
    .sort()
    .map((f) => resolve(examplesDir, f));
  if (trails.length === 0) return null;
  const writer = ingestWriterFor(deps.db);
  const session = new IngestSession({ source: "examples", writer });
  await ingestFiles(trails, { session, writer });
  const summary = session.finish();
  afterIngest(deps.db);
  return summary;
}
