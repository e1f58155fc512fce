import { existsSync, readdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ExamplesRemoved } from "../db/examples.repository.js";
import { EXAMPLES_SOURCE } from "../db/examples.repository.js";
import type { Store } from "../db/store.js";
import { fileSource } from "../sources/files/files.source.js";
import { type IngestSummary, ingestSource } from "./ingest-session.js";
import type { StagePace } from "./stage-pace.js";
import { runStagesAfterStore } from "./stages.js";

/** examples/ at the package root, from src/pipeline (tsx) and dist/pipeline (compiled) alike. */
export const examplesDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../examples");

/** The bundled trail files (examples/ also holds labels and the generator), in order. */
function exampleTrails(): string[] {
  if (!existsSync(examplesDir)) return [];
  return readdirSync(examplesDir, { recursive: true, encoding: "utf8" })
    .filter((f) => /_CloudTrail_.*\.json(\.gz)?$/.test(f))
    .sort()
    .map((f) => resolve(examplesDir, f));
}

/** On a first run (no event stored yet), loads the bundled example trail so the API has something to show. */
export async function loadExamplesIfEmpty(
  store: Store,
  now: () => number = Date.now,
): Promise<IngestSummary | null> {
  if (store.ingest.anyIngested()) return null;
  const trails = exampleTrails();
  if (trails.length === 0) return null;
  // Marked first: a load cut short still leaves the database marked as holding (some of) the examples.
  await store.write(() => store.examples.markLoaded(now()));
  const { summary } = await ingestSource(store, fileSource(trails, { name: EXAMPLES_SOURCE }));
  await runStagesAfterStore(store);
  return summary;
}

/** none: no example row; only: the examples alone; mixed: the examples beside real data. */
export type ExamplesStatus = "none" | "only" | "mixed";

/** The warning a database that mixes them earns, in logs, /readyz and the console. */
export const EXAMPLES_MIXED =
  "this database mixes the bundled examples with real data: run `deniedby examples remove`";

export function examplesStatus(store: Store): ExamplesStatus {
  const { examples, real } = store.examples.presence();
  if (!examples) return "none";
  return real ? "mixed" : "only";
}

/**
 * Takes every row of the example trail out (see ExamplesRepository.remove) in one transaction, and nothing of real
 * data, then runs the stages after storing: the catalogue loses the examples' roles, real denials that shared an
 * incident with them are analysed again, and the policy changes are extracted again without their evidence.
 * Removing twice removes nothing the second time.
 */
export async function removeExamples(store: Store, pace?: StagePace): Promise<ExamplesRemoved> {
  const removed = await store.write(() => store.examples.remove(exampleTrails()));
  await runStagesAfterStore(store, pace);
  return removed;
}
