import { describe, expect, it } from "vitest";
import type { CloudTrailRecord } from "../../src/cloudtrail/record.js";
import { policyChangeEventOf, policyChangesFrom } from "../../src/policy/trail/policy-changes.js";
import { datasets, datasetsPresent, readDatasetRecords } from "../support/datasets.js";

/** The policy events of the shared datasets, read as the model reads them. */
describe.skipIf(!datasetsPresent)(`policy events of the shared datasets (${datasets})`, () => {
  const records = (datasetsPresent ? readDatasetRecords() : []) as CloudTrailRecord[];
  const policyEvents = records.filter(
    (r) => typeof r?.eventSource === "string" && policyChangeEventOf(r) !== undefined && !r.errorCode,
  );

  it("finds the IAM, S3, Lambda and ECR policy events the datasets hold", () => {
    const names = new Set(policyEvents.map((r) => policyChangeEventOf(r)));
    for (const name of [
      "iam:PutRolePolicy",
      "iam:CreateRole",
      "iam:AttachRolePolicy",
      "s3:PutBucketPolicy",
      "lambda:AddPermission",
    ])
      expect(names, name).toContain(name);
    expect(policyEvents.length).toBeGreaterThan(60);
  });

  it("names a subject for every event that carries its request parameters, with the event's time", () => {
    for (const r of policyEvents) {
      if (r.requestParameters === null || r.requestParameters === undefined) continue;
      const changes = policyChangesFrom(r);
      // SetQueueAttributes without a Policy attribute and SNS attribute changes other than Policy change nothing.
      if (changes.length === 0) continue;
      for (const c of changes) {
        expect(c.at).toBe(r.eventTime);
        expect(c.eventId).toBe(r.eventID);
        const subject = c.subjectType === "org-policy" ? c.subject.id : c.subject.arn;
        expect(subject, `${r.eventName} ${JSON.stringify(r.requestParameters)}`).toMatch(
          /^(arn:aws[\w-]*:|p-)/,
        );
      }
    }
  });

  it("reads every IAM document of the real lab account (invictus-ir) as a valid policy", () => {
    const iam = policyEvents.filter(
      (r) => r.eventSource === "iam.amazonaws.com" && r.recipientAccountId === "123837392027",
    );
    expect(iam.length).toBeGreaterThan(10);
    for (const c of iam.flatMap((r) => policyChangesFrom(r))) {
      const content = "content" in c ? c.content : "trust" in c ? c.trust : undefined;
      if (content && "state" in content) expect(content.state, `${c.event} ${c.eventId}`).toBe("known");
    }
  });
});

describe.skipIf(datasetsPresent)("policy events of the shared datasets", () => {
  it.skip(`skipped: ${datasets} is absent (clone the shared datasets next to the repository)`, () => {});
});
