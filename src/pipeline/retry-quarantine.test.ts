import { beforeEach, describe, expect, it } from "vitest";
import { memoryDb } from "../../test/support/db.js";
import { pushedDenial as denial } from "../../test/support/push.js";
import type { Db } from "../db/client.js";
import { createStore, type Store } from "../db/store.js";
import { retryQuarantined } from "./retry-quarantine.js";

let db: Db;
let store: Store;
beforeEach(() => {
  db = memoryDb();
  store = createStore(db);
});

/** A row as an older deniedby set it aside: its raw text is what the input held. */
function quarantine(source: string, position: string, reason: string, raw: string): void {
  db.$client
    .prepare(
      "INSERT INTO quarantine (source, location, position, reason, detail, raw) VALUES (?, 'trail.json', ?, ?, 'then', ?)",
    )
    .run(source, position, reason, raw);
}
const count = (sql: string) => (db.$client.prepare(sql).get() as { n: number }).n;
const remaining = () =>
  db.$client.prepare("SELECT position FROM quarantine ORDER BY id").pluck().all() as string[];

describe("retryQuarantined", () => {
  it("stores the rows whose text now passes, under their own source, deletes them, and leaves the rest", async () => {
    quarantine("files", "line 1", "json.invalid", JSON.stringify(denial(1)));
    quarantine("files", "line 2", "json.invalid", '{"eventVersion": "1.08", ');
    // One of its two records still fails: the row is retried as a unit, so nothing of it is stored.
    quarantine("push", "record 0", "record.missing_event_id", JSON.stringify([denial(2), 42]));
    quarantine("push", "record 1", "record.missing_event_id", JSON.stringify({ Records: [denial(3)] }));

    const result = await retryQuarantined(store);

    expect(result).toEqual({
      retried: 4,
      resolved: 2,
      stored: { denials: 2, evidence: 0, usage: 0 },
      duplicates: 0,
      stillRejected: [
        { id: 2, reason: "json.invalid", detail: expect.any(String) },
        { id: 3, reason: "record.not_object", detail: "found number" },
      ],
    });
    expect(remaining()).toEqual(["line 2", "record 0"]);
    expect(db.$client.prepare("SELECT source FROM denials ORDER BY source").pluck().all()).toEqual([
      "files",
      "push",
    ]);
    expect(count("SELECT count(*) AS n FROM denial_raw")).toBe(2);
    // The row left unchanged (its reason then, not now).
    expect(count("SELECT count(*) AS n FROM quarantine WHERE reason = 'record.missing_event_id'")).toBe(1);
  });

  it("retries only the rows the filters or the id choose", async () => {
    quarantine("files", "line 1", "json.invalid", JSON.stringify(denial(1)));
    quarantine("push", "record 0", "record.missing_event_id", JSON.stringify(denial(2)));
    quarantine("push", "record 1", "json.invalid", JSON.stringify(denial(3)));

    expect((await retryQuarantined(store, { reason: "record.missing_event_id" })).resolved).toBe(1);
    expect(remaining()).toEqual(["line 1", "record 1"]);
    expect((await retryQuarantined(store, { source: "files" })).resolved).toBe(1);
    expect(remaining()).toEqual(["record 1"]);
    expect((await retryQuarantined(store, { id: 1 })).retried).toBe(0);
    expect((await retryQuarantined(store, { id: 3 })).resolved).toBe(1);
    expect(remaining()).toEqual([]);
    expect(count("SELECT count(*) AS n FROM denials")).toBe(3);
  });

  it("removes a row whose events are already stored, without storing them twice, across pages", async () => {
    for (let i = 0; i < 5; i++)
      quarantine("files", `line ${i}`, "json.invalid", JSON.stringify(denial(i % 2)));
    const result = await retryQuarantined(store, { batchSize: 2 });
    expect(result).toMatchObject({ retried: 5, resolved: 5, duplicates: 3, stillRejected: [] });
    expect(count("SELECT count(*) AS n FROM denials")).toBe(2);
    expect(count("SELECT count(*) AS n FROM quarantine")).toBe(0);
  });
});
