import { describe, expect, it } from "vitest";
import { memoryDb } from "../../test/support/db.js";
import { ingestRecords } from "../../test/support/ingest.js";
import { ACCOUNT, allowDocument, createRole, putRolePolicy } from "../../test/support/policy-events.js";
import { createStore } from "../db/store.js";
import { extractPolicyChanges } from "./policy-changes.js";
import { currentPolicies } from "./policy-model.js";

const roleArn = `arn:aws:iam::${ACCOUNT}:role/app`;

describe("the policy model of a store", () => {
  it("is kept until the store changes, then brought up to date with new changes", async () => {
    const db = memoryDb();
    const store = createStore(db);
    await ingestRecords(db, [
      createRole("11111111-0000-4000-8000-000000000001", "2026-03-01T09:00:00Z", "app"),
    ]);
    await extractPolicyChanges(store);
    const first = currentPolicies(store);
    expect(currentPolicies(store)).toBe(first);
    const model = first.model;
    await ingestRecords(db, [
      putRolePolicy(
        "11111111-0000-4000-8000-000000000002",
        "2026-03-01T09:01:00Z",
        "app",
        "data",
        allowDocument("s3:GetObject"),
      ),
    ]);
    await extractPolicyChanges(store);
    const second = currentPolicies(store);
    // A newer change is applied to the model held (not replayed from scratch).
    expect(second.model).toBe(model);
    expect(Object.keys(second.model.principals[roleArn]?.inlinePolicies ?? {})).toEqual(["data"]);
  });

  it("replays the history when an older change or an import arrives, so neither overwrites newer changes", async () => {
    const db = memoryDb();
    const store = createStore(db);
    await ingestRecords(db, [
      putRolePolicy(
        "11111111-0000-4000-8000-000000000002",
        "2026-03-01T09:01:00Z",
        "app",
        "data",
        allowDocument("s3:GetObject"),
      ),
    ]);
    await extractPolicyChanges(store);
    const model = currentPolicies(store).model;
    // CreateRole from before the PutRolePolicy, ingested later (a backfill): applied first, the put still holds.
    await ingestRecords(db, [
      createRole("11111111-0000-4000-8000-000000000001", "2026-03-01T09:00:00Z", "app"),
    ]);
    await extractPolicyChanges(store);
    const replayed = currentPolicies(store);
    expect(replayed.model).not.toBe(model);
    expect(replayed.model.principals[roleArn]).toMatchObject({
      complete: true,
      inlinePolicies: { data: {} },
    });
  });
});
