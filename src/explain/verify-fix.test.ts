import { describe, expect, it } from "vitest";
import {
  allowDocument,
  createRole,
  deniedPutItem,
  permissionsBoundary,
  policyViewOf,
} from "../../test/support/policy-events.js";
import { explainDenial, explainWithRule } from "./explain.js";
import type { Fix } from "./explanation.schema.js";
import { verifyFix, withVerdict } from "./verify-fix.js";

const at = "2026-03-01T09:00:00Z";
const app = createRole("e-1", at, "app");
const { events: boundary } = permissionsBoundary(
  "e-2",
  at,
  "app",
  "app-boundary",
  allowDocument("s3:GetObject"),
);
const putItem = deniedPutItem();

describe("verifying a fix in the policy model", () => {
  it("finds the proposed identity grant allowed when nothing else blocks", () => {
    const e = explainDenial(putItem, { policies: policyViewOf([app]) });
    expect(e.fix.policy).not.toBeNull();
    expect(e.fix.verified).toBe("allowed");
    expect(e.fix.summary).not.toMatch(/^This change alone/);
  });

  it("says the boundary still denies, and puts that before the fix's own summary", () => {
    const e = explainDenial(putItem, { policies: policyViewOf([app, ...boundary]) });
    expect(e.fix.verified).toBe(
      "still denied by the permissions boundary: no statement allows it in the permissions boundary",
    );
    expect(e.fix.summary).toMatch(
      /^This change alone does not make the call succeed in the policy model: it is still denied by the permissions boundary/,
    );
    expect(e.fix.reasoning.at(-1)).toMatch(/^This change alone/);
  });

  it("cannot judge a role the model never saw, and says what it lacks", () => {
    const e = explainDenial(putItem, { policies: policyViewOf([]) });
    expect(e.fix.verified).toBe(
      "unknown: identity: arn:aws:iam::111122223333:role/app was never imported or seen in the trail",
    );
  });

  it("gives no verdict without a model, and refuses a resource-policy statement without a Principal", () => {
    expect(explainDenial(putItem).fix.verified).toBeNull();
    const view = policyViewOf([app]);
    const { explanation, evaluation } = explainWithRule(putItem, { policies: view });
    if (!evaluation) throw new Error("no evaluation");
    // The identity grant names no Principal: as a resource-policy statement it cannot be held.
    const misplaced: Fix = { ...explanation.fix, target: "resource-policy", verified: null };
    expect(verifyFix(misplaced, evaluation, view)).toMatch(
      /^unknown: the fix's statement does not fit the resource \(/,
    );
    expect(withVerdict(misplaced, "allowed")).toEqual({ ...misplaced, verified: "allowed" });
  });

  it("will not judge a condition on a key the trail does not record and the call does not imply", () => {
    const view = policyViewOf([app]);
    const { explanation, evaluation } = explainWithRule(putItem, { policies: view });
    if (!evaluation || !explanation.fix.policy) throw new Error("no evaluation");
    const [statement] = explanation.fix.policy.Statement;
    const fenced: Fix = {
      ...explanation.fix,
      policy: {
        Version: "2012-10-17",
        Statement: [
          {
            ...statement,
            Effect: "Allow",
            Action: "dynamodb:PutItem",
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceVpc": "vpc-1" } },
          },
        ],
      },
    };
    expect(verifyFix(fenced, evaluation, view)).toBe(
      "unknown: the fix's condition needs aws:SourceVpc, which the trail does not record for this call",
    );
  });
});
