import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/support/db.js";
import { openDb } from "./client.js";
import { createExamplesRepository } from "./examples.repository.js";

const migrations = resolve(import.meta.dirname, "../../migrations");
const FIRST_NEW = 15;

/** The migrations as they were before the examples flag (0000–0014), in a folder of their own. */
function migrationsBefore(): string {
  const dir = join(tempDir(), "migrations");
  mkdirSync(join(dir, "meta"), { recursive: true });
  const journal = JSON.parse(readFileSync(join(migrations, "meta", "_journal.json"), "utf8")) as {
    entries: { idx: number; tag: string }[];
  };
  journal.entries = journal.entries.filter((e) => e.idx < FIRST_NEW);
  writeFileSync(join(dir, "meta", "_journal.json"), JSON.stringify(journal));
  for (const e of journal.entries) copyFileSync(join(migrations, `${e.tag}.sql`), join(dir, `${e.tag}.sql`));
  expect(readdirSync(dir).filter((f) => f.endsWith(".sql"))).toHaveLength(FIRST_NEW);
  return dir;
}

/** A database file at migration 0014 holding the examples' rows (as that version wrote them), and maybe a real denial. */
function oldDatabase(withReal: boolean): string {
  const path = join(tempDir(), "old.db");
  const client = new Database(path);
  migrate(drizzle({ client }), { migrationsFolder: migrationsBefore() });
  client.exec(`
    INSERT INTO evidence_events (event_id, event_time, account_id, region, event_source, event_name, principal_arn,
      source, raw) VALUES ('e1', 1, '111122223333', 'eu-west-1', 'iam.amazonaws.com', 'CreateRole', 'p', 'examples', '{}');
    INSERT INTO usage_daily (day, principal_arn, principal_type, account_id, event_source, event_name, resource, calls,
      errors, first_seen, last_seen, user_agents) VALUES ('2026-11-16', 'p', 'AssumedRole', '111122223333',
      's3.amazonaws.com', 'GetObject', '', 1, 0, 1, 1, '[]');
    INSERT INTO role_sessions (role_arn, session_shape, ec2_role_delivery, federated_provider, invoked_by,
      sample_session, calls, first_seen, last_seen) VALUES ('r', 'uuid', '', '', '', 's', 1, 1, 1);
    INSERT INTO ingested_events (event_key) VALUES (x'01'), (x'02');
  `);
  if (withReal)
    client.exec(`INSERT INTO denials (event_id, event_time, account_id, region, event_source, event_name, error_code,
      principal_type, principal_arn, source) VALUES ('d1', 1, '210987654321', 'eu-west-1', 's3.amazonaws.com',
      'GetObject', 'AccessDenied', 'AssumedRole', 'p2', 'push')`);
  client.close();
  return path;
}

describe("migrations 0015–0016 (the examples flag) on a database written before them", () => {
  it("flag every aggregate and ledger key of a database holding the examples alone, and mark it", () => {
    const db = openDb({ path: oldDatabase(false) });
    const n = (sql: string) => db.$client.prepare(sql).pluck().get();
    expect(n("SELECT count(*) FROM usage_daily WHERE examples = 1")).toBe(1);
    expect(n("SELECT count(*) FROM role_sessions WHERE examples = 1")).toBe(1);
    expect(n("SELECT count(*) FROM ingested_events WHERE examples = 1")).toBe(2);
    expect(createExamplesRepository(db).presence()).toEqual({ examples: true, real: false });
    db.$client.close();
  });

  it("flag nothing where real data was already mixed in (they cannot be told apart), and mark it mixed", () => {
    const db = openDb({ path: oldDatabase(true) });
    const n = (sql: string) => db.$client.prepare(sql).pluck().get();
    expect(n("SELECT count(*) FROM usage_daily WHERE examples = 1")).toBe(0);
    expect(n("SELECT count(*) FROM ingested_events WHERE examples = 1")).toBe(0);
    expect(n("SELECT count(*) FROM usage_daily")).toBe(1);
    expect(createExamplesRepository(db).presence()).toEqual({ examples: true, real: true });
    db.$client.close();
  });
});
