import type { Checkpoint, DailyUsage } from "../sources/source.js";
import type { Db } from "./client.js";
import { INSERT_USAGE, usageValues } from "./ingest.repository.js";

export interface UsageDayReplacement {
  day: string;
  /** Every aggregate the usage query returned for the day, one per usage_daily key. */
  rows: DailyUsage[];
  /** Committed in the same transaction, when the day is closed. */
  checkpoint?: Checkpoint | null;
}

/**
 * Writes usage aggregates a source computed itself (Athena). They do not pass through the eventID ledger, so
 * adding them would count a re-run window twice: instead each day's rows *replace* what usage_daily holds for that
 * day and each account the query returned, in one transaction with the checkpoint. Accounts the query did not return (files or LookupEvents
 * of another account) are left alone. usage_daily has no source or region column, so the replacement cannot be
 * narrower than (day, account).
 */
export function createUsageDayRepository(db: Db) {
  const sqlite = db.$client;
  // The example trail's rows (examples = 1) are not Athena's to replace.
  const deleteDayAccount = sqlite.prepare(
    "DELETE FROM usage_daily WHERE day = ? AND account_id = ? AND examples = 0",
  );
  const deleteKey = sqlite.prepare(
    `DELETE FROM usage_daily WHERE day = ? AND principal_arn = ? AND event_source = ? AND event_name = ?
       AND resource = ? AND examples = 0`,
  );
  const insert = sqlite.prepare(INSERT_USAGE);
  const upsertCheckpoint = sqlite.prepare(
    `INSERT INTO source_checkpoints (source, key, value) VALUES (?, ?, ?)
     ON CONFLICT (source, key) DO UPDATE SET value = excluded.value`,
  );

  const replace = sqlite.transaction((r: UsageDayReplacement): { deleted: number; inserted: number } => {
    let deleted = 0;
    for (const account of new Set(r.rows.map((u) => u.accountId)))
      deleted += deleteDayAccount.run(r.day, account).changes;
    for (const u of r.rows) {
      if (u.day !== r.day) throw new Error(`usage row for ${u.day} in the replacement of ${r.day}`);
      // A key can hold another account's row (the key has no account): the newest source wins it.
      deleted += deleteKey.run(u.day, u.principalArn, u.eventSource, u.eventName, u.resource).changes;
      insert.run(usageValues(u));
    }
    if (r.checkpoint) upsertCheckpoint.run(r.checkpoint.source, r.checkpoint.key, r.checkpoint.value);
    return { deleted, inserted: r.rows.length };
  });

  return {
    /** Replaces one day's aggregates atomically (with the checkpoint, when given). */
    replaceDay(replacement: UsageDayReplacement): { deleted: number; inserted: number } {
      return replace.immediate(replacement);
    },
  };
}
export type UsageDayRepository = ReturnType<typeof createUsageDayRepository>;
