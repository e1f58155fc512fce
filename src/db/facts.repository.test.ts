import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { A, AGENT, EXEC, HOST, seedCatalogStore, T, USER } from "../../test/support/catalog-seed.js";
import { tempDir } from "../../test/support/db.js";
import { makeRecord } from "../../test/support/records.js";
import { type Db, openDb } from "./client.js";
import { createFactsReader } from "./facts.repository.js";
import { usageDaily } from "./schema.js";

/** No agent classes: these tests read the evidence, sessions and denials, not the usage facts. */
const noClasses = () => 0;

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

describe("evidence read by the facts reader", () => {
  it("matches the table after inserts, updates, deletes, a VACUUM, unseen deletes and another connection's writes", () => {
    const path = join(tempDir(), "evidence.db");
    const db = openDb({ path });
    const other = openDb({ path });
    // One reader per connection, as a store holds it: it keeps what it parsed between loads.
    const reader = createFactsReader(db);
    const insert = (into: typeof db, record: Record<string, unknown>) =>
      into.$client
        .prepare(
          `INSERT INTO evidence_events (event_id, event_time, account_id, region, event_source, event_name,
             principal_arn, role_arn, source, raw) VALUES (?, 0, '111122223333', 'eu-west-1', ?, ?, 'p', NULL, 'test', ?)`,
        )
        .run(record.eventID, record.eventSource, record.eventName, JSON.stringify(record));
    const loaded = () =>
      reader
        .loadFacts(noClasses)
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
      JSON.stringify(reader.loadFacts(noClasses).evidence.find((r) => r.eventID === id)?.requestParameters);
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

describe("loadObservations", () => {
  let db: Db;
  beforeEach(() => {
    db = openDb({ path: ":memory:" });
    seedCatalogStore(db);
  });

  it("folds usage over days per principal and API call, merging user agents", () => {
    const input = createFactsReader(db).loadObservations();
    const host = input.usage.find((u) => u.roleArn === HOST);
    expect(host).toEqual({
      roleArn: HOST,
      eventSource: "ecs.amazonaws.com",
      eventName: "SubmitTaskStateChange",
      calls: 10,
      firstSeen: T - 86_400_000,
      lastSeen: T + 60_000,
      userAgents: [AGENT, "aws-sdk-go/1.55.5"].sort(),
    });
    expect(input.usage.find((u) => u.roleArn === USER)?.calls).toBe(2);
  });

  it("parses evidence records and skips raw text that is not a record", () => {
    const input = createFactsReader(db).loadObservations();
    expect(input.evidence.map((e) => e.eventID)).toEqual(["ev-1"]);
    expect(input.sessions).toHaveLength(3);
    expect(input.denials).toEqual([
      expect.objectContaining({
        roleArn: EXEC,
        eventName: "BatchGetImage",
        sessionName: "5f1c0a9e3b7d4e2a8c6b1d0e9f8a7b6c",
      }),
    ]);
  });
});

const SDK = "aws-sdk-java/2.28.16 Linux/5.10 exec-env/AWS_ECS_FARGATE";

describe("loadObservations user agents (cached per distinct cell)", () => {
  it("gives every row the same user agents as parsing its own cells, in separate arrays", () => {
    const db = openDb({ path: ":memory:" });
    const row = (day: string, role: string, name: string, userAgents: string) =>
      db
        .insert(usageDaily)
        .values({
          day,
          principalArn: `arn:aws:iam::${A}:role/${role}`,
          principalType: "AssumedRole",
          roleArn: `arn:aws:iam::${A}:role/${role}`,
          accountId: A,
          eventSource: "s3.amazonaws.com",
          eventName: name,
          resource: "",
          calls: 1,
          errors: 0,
          firstSeen: 1,
          lastSeen: 2,
          userAgents,
        })
        .run();
    const one = JSON.stringify([SDK]);
    row("2026-11-16", "a", "GetObject", one);
    row("2026-11-16", "b", "GetObject", one);
    row("2026-11-16", "c", "GetObject", one);
    row("2026-11-17", "c", "GetObject", JSON.stringify([AGENT, SDK]));
    row("2026-11-16", "d", "PutObject", "not json");
    row("2026-11-16", "e", "PutObject", JSON.stringify([SDK, SDK, 42]));

    const byRole = new Map(
      createFactsReader(db)
        .loadObservations()
        .usage.map((u) => [u.roleArn.slice(u.roleArn.indexOf("/") + 1), u.userAgents]),
    );
    expect(byRole.get("a")).toEqual([SDK]);
    expect(byRole.get("b")).toEqual([SDK]);
    expect(byRole.get("c")).toEqual([AGENT, SDK]);
    expect(byRole.get("d")).toEqual([]);
    expect(byRole.get("e")).toEqual([SDK]);
    // Rows sharing a cached cell must not share an array: a caller changing one must not change the other.
    expect(byRole.get("a")).not.toBe(byRole.get("b"));
    db.$client.close();
  });
});
