import type { RoleCatalogEntry } from "../classify/kinds.js";
import type { Db } from "../db/client.js";
import { explainStoredDenial, loadCatalog } from "../db/denials.repository.js";
import type { DenialRow } from "../db/schema.js";
import type { Explanation } from "../explain/explain.js";

/** How many explanations the API keeps: the pages on-call reads again and again. */
const MAX_CACHED = 20_000;

/**
 * Explanations for the API, computed from the stored record and the current role catalogue, and cached until the
 * database changes. `PRAGMA data_version` moves when another connection (a CLI ingest) commits; total_changes()
 * moves when this one does (pushed events) — together they say when the catalogue may have changed.
 */
export function createExplanationCache(db: Db) {
  // Two prepared statements rather than one SELECT over pragma_data_version: that table-valued function prepared
  // and finalised a PRAGMA statement inside every run (4.7 → 3.6 µs a check; total_changes() opens no transaction).
  const dataVersion = db.$client.prepare("PRAGMA data_version").pluck();
  const totalChanges = db.$client.prepare("SELECT total_changes()").pluck();
  let version = -1;
  let changes = -1;
  let catalog: (roleArn: string) => RoleCatalogEntry | undefined = () => undefined;
  /**
   * Each explanation with its JSON as UTF-8 bytes, so a page is answered by concatenating buffers: joining strings
   * made Node measure and encode the whole body again on every response (texts with "…" are two-byte strings).
   */
  const cache = new Map<string, { explanation: Explanation; json: Buffer }>();
  const remember = (row: DenialRow) => {
    const explanation = explainStoredDenial(row, catalog);
    const entry = { explanation, json: Buffer.from(JSON.stringify(explanation)) };
    if (cache.size >= MAX_CACHED) {
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
    cache.set(row.eventId, entry);
    return entry;
  };

  const sync = () => {
    const v = dataVersion.get() as number;
    const t = totalChanges.get() as number;
    if (v === version && t === changes) return;
    version = v;
    changes = t;
    catalog = loadCatalog(db);
    cache.clear();
  };

  return {
    /** Brings the catalogue up to date; call once per request before explaining. */
    sync,
    catalog: (roleArn: string) => catalog(roleArn),
    explain(row: DenialRow): Explanation {
      return (cache.get(row.eventId) ?? remember(row)).explanation;
    },
    /** The JSON (UTF-8) of each denial, in the order given; rows are fetched only for those not explained yet. */
    jsonOf(eventIds: string[], fetchRows: (ids: string[]) => DenialRow[]): Buffer[] {
      const missing = eventIds.filter((id) => !cache.has(id));
      if (missing.length > 0) for (const row of fetchRows(missing)) remember(row);
      return eventIds.flatMap((id) => {
        const entry = cache.get(id);
        return entry ? [entry.json] : [];
      });
    },
  };
}

export type ExplanationCache = ReturnType<typeof createExplanationCache>;
