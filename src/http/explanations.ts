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
  const versionStmt = db.$client.prepare(
    "SELECT (SELECT data_version FROM pragma_data_version) || ':' || total_changes() AS v",
  );
  let version = "";
  let catalog: (roleArn: string) => RoleCatalogEntry | undefined = () => undefined;
  const cache = new Map<string, Explanation>();

  const sync = () => {
    const v = (versionStmt.get() as { v: string }).v;
    if (v === version) return;
    version = v;
    catalog = loadCatalog(db);
    cache.clear();
  };

  return {
    /** Brings the catalogue up to date; call once per request before explaining. */
    sync,
    catalog: (roleArn: string) => catalog(roleArn),
    explain(row: DenialRow): Explanation {
      let e = cache.get(row.eventId);
      if (!e) {
        e = explainStoredDenial(row, catalog);
        if (cache.size >= MAX_CACHED) {
          const oldest = cache.keys().next();
          if (!oldest.done) cache.delete(oldest.value);
        }
        cache.set(row.eventId, e);
      }
      return e;
    },
  };
}

export type ExplanationCache = ReturnType<typeof createExplanationCache>;
