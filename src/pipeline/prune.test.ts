import { describe, expect, it } from "vitest";
import { memoryDb } from "../../test/support/db.js";
import { makeRecord, uuidFor } from "../../test/support/records.js";
import type { Db } from "../db/client.js";
import { createStore } from "../db/store.js";
import { pushSource } from "../sources/push/push.source.js";
import { ingestSource } from "./ingest-session.js";
import { pruneBefore, retentionCutoff } from "./prune.js";
import { runStagesAfterStore } from "./stages.js";

const message = (table: string) =>
  `User: arn:aws:sts::111122223333:assumed-role/checkout-task/abc is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:eu-west-1:111122223333:table/${table} because no identity-based policy allows the dynamodb:GetItem action`;
const denial = (n: number, time: string, table: string) =>
  makeRecord({
    eventId: uuidFor(n, 61),
    eventTime: time,
    errorCode: "AccessDeniedException",
    errorMessage: message(table),
    requestParameters: { tableName: table, key: { id: { S: "order-1" } } },
  });
const usage = (n: number, time: string) => makeRecord({ eventId: uuidFor(n, 62), eventTime: time });
const evidence = (n: number, time: string) =>
  makeRecord({
    eventId: uuidFor(n, 63),
    eventTime: time,
    eventSource: "ecs.amazonaws.com",
    eventName: "RegisterTaskDefinition",
    requestParameters: { family: "checkout", taskRoleArn: "arn:aws:iam::111122223333:role/checkout-task" },
  });

const OLD = "2025-03-10T10:00:00Z";
const OLDER = "2025-03-09T08:00:00Z";
const NEW = "2026-11-16T10:00:00Z";
const CUTOFF = Date.parse("2026-01-01T00:00:00Z");

async function store(db: Db, records: unknown[]) {
  const s = createStore(db);
  const run = await ingestSource(s, pushSource(JSON.stringify(records)));
  await runStagesAfterStore(s);
  return run.summary;
}
const all = (db: Db, sql: string) => db.$client.prepare(sql).all();
const one = (db: Db, sql: string) => db.$client.prepare(sql).pluck().get();

async function seeded() {
  const db = memoryDb();
  await store(db, [
    // One incident across the cutoff (orders), one only before it (archive).
    denial(1, OLDER, "orders"),
    denial(2, OLD, "orders"),
    denial(3, NEW, "orders"),
    denial(4, NEW, "orders"),
    denial(5, OLD, "archive"),
    usage(1, OLD),
    usage(2, NEW),
    evidence(1, OLD),
  ]);
  return db;
}

describe("pruneBefore", () => {
  it("deletes denials, usage and ledger hours before the cutoff; incidents keep what is still stored", async () => {
    const db = await seeded();
    expect(one(db, "SELECT count(*) FROM incidents")).toBe(2);
    const result = await pruneBefore(createStore(db), CUTOFF, { vacuum: false });
    expect(result).toMatchObject({
      cutoff: "2026-01-01T00:00:00.000Z",
      denials: 3,
      // The old day's GetItem and RegisterTaskDefinition calls (evidence is counted in usage too).
      usageRows: 2,
      incidentsUpdated: 1,
      incidentsDeleted: 1,
      ledgerKeys: 5,
      vacuum: "skipped",
    });
    expect(all(db, "SELECT event_id FROM denials ORDER BY event_id")).toEqual([
      { event_id: uuidFor(3, 61) },
      { event_id: uuidFor(4, 61) },
    ]);
    expect(one(db, "SELECT count(*) FROM denial_raw")).toBe(2);
    expect(all(db, "SELECT day FROM usage_daily")).toEqual([{ day: "2026-11-16" }]);
    // Evidence is kept, however old.
    expect(one(db, "SELECT count(*) FROM evidence_events")).toBe(1);
    // The incident across the cutoff: counted, first seen and sampled from its stored denials only.
    const [incident] = all(db, "SELECT count, first_seen, sample_event_ids FROM incidents") as {
      count: number;
      first_seen: number;
      sample_event_ids: string;
    }[];
    expect(incident?.count).toBe(2);
    expect(incident?.first_seen).toBe(Date.parse(NEW));
    expect(JSON.parse(incident?.sample_event_ids ?? "[]").sort()).toEqual([uuidFor(3, 61), uuidFor(4, 61)]);
    // Every incident's count is its stored denials.
    expect(
      one(
        db,
        "SELECT count(*) FROM incidents i WHERE count != (SELECT count(*) FROM denials d WHERE d.incident_id = i.id)",
      ),
    ).toBe(0);
  });

  it("keeps the ledger's hours from the cutoff on: re-ingesting stores pruned events again and nothing else twice", async () => {
    const db = await seeded();
    await pruneBefore(createStore(db), CUTOFF, { vacuum: false });
    const again = await store(db, [denial(1, OLDER, "orders"), denial(3, NEW, "orders"), evidence(1, OLD)]);
    expect(again.stored.denials).toBe(1);
    expect(again.duplicates).toBe(1);
    expect(one(db, "SELECT count(*) FROM evidence_events")).toBe(1);
    expect(one(db, "SELECT count(*) FROM denials")).toBe(3);
  });

  it("VACUUMs when a quarter of the file is free, and only when asked", async () => {
    const db = await seeded();
    const filler = Array.from({ length: 400 }, (_, i) => denial(1000 + i, OLD, "orders"));
    await store(db, filler);
    const pages = one(db, "PRAGMA page_count") as number;
    const result = await pruneBefore(createStore(db), CUTOFF, { vacuum: true });
    expect(result.freePages).toBeGreaterThan(result.totalPages / 4);
    expect(result.vacuum).toBe("done");
    expect(one(db, "PRAGMA freelist_count")).toBe(0);
    expect(one(db, "PRAGMA page_count") as number).toBeLessThan(pages);
    expect((await pruneBefore(createStore(db), CUTOFF, { vacuum: true })).vacuum).toBe("not worth it");
  });

  it("counts retention in whole UTC days", () => {
    expect(new Date(retentionCutoff(Date.parse("2026-11-30T17:45:00Z"), 400)).toISOString()).toBe(
      "2025-10-26T00:00:00.000Z",
    );
  });
});
