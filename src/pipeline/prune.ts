import { createPruner, type PruneCounts } from "../db/prune.repository.js";
import type { Store } from "../db/store.js";
import { isBusy } from "../db/write-lock.js";
import { dayOf } from "../shared/time.js";

const DAY = 86_400_000;

/** A VACUUM is worth its full rewrite of the file once this share of its pages is free (SQLite reuses free pages anyway). */
export const VACUUM_FREE_SHARE = 0.25;

export interface PruneResult extends PruneCounts {
  /** Everything before this instant (ISO-8601, the start of a UTC day) was pruned. */
  cutoff: string;
  /** Free pages after pruning, of all pages, before any VACUUM. */
  freePages: number;
  totalPages: number;
  /** 'done', 'not worth it', 'skipped' (not asked) or 'busy' (another connection was using the file). */
  vacuum: "done" | "not worth it" | "skipped" | "busy";
}

/** The start of the UTC day `days` days before `now`: retention counts whole days. */
export function retentionCutoff(now: number, days: number): number {
  return Date.parse(`${dayOf(now - days * DAY)}T00:00:00Z`);
}

/**
 * Deletes what lies before the cutoff (see createPruner for what each kind of row keeps) in one write transaction,
 * then VACUUMs when asked and worth it. The caller runs the stages after storing: the catalogue reads usage,
 * sessions and denials, so a role's kind may change once old ones are gone.
 */
export async function pruneBefore(
  store: Store,
  cutoff: number,
  options: { vacuum: boolean },
): Promise<PruneResult> {
  const pruner = createPruner(store.db);
  const counts = await store.write(() => pruner.prune(cutoff, dayOf(cutoff)));
  const { free, total } = pruner.freePages();
  const result: PruneResult = {
    ...counts,
    cutoff: new Date(cutoff).toISOString(),
    freePages: free,
    totalPages: total,
    vacuum: "skipped",
  };
  if (!options.vacuum) return result;
  if (free < total * VACUUM_FREE_SHARE) return { ...result, vacuum: "not worth it" };
  try {
    pruner.vacuum();
    return { ...result, vacuum: "done" };
  } catch (error) {
    if (isBusy(error)) return { ...result, vacuum: "busy" };
    throw error;
  }
}
