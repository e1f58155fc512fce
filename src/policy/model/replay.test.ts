import { describe, expect, it } from "vitest";
import { ACCOUNT, allowDocument, putRolePolicy } from "../../../test/support/policy-events.js";
import type { AccountSnapshot } from "../imports/account-snapshot.js";
import { policyChangesFrom } from "../trail/policy-changes.js";
import { known } from "./policy-content.js";
import { type PolicyHistoryEntry, replayHistory } from "./replay.js";

const roleArn = `arn:aws:iam::${ACCOUNT}:role/app`;

/** An IAM import listing the role `app` with one inline policy, `listed`. */
function iamImport(at: string, ref: string): PolicyHistoryEntry {
  const snapshot: AccountSnapshot = {
    accounts: [ACCOUNT],
    principals: [
      {
        type: "role",
        arn: roleArn,
        name: "app",
        path: "/",
        account: ACCOUNT,
        inlinePolicies: [{ name: "listed", content: known(allowDocument("s3:GetObject")) }],
        attachedPolicyArns: [],
        tags: {},
      },
    ],
    policies: [],
  };
  return { type: "import", entry: { kind: "iam", snapshot, from: { source: "iam-import", at, ref } } };
}

const change = (id: string, at: string, policyName: string): PolicyHistoryEntry[] =>
  policyChangesFrom(putRolePolicy(id, at, "app", policyName, allowDocument("sqs:SendMessage"))).map((c) => ({
    type: "change",
    change: c,
  }));

const inlineNames = (entries: PolicyHistoryEntry[]) =>
  Object.keys(replayHistory(entries).principals[roleArn]?.inlinePolicies ?? {}).sort();

describe("replaying the policy history", () => {
  it("keeps a trail change newer than an import, whichever order they are given in", () => {
    const older = iamImport("2026-03-01T00:00:00Z", "old.json");
    const newer = change("e1", "2026-03-02T00:00:00Z", "added-later");
    expect(inlineNames([older, ...newer])).toEqual(["added-later", "listed"]);
    // Stored in another order (an import run after the change was ingested): same model.
    expect(inlineNames([...newer, older])).toEqual(["added-later", "listed"]);
  });

  it("skips a trail change an import captured after it already holds", () => {
    const early = change("e1", "2026-03-01T00:00:00Z", "removed-since");
    const later = iamImport("2026-03-02T00:00:00Z", "new.json");
    expect(inlineNames([...early, later])).toEqual(["listed"]);
    const model = replayHistory([later, ...early]);
    expect(model.principals[roleArn]).toMatchObject({ complete: true, snapshotAt: "2026-03-02T00:00:00Z" });
    expect(model.imports).toEqual([{ source: "iam-import", at: "2026-03-02T00:00:00Z", ref: "new.json" }]);
  });

  it("applies a change made at the instant of the capture over the import", () => {
    const at = "2026-03-01T00:00:00Z";
    expect(inlineNames([...change("e1", at, "same-instant"), iamImport(at, "x.json")])).toEqual([
      "listed",
      "same-instant",
    ]);
  });

  it("records an organisation marked as none", () => {
    const model = replayHistory([
      {
        type: "import",
        entry: {
          kind: "org-none",
          from: { source: "org-import", at: "2026-01-01T00:00:00Z", ref: "--none" },
        },
      },
    ]);
    expect(model.org.state).toBe("none");
  });
});
