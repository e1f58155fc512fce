import { describe, expect, it } from "vitest";
import { memoryDb } from "../../test/support/db.js";
import { ingestRecords } from "../../test/support/ingest.js";
import { allowDocument, appRole, policyEvent, putRolePolicy } from "../../test/support/policy-events.js";
import { createStore } from "../db/store.js";
import { extractPolicyChanges } from "./policy-changes.js";

describe("extracting the trail's policy changes from stored evidence", () => {
  it("stores each change once, reading only evidence stored since the last run", async () => {
    const db = memoryDb();
    const store = createStore(db);
    await ingestRecords(db, [
      appRole.created(),
      appRole.dataPolicyPut(),
      // A failed call changed nothing.
      {
        ...putRolePolicy(
          "11111111-0000-4000-8000-000000000003",
          "2026-03-01T09:02:00Z",
          "app",
          "x",
          allowDocument("*"),
        ),
        errorCode: "MalformedPolicyDocument",
      },
    ]);
    expect(await extractPolicyChanges(store)).toEqual({ read: 2, changes: 2 });
    expect(await extractPolicyChanges(store)).toEqual({ read: 0, changes: 0 });
    await ingestRecords(db, [
      policyEvent("11111111-0000-4000-8000-000000000004", "2026-03-01T09:03:00Z", {
        source: "iam",
        name: "DeleteRolePolicy",
        params: { roleName: "app", policyName: "data" },
      }),
    ]);
    expect(await extractPolicyChanges(store)).toEqual({ read: 1, changes: 1 });
    expect(store.policies.changes().map((c) => `${c.event} ${c.subject}`)).toEqual([
      `iam:CreateRole ${appRole.arn}`,
      `iam:PutRolePolicy ${appRole.arn}`,
      `iam:DeleteRolePolicy ${appRole.arn}`,
    ]);
  });

  it("starts over when stored evidence is rewritten", async () => {
    const db = memoryDb();
    const store = createStore(db);
    await ingestRecords(db, [appRole.created(), appRole.dataPolicyPut()]);
    await extractPolicyChanges(store);
    db.$client.prepare("DELETE FROM evidence_events WHERE event_name = 'PutRolePolicy'").run();
    expect(await extractPolicyChanges(store)).toEqual({ read: 1, changes: 1 });
    expect(store.policies.changes().map((c) => c.event)).toEqual(["iam:CreateRole"]);
  });
});
