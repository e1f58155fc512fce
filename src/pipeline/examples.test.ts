import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { memoryDb, tempDir } from "../../test/support/db.js";
import { ingestRecords } from "../../test/support/ingest.js";
import { manyDenials } from "../../test/support/many-denials.js";
import { makeRecord, uuidFor } from "../../test/support/records.js";
import { scenarioLabels } from "../../test/support/scenario.js";
import { type Db, openDb } from "../db/client.js";
import { createStore, type Store } from "../db/store.js";
import { examplesDir, examplesStatus, loadExamplesIfEmpty, removeExamples } from "./examples.js";
import { runStagesAfterStore } from "./stages.js";

const trail = join(examplesDir, "scenario", "111122223333_CloudTrail_eu-west-1_20261116T0900Z_scenario.json");
const exampleRecords = (JSON.parse(readFileSync(trail, "utf8")) as { Records: Record<string, unknown>[] })
  .Records;

/** The first example record of an API call (denied or not), as another source would deliver it again: a new id. */
function twinOf(eventName: string, denied: boolean, n: number): Record<string, unknown> {
  const r = exampleRecords.find((x) => x.eventName === eventName && Boolean(x.errorCode) === denied);
  if (!r) throw new Error(`no ${eventName} in the example trail`);
  return { ...r, eventID: uuidFor(n, 97) };
}

/**
 * Real data: denials in another account, calls and role assumptions, and twins of example records (the same
 * denial, the same call on the same day: the same incident and usage key as the examples', from a real source).
 */
const realRecords = [
  ...manyDenials(40, ["app-role", "etl-role", "web-role"]).map((r) => ({
    ...r,
    recipientAccountId: "210987654321",
  })),
  ...Array.from({ length: 20 }, (_, i) =>
    makeRecord({ eventId: uuidFor(i, 98), eventTime: "2026-11-17T08:00:00Z", account: "210987654321" }),
  ),
  twinOf("BatchGetImage", true, 1),
  twinOf("GetObject", false, 2),
  twinOf("AssumeRole", false, 3),
  twinOf("Query", false, 4),
];

async function ingestReal(db: Db, store: Store): Promise<void> {
  await ingestRecords(db, realRecords);
  await runStagesAfterStore(store);
}

const TABLES = [
  "denials",
  "denial_raw",
  "evidence_events",
  "usage_daily",
  "role_sessions",
  "ingested_events",
  "incidents",
  "role_catalog",
  "policy_changes",
  "quarantine",
  "ecs_credential_requests",
  "slack_posts",
  "policy_imports",
  "ecs_tasks",
];

/** Every row of the tables that hold data (not generations or cursors), sorted, per table. */
function dump(db: Db): Record<string, string[]> {
  return Object.fromEntries(
    TABLES.map((t) => [
      t,
      (db.$client.prepare(`SELECT * FROM ${t}`).all() as unknown[]).map((r) => JSON.stringify(r)).sort(),
    ]),
  );
}

describe("the bundled example trail", () => {
  it("loads into an empty database, explained, and only once", async () => {
    const store = createStore(memoryDb());
    const summary = await loadExamplesIfEmpty(store);
    expect(summary?.rejected.total).toBe(0);
    expect(summary?.stored.denials).toBe(Object.keys(scenarioLabels.denials).length);
    const q = (sql: string) => store.db.$client.prepare(sql).get() as { n: number };
    expect(q("SELECT count(*) AS n FROM denials WHERE incident_id IS NULL").n).toBe(0);
    expect(q("SELECT count(*) AS n FROM role_catalog").n).toBeGreaterThanOrEqual(
      Object.keys(scenarioLabels.roles).length,
    );
    expect(examplesStatus(store)).toBe("only");
    expect(await loadExamplesIfEmpty(store)).toBeNull();
  });

  it("is removed exactly: what stays is what real data alone would have stored, and removing again removes nothing", async () => {
    const realDb = openDb({ path: join(tempDir(), "real.db") });
    await ingestReal(realDb, createStore(realDb));
    const realOnly = dump(realDb);

    const db = openDb({ path: join(tempDir(), "mixed.db") });
    const store = createStore(db);
    await loadExamplesIfEmpty(store);
    await ingestReal(db, store);
    expect(examplesStatus(store)).toBe("mixed");
    const mixed = dump(db);
    for (const t of [
      "denials",
      "evidence_events",
      "usage_daily",
      "role_sessions",
      "ingested_events",
      "incidents",
    ])
      expect(mixed[t]?.length, t).toBeGreaterThan(realOnly[t]?.length ?? 0);

    const removed = await removeExamples(store);
    expect(removed).toMatchObject({ denials: Object.keys(scenarioLabels.denials).length, files: 1 });
    expect(removed.reanalysed).toBeGreaterThan(0);
    expect(removed.usageRows).toBeGreaterThan(0);
    expect(removed.roleSessions).toBeGreaterThan(0);
    expect(removed.ledgerKeys).toBe(exampleRecords.length);
    expect(examplesStatus(store)).toBe("none");
    // Every real row as real data alone left it, table by table; no example row left.
    expect(dump(db)).toEqual(realOnly);
    const left = (sql: string) => db.$client.prepare(sql).pluck().get();
    expect(left("SELECT count(*) FROM denials WHERE source = 'examples'")).toBe(0);
    expect(left("SELECT count(*) FROM usage_daily WHERE examples = 1")).toBe(0);
    expect(left("SELECT count(*) FROM source_files")).toBe(0);

    const again = await removeExamples(store);
    expect(Object.values(again).every((n) => n === 0)).toBe(true);
    expect(dump(db)).toEqual(realOnly);
    db.$client.close();
    realDb.$client.close();
  }, 60_000);
});
