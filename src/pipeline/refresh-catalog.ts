import { classifyFacts } from "../classify/classify.js";
import { agentClass } from "../cloudtrail/user-agents.js";
import type { Store } from "../db/store.js";
import { type StagePace, wholePace } from "./stage-pace.js";

export interface CatalogRefresh {
  roles: number;
  written: number;
  deleted: number;
  /** Roles that appeared, vanished or now lead with another kind. */
  kindChanged: string[];
}

/**
 * Recomputes the whole role catalogue from the store (load facts → classify → save what changed), pausing between
 * the three: each is one step over the whole store (docs/performance.md, "Role catalogue").
 */
export async function refreshCatalog(store: Store, pace: StagePace = wholePace): Promise<CatalogRefresh> {
  const facts = store.facts.loadFacts(agentClass);
  await pace.pause();
  const entries = classifyFacts(facts);
  await pace.pause();
  const saved = await store.write(() => store.catalog.save(entries));
  return { roles: entries.length, ...saved };
}
