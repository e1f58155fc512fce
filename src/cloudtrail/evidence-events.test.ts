import { describe, expect, it } from "vitest";
import {
  evidenceEventNames,
  evidenceEventOf,
  evidenceEvents,
  evidenceEventsReadBy,
  isEvidence,
  policyEvidenceEvents,
} from "./evidence-events.js";
import { extractPrincipal } from "./principal.js";
import type { CloudTrailRecord } from "./record.js";

const record = (
  eventSource: string,
  eventName: string,
  extra: Partial<CloudTrailRecord> = {},
): CloudTrailRecord => ({
  eventID: "e",
  eventTime: "2026-11-16T09:00:00Z",
  eventSource,
  eventName,
  userIdentity: { type: "AssumedRole", arn: "arn:aws:sts::111122223333:assumed-role/deployer/ci" },
  ...extra,
});
const evidence = (r: CloudTrailRecord) => isEvidence(r, extractPrincipal(r));

describe("the evidence-event list", () => {
  it("names each event once, as <service>:<eventName>, with who reads it", () => {
    expect(new Set(evidenceEventNames).size).toBe(evidenceEventNames.length);
    for (const name of evidenceEventNames) {
      expect(name).toMatch(/^[a-z0-9-]+:[A-Z][A-Za-z]+$/);
      expect(evidenceEvents[name].says.length).toBeGreaterThan(5);
    }
    expect(evidenceEventsReadBy("classify")).toContain("ecs:RegisterTaskDefinition");
    // The report reads task definitions and ECS Exec switches; what roles are granted it reads from the policy model.
    expect(evidenceEventsReadBy("report")).toContain("ecs:RegisterTaskDefinition");
    expect(evidenceEventsReadBy("policy")).toContain("iam:PutRolePolicy");
  });

  it("keeps successful evidence events only, and a service's AssumeRole only", () => {
    expect(evidence(record("ecs.amazonaws.com", "RegisterTaskDefinition"))).toBe(true);
    expect(
      evidence(record("ecs.amazonaws.com", "RegisterTaskDefinition", { errorCode: "ClientException" })),
    ).toBe(false);
    expect(evidence(record("ecs.amazonaws.com", "DescribeTasks"))).toBe(false);
    expect(evidence(record("sts.amazonaws.com", "AssumeRole"))).toBe(false);
    expect(
      evidence(
        record("sts.amazonaws.com", "AssumeRole", {
          userIdentity: { type: "AWSService", invokedBy: "ecs-tasks.amazonaws.com" },
        }),
      ),
    ).toBe(true);
  });

  it("keeps every successful policy event raw, Lambda's with their API-version suffix", () => {
    const user = {
      userIdentity: {
        type: "IAMUser",
        arn: "arn:aws:iam::111122223333:user/admin",
        accountId: "111122223333",
      },
    };
    expect(evidence(record("organizations.amazonaws.com", "AttachPolicy", user))).toBe(true);
    expect(evidence(record("s3.amazonaws.com", "PutBucketPolicy", user))).toBe(true);
    expect(evidence(record("lambda.amazonaws.com", "AddPermission20150331v2", user))).toBe(true);
    expect(evidence(record("lambda.amazonaws.com", "RemovePermission", user))).toBe(true);
    expect(evidence(record("lambda.amazonaws.com", "CreateFunction20150331", user))).toBe(true);
    expect(evidence(record("lambda.amazonaws.com", "Invoke", user))).toBe(false);
    expect(
      evidence(record("s3.amazonaws.com", "PutBucketPolicy", { ...user, errorCode: "AccessDenied" })),
    ).toBe(false);
    for (const event of policyEvidenceEvents) expect(evidenceEventNames).toContain(event);
  });

  it("reads Lambda's versioned event names as their evidence event, and nothing else under their prefix", () => {
    expect(evidenceEventOf(record("lambda.amazonaws.com", "CreateFunction20150331"))).toBe(
      "lambda:CreateFunction",
    );
    expect(evidenceEventOf(record("lambda.amazonaws.com", "UpdateFunctionConfiguration20150331v2"))).toBe(
      "lambda:UpdateFunctionConfiguration",
    );
    expect(evidenceEventOf(record("lambda.amazonaws.com", "CreateFunction"))).toBe("lambda:CreateFunction");
    expect(evidenceEventOf(record("lambda.amazonaws.com", "CreateFunctionUrlConfig20211031"))).toBeNull();
  });
});
