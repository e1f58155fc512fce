import type { Store } from "../db/store.js";
import { analysePendingDenials, reanalyseRoles } from "./analyse-denials.js";
import { catalogLookup } from "./catalog.js";
import { type CatalogRefresh, refreshCatalog } from "./refresh-catalog.js";

export interface StagesResult {
  catalog: CatalogRefresh;
  reanalysed: { roles: number; denials: number };
  analysed: { analysed: number; incidents: number };
}

/**
 * The stages after storing, run after every ingest of any source: recompute the role catalogue from the stored
 * evidence, sessions and usage (classify); analyse again the denials of roles whose kind changed; then explain new
 * denials into incidents (explain), with the catalogue just saved.
 */
export function runStagesAfterStore(store: Store): StagesResult {
  const refresh = refreshCatalog(store);
  const catalog = catalogLookup(store.db);
  const reanalysed =
    refresh.kindChanged.length > 0
      ? reanalyseRoles(store, refresh.kindChanged, catalog)
      : { roles: 0, denials: 0 };
  return { catalog: refresh, reanalysed, analysed: analysePendingDenials(store, catalog) };
}
