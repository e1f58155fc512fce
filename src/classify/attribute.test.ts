import { describe, expect, it } from "vitest";
import { attributeCall } from "./attribute.js";
import type { KindAssessment, RoleCatalogEntry, RoleKind } from "./kinds.js";

const AGENT = "Amazon ECS Agent - v1.89.2 (a1b2c3d) (linux; amzn2) (+http://aws.amazon.com/ecs/)";
const BOTO = "Boto3/1.35.20 md/Botocore#1.35.20 ua/2.0 os/linux#5.10 lang/python#3.12.6";

function entry(kinds: RoleKind[]): RoleCatalogEntry {
  const assessments: KindAssessment[] = kinds.map((kind) => ({ kind, confidence: 0.9, evidence: [] }));
  return {
    roleArn: "arn:aws:iam::111122223333:role/r",
    accountId: "111122223333",
    roleName: "r",
    kinds: assessments,
    dualUse: kinds.includes("ecs-task") && kinds.includes("ecs-task-execution"),
    firstSeen: null,
    lastSeen: null,
  };
}

const dual = entry(["ecs-task", "ecs-task-execution"]);

describe("attributeCall on a dual-use role", () => {
  it.each([
    ["ecr.amazonaws.com", "BatchGetImage", "containerd/1.7.22", "ecs-task-execution"],
    ["ecr.amazonaws.com", "GetAuthorizationToken", null, "ecs-task-execution"],
    ["logs.amazonaws.com", "CreateLogStream", null, "ecs-task-execution"],
    ["secretsmanager.amazonaws.com", "GetSecretValue", null, "ecs-task-execution"],
    ["ssm.amazonaws.com", "GetParameters", AGENT, "ecs-task-execution"],
    ["kms.amazonaws.com", "Decrypt", "secretsmanager.amazonaws.com", "ecs-task-execution"],
    // The application's own decrypt: only Secrets Manager or SSM decrypt for a launch.
    ["kms.amazonaws.com", "Decrypt", BOTO, "ecs-task"],
    ["s3.amazonaws.com", "PutObject", BOTO, "ecs-task"],
    ["dynamodb.amazonaws.com", "Query", BOTO, "ecs-task"],
    ["ecs.amazonaws.com", "UpdateTaskProtection", AGENT, "ecs-task"],
  ] as const)("%s %s with %s acted as %s", (eventSource, eventName, userAgent, kind) => {
    expect(attributeCall(dual, { eventSource, eventName, userAgent })).toBe(kind);
  });
});

describe("attributeCall on single-kind roles", () => {
  it("returns the leading kind whatever the call", () => {
    const exec = entry(["ecs-task-execution"]);
    expect(
      attributeCall(exec, { eventSource: "s3.amazonaws.com", eventName: "GetObject", userAgent: BOTO }),
    ).toBe("ecs-task-execution");
    const host = entry(["ecs-container-instance"]);
    expect(
      attributeCall(host, { eventSource: "dynamodb.amazonaws.com", eventName: "Query", userAgent: BOTO }),
    ).toBe("ecs-container-instance");
  });

  it("returns unknown for an entry without kinds", () => {
    expect(
      attributeCall(entry([]), { eventSource: "s3.amazonaws.com", eventName: "GetObject", userAgent: null }),
    ).toBe("unknown");
  });
});
