import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDb } from "../../src/db/client.js";
import { loadClassifierFacts } from "../../src/db/role-catalog.repository.js";
import { tempDir } from "../support/db.js";
import { makeRecord } from "../support/records.js";

/** A CreateRole record whose trust policy names `service`: evidence the classifier reads. */
function createRole(n: number, service = "lambda.amazonaws.com"): Record<string, unknown> {
  return makeRecord({
    eventId: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    eventTime: `2026-11-16T10:00:${String(n % 60).padStart(2, "0")}Z`,
    eventSource: "iam.amazonaws.com",
    eventName: "CreateRole",
    requestParameters: {
      roleName: `role-${n}`,
      assumeRolePolicyDocument: encodeURIComponent(
        JSON.stringify({
          Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
        }),
      ),
    },
  });
}

describe("evidence read by loadClassifierFacts", () => {
  it("matches the table after inserts, updates, deletes, a VACUUM, unseen deletes and another connection's writes", () => {
    const path = join(tempDir(), "evidence.db");
    const db = openDb({ path });
    const other = openDb({ path });
    const insert = (into: typeof db, record: Record<string, unknown>) =>
      into.$client
        .prepare(
          `INSERT INTO evidence_events (event_id, event_time, account_id, region, event_source, event_name,
             principal_arn, role_arn, source, raw) VALUES (?, 0, '111122223333', 'eu-west-1', ?, ?, 'p', NULL, 'test', ?)`,
        )
        .run(record.eventID, record.eventSource, record.eventName, JSON.stringify(record));
    const loaded = () =>
      loadClassifierFacts(db)
        .evidence.map((r) => r.eventID)
        .sort();
    const stored = () =>
      (db.$client.prepare("SELECT event_id FROM evidence_events").pluck().all() as string[]).sort();

    for (let n = 1; n <= 5; n++) insert(db, createRole(n));
    expect(loaded()).toEqual(stored());
    expect(loaded()).toHaveLength(5);

    // New rows, from this connection and from another process.
    insert(db, createRole(6));
    insert(other, createRole(7));
    expect(loaded()).toEqual(stored());
    expect(loaded()).toHaveLength(7);

    // A malformed row is skipped, and does not make the next read start over wrongly.
    db.$client
      .prepare(
        `INSERT INTO evidence_events (event_id, event_time, account_id, region, event_source, event_name,
           principal_arn, role_arn, source, raw) VALUES ('bad', 0, 'a', 'r', 's', 'n', 'p', NULL, 'test', '{oops')`,
      )
      .run();
    insert(db, createRole(8));
    expect(loaded()).toEqual(stored().filter((id) => id !== "bad"));

    // An edited row is read again: its trust policy now names EC2.
    const edited = createRole(2, "ec2.amazonaws.com");
    other.$client
      .prepare("UPDATE evidence_events SET raw = ? WHERE event_id = ?")
      .run(JSON.stringify(edited), edited.eventID);
    const trustOf = (id: unknown) =>
      JSON.stringify(loadClassifierFacts(db).evidence.find((r) => r.eventID === id)?.requestParameters);
    expect(trustOf(edited.eventID)).toContain("ec2.amazonaws.com");

    // Deleted rows vanish; after a VACUUM (which may renumber rowids) a new row is still found.
    db.$client.exec("DELETE FROM evidence_events WHERE event_id IN ('bad') OR raw LIKE '%role-1\"%'");
    expect(loaded()).toEqual(stored());
    db.$client.exec("VACUUM");
    insert(other, createRole(9));
    expect(loaded()).toEqual(stored());
    expect(loaded()).toHaveLength(8);

    // A delete the generation trigger does not see (a file restored from elsewhere, rows renumbered): the row
    // count disagrees with what was read, so the next read starts over.
    const trigger = db.$client
      .prepare("SELECT sql FROM sqlite_master WHERE name = 'evidence_events_generation_delete'")
      .pluck()
      .get() as string;
    db.$client.exec("DROP TRIGGER evidence_events_generation_delete");
    db.$client.exec("DELETE FROM evidence_events WHERE raw LIKE '%role-3\"%'");
    db.$client.exec(trigger);
    expect(loaded()).toEqual(stored());
    expect(loaded()).toHaveLength(7);
    db.$client.close();
    other.$client.close();
  });
});
