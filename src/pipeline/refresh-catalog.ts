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

/** Loads, classifies and saves without the lock at most this often before doing it all holding the lock. */
const UNLOCKED_ATTEMPTS = 3;

/**
 * Recomputes the whole role catalogue from the store (load facts → classify → save what changed), pausing between
 * the three: each is one step over the whole store (docs/performance.md, "Role catalogue"). Another writer (a second
 * `deniedby ingest`, the server beside one) may commit while this one classifies, then refresh and save its own
 * catalogue from more facts than this one read: saving this one afterwards would put back a catalogue of fewer
 * facts. So the save happens only if nothing was committed since the facts were read (the store's change stamp);
 * otherwise it starts again, and after a few such misses it reads, classifies and saves holding the write lock,
 * which no commit can come between.
 */
export async function refreshCatalog(store: Store, pace: StagePace = wholePace): Promise<CatalogRefresh> {
  for (let attempt = 1; attempt <= UNLOCKED_ATTEMPTS; attempt++) {
    if (attempt > 1) await pace.pause();
    const stamp = store.changeStamp();
    const facts = store.facts.loadFacts(agentClass);
    await pace.pause();
    const entries = classifyFacts(facts);
    await pace.pause();
    const saved = await store.write(() =>
      store.changeStamp() === stamp ? store.catalog.save(entries) : null,
    );
    if (saved !== null) return { roles: entries.length, ...saved };
  }
  return store.write(() => {
    const entries = classifyFacts(store.facts.loadFacts(agentClass));
    return { roles: entries.length, ...store.catalog.save(entries) };
  });
}
