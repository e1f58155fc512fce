import type { Db } from "./client.js";

/**
 * The source name the bundled example trail is ingested under. Its denials, evidence, quarantine rows and credential
 * requests carry it in their `source` column; its ledger keys, usage and session rows carry `examples = 1` (they
 * have no source column: they fold many events into one row, so the examples' rows are kept apart by that flag).
 */
export const EXAMPLES_SOURCE = "examples";

/** What `deniedby examples remove` took out, per table. */
export interface ExamplesRemoved {
  denials: number;
  evidence: number;
  usageRows: number;
  roleSessions: number;
  ledgerKeys: number;
  credentialRequests: number;
  quarantine: number;
  files: number;
  /** Incidents the example denials folded into, deleted (the real denials among them are analysed again). */
  incidents: number;
  /** Real denials that shared an incident with example ones: their analysis reset, to be made again without them. */
  reanalysed: number;
  /** Resume points of the examples' source, its load marker included. */
  checkpoints: number;
}

/** Whether the database holds the examples, real data, both (mixed) or neither. */
export interface ExamplesPresence {
  examples: boolean;
  real: boolean;
}

const E = EXAMPLES_SOURCE;
const MARKER = { source: E, key: "loaded" };

/** The queries and deletions of the example trail's rows; `remove` runs inside the caller's write transaction. */
export function createExamplesRepository(db: Db) {
  const c = db.$client;
  const run = (sql: string, ...params: unknown[]) => c.prepare(sql).run(...params).changes;
  const exists = (sql: string, ...params: unknown[]) =>
    c
      .prepare(`SELECT EXISTS (${sql})`)
      .pluck()
      .get(...params) === 1;
  return {
    /** Records that the examples were loaded (a marker row): what `presence` reads first, cheaply. */
    markLoaded(at: number): void {
      run(
        `INSERT INTO source_checkpoints (source, key, value) VALUES (?, ?, ?)
         ON CONFLICT (source, key) DO UPDATE SET value = excluded.value`,
        MARKER.source,
        MARKER.key,
        new Date(at).toISOString(),
      );
    },
    presence(): ExamplesPresence {
      const examples = exists(
        "SELECT 1 FROM source_checkpoints WHERE source = ? AND key = ?",
        MARKER.source,
        MARKER.key,
      );
      if (!examples) return { examples, real: false };
      // Each stops at the first row found: with examples alone the ledger holds a few hundred keys.
      const real =
        exists("SELECT 1 FROM ingested_events WHERE examples = 0") ||
        exists("SELECT 1 FROM usage_daily WHERE examples = 0") ||
        exists("SELECT 1 FROM ecs_credential_requests WHERE source <> ?", E) ||
        exists("SELECT 1 FROM quarantine WHERE source <> ?", E) ||
        exists("SELECT 1 FROM policy_imports");
      return { examples, real };
    },
    /** Deletes every row of the example trail and resets the analysis of real denials that shared its incidents. */
    remove(files: readonly string[]): ExamplesRemoved {
      c.exec("CREATE TEMP TABLE IF NOT EXISTS example_incidents (id TEXT PRIMARY KEY)");
      c.exec("DELETE FROM temp.example_incidents");
      run(
        `INSERT OR IGNORE INTO temp.example_incidents SELECT DISTINCT incident_id FROM denials
         WHERE source = ? AND incident_id IS NOT NULL`,
        E,
      );
      run("DELETE FROM denial_raw WHERE event_id IN (SELECT event_id FROM denials WHERE source = ?)", E);
      const denials = run("DELETE FROM denials WHERE source = ?", E);
      // A Slack post record stays with an incident that real denials keep (it is made again with the same id).
      run(
        `DELETE FROM slack_posts WHERE incident_id IN (SELECT id FROM temp.example_incidents)
         AND incident_id NOT IN (SELECT incident_id FROM denials WHERE incident_id IS NOT NULL)`,
      );
      const reanalysed = run(
        `UPDATE denials SET action = NULL, resource = NULL, denied_by = NULL, policy_arn = NULL, incident_id = NULL,
           noise = 0 WHERE incident_id IN (SELECT id FROM temp.example_incidents)`,
      );
      const incidents = run("DELETE FROM incidents WHERE id IN (SELECT id FROM temp.example_incidents)");
      c.exec("DELETE FROM temp.example_incidents");
      run(
        `INSERT INTO table_generations (table_name, generation) VALUES ('denial_analysis', 1)
         ON CONFLICT (table_name) DO UPDATE SET generation = generation + 1`,
      );
      const placeholders = files.map(() => "?").join(", ");
      return {
        denials,
        evidence: run("DELETE FROM evidence_events WHERE source = ?", E),
        usageRows: run("DELETE FROM usage_daily WHERE examples = 1"),
        roleSessions: run("DELETE FROM role_sessions WHERE examples = 1"),
        ledgerKeys: run("DELETE FROM ingested_events WHERE examples = 1"),
        credentialRequests: run("DELETE FROM ecs_credential_requests WHERE source = ?", E),
        quarantine: run("DELETE FROM quarantine WHERE source = ?", E),
        files:
          files.length > 0 ? run(`DELETE FROM source_files WHERE path IN (${placeholders})`, ...files) : 0,
        incidents,
        reanalysed,
        checkpoints: run("DELETE FROM source_checkpoints WHERE source = ?", E),
      };
    },
  };
}

export type ExamplesRepository = ReturnType<typeof createExamplesRepository>;
