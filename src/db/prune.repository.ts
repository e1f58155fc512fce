import type { Db } from "./client.js";

/** What one prune removed, per kind of row. */
export interface PruneCounts {
  usageRows: number;
  roleSessions: number;
  credentialRequests: number;
  denials: number;
  incidentsUpdated: number;
  incidentsDeleted: number;
  ledgerKeys: number;
}

/** The event-id ledger's keys start with the event's hour (4 bytes, big-endian): every key of an earlier hour sorts below this. */
export function ledgerHourPrefix(cutoff: number): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(Math.max(0, Math.floor(cutoff / 3_600_000)), 0);
  return prefix;
}

/**
 * Deletes what lies before `cutoff` (an instant at the start of a UTC day): usage aggregates of earlier days, session
 * and credential-request observations last seen before it, denials (and their raw records) before it, and the
 * ledger's earlier hours. An incident keeps the denials still stored: its count, first sighting and sample ids are
 * recomputed from them, and an incident left with none is deleted (with its Slack post record). Evidence is not
 * touched: it decides role kinds and policies however old it is. Runs inside the caller's write transaction.
 */
export function createPruner(db: Db) {
  const sqlite = db.$client;
  const run = (sql: string, ...params: unknown[]) => sqlite.prepare(sql).run(...params).changes;
  return {
    prune(cutoff: number, cutoffDay: string): PruneCounts {
      const usageRows = run("DELETE FROM usage_daily WHERE day < ?", cutoffDay);
      const roleSessions = run("DELETE FROM role_sessions WHERE last_seen < ?", cutoff);
      const credentialRequests = run("DELETE FROM ecs_credential_requests WHERE time < ?", cutoff);
      sqlite.exec("CREATE TEMP TABLE IF NOT EXISTS pruned_incidents (id TEXT PRIMARY KEY)");
      sqlite.exec("DELETE FROM temp.pruned_incidents");
      run(
        `INSERT OR IGNORE INTO temp.pruned_incidents SELECT DISTINCT incident_id FROM denials
         WHERE event_time < ? AND incident_id IS NOT NULL`,
        cutoff,
      );
      run(
        "DELETE FROM denial_raw WHERE event_id IN (SELECT event_id FROM denials WHERE event_time < ?)",
        cutoff,
      );
      const denials = run("DELETE FROM denials WHERE event_time < ?", cutoff);
      const incidentsUpdated = run(
        `UPDATE incidents SET
           count = (SELECT count(*) FROM denials d WHERE d.incident_id = incidents.id),
           first_seen = coalesce((SELECT min(event_time) FROM denials d WHERE d.incident_id = incidents.id), first_seen),
           sample_event_ids = (SELECT coalesce(json_group_array(s.value), '[]') FROM json_each(incidents.sample_event_ids) s
             WHERE s.value IN (SELECT event_id FROM denials))
         WHERE id IN (SELECT id FROM temp.pruned_incidents)`,
      );
      run(
        `DELETE FROM slack_posts WHERE incident_id IN (SELECT id FROM incidents
           WHERE count = 0 AND id IN (SELECT id FROM temp.pruned_incidents))`,
      );
      const incidentsDeleted = run(
        "DELETE FROM incidents WHERE count = 0 AND id IN (SELECT id FROM temp.pruned_incidents)",
      );
      sqlite.exec("DELETE FROM temp.pruned_incidents");
      const ledgerKeys = run("DELETE FROM ingested_events WHERE event_key < ?", ledgerHourPrefix(cutoff));
      return {
        usageRows,
        roleSessions,
        credentialRequests,
        denials,
        incidentsUpdated: incidentsUpdated - incidentsDeleted,
        incidentsDeleted,
        ledgerKeys,
      };
    },
    /** Pages on the free list and in all: a VACUUM gives back the free ones. */
    freePages(): { free: number; total: number } {
      return {
        free: sqlite.pragma("freelist_count", { simple: true }) as number,
        total: sqlite.pragma("page_count", { simple: true }) as number,
      };
    },
    vacuum(): void {
      sqlite.exec("VACUUM");
    },
  };
}

export type Pruner = ReturnType<typeof createPruner>;
