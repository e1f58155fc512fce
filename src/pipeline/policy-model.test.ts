import { describe, expect, it } from "vitest";
import { memoryDb } from "../../test/support/db.js";
import { ingestRecords } from "../../test/support/ingest.js";
import { appRole } from "../../test/support/policy-events.js";
import { createStore } from "../db/store.js";
import { extractPolicyChanges } from "./policy-changes.js";
import { currentPolicies } from "./policy-model.js";

describe("the policy model of a store", () => {
  it("is kept until the store changes, then brought up to date with new changes", async () => {
    const db = memoryDb();
    const store = createStore(db);
    await ingestRecords(db, [appRole.created()]);
    await extractPolicyChanges(store);
    const first = currentPolicies(store);
    expect(currentPolicies(store)).toBe(first);
    const model = first.model;
    await ingestRecords(db, [appRole.dataPolicyPut()]);
    await extractPolicyChanges(store);
    const second = currentPolicies(store);
    // A newer change is applied to the model held (not replayed from scratch).
    expect(second.model).toBe(model);
    expect(Object.keys(second.model.principals[appRole.arn]?.inlinePolicies ?? {})).toEqual(["data"]);
  });

  it("replays the history when an older change or an import arrives, so neither overwrites newer changes", async () => {
    const db = memoryDb();
    const store = createStore(db);
    await ingestRecords(db, [appRole.dataPolicyPut()]);
    await extractPolicyChanges(store);
    const model = currentPolicies(store).model;
    // CreateRole from before the PutRolePolicy, ingested later (a backfill): applied first, the put still holds.
    await ingestRecords(db, [appRole.created()]);
    await extractPolicyChanges(store);
    const replayed = currentPolicies(store);
    expect(replayed.model).not.toBe(model);
    expect(replayed.model.principals[appRole.arn]).toMatchObject({
      complete: true,
      inlinePolicies: { data: {} },
    });
  });
});
