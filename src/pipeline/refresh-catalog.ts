import { classifyFacts } from "../classify/classify.js";
import { agentClass } from "../cloudtrail/user-agents.js";
import type { Store } from "../db/store.js";

export interface CatalogRefresh {
  roles: number;
  written: number;
  deleted: number;
  /** Roles that appeared, vanished or now lead with another kind. */
  kindChanged: string[];
}

/** Recomputes the whole role catalogue from the store (load facts → classify → save what changed). */
export async function refreshCatalog(store: Store): Promise<CatalogRefresh> {
  const entries = classifyFacts(store.facts.loadFacts(agentClass));
  const saved = await store.write(() => store.catalog.save(entries));
  return { roles: entries.length, ...saved };
}
