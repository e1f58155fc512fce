import type { Store } from "../db/store.js";
import { analysePendingDenials, reanalyseRoles } from "./analyse-denials.js";
import { catalogLookup } from "./catalog.js";
import { extractEcsTasks } from "./ecs-tasks.js";
import { extractPolicyChanges } from "./policy-changes.js";
import { refreshPolicyModel } from "./policy-model.js";
import { type CatalogRefresh, refreshCatalog } from "./refresh-catalog.js";

export interface StagesResult {
  catalog: CatalogRefresh;
  reanalysed: { roles: number; denials: number };
  analysed: { analysed: number; incidents: number };
  /** Evidence events read for policy changes, and the changes stored. */
  policy: { read: number; changes: number };
  /** Evidence events read for ECS task launches, and the tasks stored (what the find filters look up). */
  ecsTasks: { read: number; tasks: number };
}

/**
 * The stages after storing, run after every ingest of any source: recompute the role catalogue from the stored
 * evidence, sessions and usage (classify); analyse again the denials of roles whose kind changed (this save's, and
 * any an earlier run saved but did not get to); explain new denials into incidents (explain), with the catalogue
 * just saved; then store the policy changes of the new evidence and bring the policy model up to date where the
 * process holds one; last, keep the ECS tasks the new launch records name (what the find filters look up). Each step
 * commits on its own, so a run that fails (another writer held the lock too long) leaves the rest for the next run.
 */
export async function runStagesAfterStore(store: Store): Promise<StagesResult> {
  const refresh = await refreshCatalog(store);
  const catalog = catalogLookup(store.db);
  const unsettled = store.catalog.unsettled();
  const reanalysed =
    unsettled.length > 0 ? await reanalyseRoles(store, unsettled, catalog) : { roles: 0, denials: 0 };
  const analysed = await analysePendingDenials(store, catalog);
  const policy = await extractPolicyChanges(store);
  refreshPolicyModel(store);
  const ecsTasks = await extractEcsTasks(store);
  return { catalog: refresh, reanalysed, analysed, policy, ecsTasks };
}
