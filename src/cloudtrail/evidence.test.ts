import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { evidenceEventNames, isEvidence, policyEvidenceEvents } from "./evidence.js";
import { extractPrincipal } from "./principal.js";
import type { CloudTrailRecord } from "./record.js";

const record = (eventSource: string, eventName: string, errorCode?: string): CloudTrailRecord => ({
  eventID: "e",
  eventTime: "2026-03-01T00:00:00Z",
  eventSource,
  eventName,
  userIdentity: { type: "IAMUser", arn: "arn:aws:iam::111122223333:user/admin", accountId: "111122223333" },
  ...(errorCode ? { errorCode } : {}),
});
const evidence = (r: CloudTrailRecord) => isEvidence(r, extractPrincipal(r));

describe("policy-model events are evidence", () => {
  it("keeps every successful policy event raw, Lambda's with their API-version suffix", () => {
    expect(evidence(record("organizations.amazonaws.com", "AttachPolicy"))).toBe(true);
    expect(evidence(record("s3.amazonaws.com", "PutBucketPolicy"))).toBe(true);
    expect(evidence(record("lambda.amazonaws.com", "AddPermission20150331v2"))).toBe(true);
    expect(evidence(record("lambda.amazonaws.com", "RemovePermission"))).toBe(true);
    expect(evidence(record("lambda.amazonaws.com", "CreateFunction20150331"))).toBe(true);
    expect(evidence(record("lambda.amazonaws.com", "Invoke"))).toBe(false);
    expect(evidence(record("s3.amazonaws.com", "PutBucketPolicy", "AccessDenied"))).toBe(false);
    for (const event of policyEvidenceEvents) expect(evidenceEventNames).toContain(event);
  });

  it("is the list the Athena evidence query selects", () => {
    const sql = readFileSync(new URL("../../queries/evidence.sql", import.meta.url), "utf8");
    for (const event of policyEvidenceEvents) {
      if (event.startsWith("lambda:")) expect(sql).toContain(event.slice("lambda:".length));
      else expect(sql, event).toContain(`'${event}'`);
    }
  });
});
