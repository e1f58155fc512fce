import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { type Db, openDb } from "../../src/db/client.js";

const dirs: string[] = [];

/** A fresh temporary directory, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "deniedby-test-"));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh, migrated in-memory database. */
export function memoryDb(): Db {
  return openDb({ path: ":memory:" });
}

/** Every stored row of the data tables, ordered, for comparing two databases. Quarantine ids are left out. */
export function dumpData(db: Db): Record<string, unknown[]> {
  const q = (sql: string) => db.$client.prepare(sql).all();
  return {
    ingested_events: q("SELECT hex(event_key) AS k FROM ingested_events ORDER BY event_key"),
    denials: q("SELECT * FROM denials ORDER BY event_id"),
    denial_raw: q("SELECT * FROM denial_raw ORDER BY event_id"),
    evidence_events: q("SELECT * FROM evidence_events ORDER BY event_id"),
    usage_daily: q(
      "SELECT * FROM usage_daily ORDER BY day, principal_arn, event_source, event_name, resource",
    ),
    role_sessions: q(
      "SELECT * FROM role_sessions ORDER BY role_arn, session_shape, ec2_role_delivery, federated_provider, invoked_by",
    ),
    quarantine: q(
      "SELECT source, location, position, reason, detail, raw FROM quarantine ORDER BY source, location, position, reason",
    ),
    source_files: q("SELECT * FROM source_files ORDER BY path"),
    incidents: q("SELECT * FROM incidents ORDER BY id"),
    role_catalog: q("SELECT * FROM role_catalog ORDER BY role_arn"),
  };
}
