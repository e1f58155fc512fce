import type { Store } from "../db/store.js";
import { analysePendingDenials, reanalyseRoles } from "./analyse-denials.js";
import { catalogLookup } from "./catalog.js";
import { extractEcsTasks } from "./ecs-tasks.js";
import { extractPolicyChanges } from "./policy-changes.js";
import { refreshPolicyModel } from "./policy-model.js";
import { type CatalogRefresh, refreshCatalog } from "./refresh-catalog.js";
import { type StagePace, wholePace } from "./stage-pace.js";

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
 * `pace` bounds each step and pauses between steps (a server's: see StagePace); the results do not depend on it.
 */
export async function runStagesAfterStore(store: Store, pace: StagePace = wholePace): Promise<StagesResult> {
  const refresh = await refreshCatalog(store, pace);
  await pace.pause();
  const catalog = catalogLookup(store.db);
  const unsettled = store.catalog.unsettled();
  const reanalysed =
    unsettled.length > 0 ? await reanalyseRoles(store, unsettled, catalog, pace) : { roles: 0, denials: 0 };
  await pace.pause();
  const analysed = await analysePendingDenials(store, catalog, pace);
  await pace.pause();
  const policy = await extractPolicyChanges(store, pace);
  await pace.pause();
  refreshPolicyModel(store);
  await pace.pause();
  const ecsTasks = await extractEcsTasks(store, pace);
  return { catalog: refresh, reanalysed, analysed, policy, ecsTasks };
}
