import { describe, expect, it } from "vitest";
import { kindFromArn } from "../classify/arn-kind.js";
import { extractPrincipal } from "../cloudtrail/principal.js";
import type { CloudTrailRecord } from "../cloudtrail/record.js";
import { kindFromTrail } from "./kind-from-trail.js";

const A = "123456789012";

function denied(arn: string, extra: Partial<CloudTrailRecord> = {}): CloudTrailRecord {
  return {
    eventID: "e",
    eventTime: "2026-03-01T10:00:00Z",
    eventSource: "s3.amazonaws.com",
    eventName: "GetObject",
    userIdentity: { type: "AssumedRole", arn, accountId: A },
    ...extra,
  };
}

describe("kindFromTrail", () => {
  it("reads the ARN as kindFromArn does when the event adds nothing", () => {
    for (const arn of [
      `arn:aws:sts::${A}:assumed-role/web-task-role/0123456789abcdef0123456789abcdef`,
      `arn:aws:sts::${A}:assumed-role/app/0b5f7e2c-6d0a-4a5e-9d3c-1f2e3d4c5b6a`,
      `arn:aws:sts::${A}:assumed-role/resize-role-ab12cd34/resize`,
      `arn:aws:sts::${A}:assumed-role/node-role/i-0123456789abcdef0`,
      `arn:aws:sts::${A}:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/jane@example.com`,
      `arn:aws:sts::${A}:assumed-role/deployer/botocore-session-1700000000`,
    ]) {
      const record = denied(arn);
      const { kind, confidence } = kindFromArn(arn);
      expect(kindFromTrail(record, extractPrincipal(record), "s3:GetObject"), arn).toEqual({
        kind,
        confidence,
      });
    }
  });

  it("reads the issuer's path, which the session ARN leaves out", () => {
    const record = denied(`arn:aws:sts::${A}:assumed-role/REDACTED/jane`, {
      userIdentity: {
        type: "AssumedRole",
        arn: `arn:aws:sts::${A}:assumed-role/REDACTED/jane`,
        accountId: A,
        sessionContext: {
          sessionIssuer: {
            type: "Role",
            arn: `arn:aws:iam::${A}:role/aws-reserved/sso.amazonaws.com/eu-west-1/REDACTED`,
          },
        },
      },
    });
    expect(kindFromTrail(record, extractPrincipal(record), "s3:GetObject").kind).toBe("sso");
  });

  it("sharpens the ARN's reading with what the event shows", () => {
    const instance = `arn:aws:sts::${A}:assumed-role/node-role/i-0123456789abcdef0`;
    const agent = denied(instance, {
      userAgent: "Amazon ECS Agent - v1.89.2 (a1b2c3d) (linux; amzn2) (+http://aws.amazon.com/ecs/)",
    });
    expect(kindFromTrail(agent, extractPrincipal(agent), "ecs:RegisterContainerInstance")).toEqual({
      kind: "ecs-container-instance",
      confidence: 0.8,
    });
    const lambda = denied(`arn:aws:sts::${A}:assumed-role/orders/handler`, {
      userAgent: "Boto3/1.34.1 md/Botocore#1.34.1 ua/2.0 exec-env/AWS_Lambda_python3.12",
    });
    expect(kindFromTrail(lambda, extractPrincipal(lambda), "s3:GetObject").kind).toBe("lambda");
  });
});
