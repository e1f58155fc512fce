import { describe, expect, it } from "vitest";
import { plainRoleFacts } from "../../test/support/role-facts.js";
import { expandPattern } from "../policy/index.js";
import { type FindingInput, findingsFor } from "./report.findings.js";

/** Granted patterns as a role's policies write them, expanded as the report expands them. */
const grants = (patterns: string[]) =>
  patterns.map((pattern) => ({ pattern, actions: expandPattern(pattern) }));

const taskRole = (granted: string[]): FindingInput => ({
  ...plainRoleFacts,
  kinds: ["ecs-task"],
  used: [],
  granted: grants(granted),
});
const secretReads = (input: FindingInput) =>
  findingsFor(input).find((f) => f.code === "task-role-secret-reads");

describe("task-role-secret-reads", () => {
  it("flags a task role that reads secrets or parameters, with the KMS decrypt that goes with them", () => {
    expect(secretReads(taskRole(["secretsmanager:GetSecretValue", "kms:Decrypt"]))?.actions).toEqual([
      "kms:Decrypt",
      "secretsmanager:GetSecretValue",
    ]);
    expect(secretReads(taskRole(["ssm:GetParameters"]))?.actions).toEqual(["ssm:GetParameters"]);
  });

  it("does not flag kms:Decrypt alone: that is the application decrypting its own data (S3 SSE-KMS objects)", () => {
    expect(
      secretReads(taskRole(["kms:Decrypt", "s3:GetObject", "athena:StartQueryExecution"])),
    ).toBeUndefined();
  });
});

const BOTO = "Boto3/1.35.20 md/Botocore#1.35.20 ua/2.0 os/linux#5.10 lang/python#3.12.6";
const AGENT = "Amazon ECS Agent - v1.89.2 (a1b2c3d) (linux; amzn2) (+http://aws.amazon.com/ecs/)";
const actionsOf = (input: FindingInput, code: string) =>
  findingsFor(input).find((f) => f.code === code)?.actions;

describe("findings on facts the classifier and the explainer share", () => {
  it("flag logs:PutLogEvents with logs:CreateLogStream on a task role: both are the awslogs driver's", () => {
    const input = {
      ...plainRoleFacts,
      kinds: ["ecs-task" as const],
      used: [],
      granted: grants(["logs:CreateLogStream", "logs:PutLogEvents"]),
    };
    expect(actionsOf(input, "task-role-launch-permissions")).toEqual([
      "logs:CreateLogStream",
      "logs:PutLogEvents",
    ]);
  });

  it("count a call of kms:Decrypt as a launch secret read only when Secrets Manager or SSM made it", () => {
    const task = { ...plainRoleFacts, kinds: ["ecs-task" as const] };
    const read = { action: "secretsmanager:GetSecretValue", userAgent: BOTO };
    expect(
      actionsOf(
        { ...task, used: [read, { action: "kms:Decrypt", userAgent: BOTO }] },
        "task-role-secret-reads",
      ),
    ).toEqual(["secretsmanager:GetSecretValue"]);
    expect(
      actionsOf(
        { ...task, used: [read, { action: "kms:Decrypt", userAgent: "secretsmanager.amazonaws.com" }] },
        "task-role-secret-reads",
      ),
    ).toEqual(["kms:Decrypt", "secretsmanager:GetSecretValue"]);
  });

  it("take kms:Decrypt and ecs:CreateCluster by an SDK on an instance role for application code", () => {
    const host = { ...plainRoleFacts, kinds: ["ecs-container-instance" as const] };
    const used = [
      { action: "kms:Decrypt", userAgent: BOTO },
      { action: "ecs:CreateCluster", userAgent: BOTO },
      { action: "kms:Decrypt", userAgent: "ssm.amazonaws.com" },
      { action: "ecs:CreateCluster", userAgent: AGENT },
    ];
    expect(actionsOf({ ...host, used }, "instance-role-app-code")).toEqual([
      "ecs:CreateCluster",
      "kms:Decrypt",
    ]);
    expect(actionsOf({ ...host, used: used.slice(2) }, "instance-role-app-code")).toBe(undefined);
  });

  it("do not take a host agent's calls on an instance role for application code", () => {
    const host = { ...plainRoleFacts, kinds: ["ecs-container-instance" as const] };
    const used = [
      { action: "cloudwatch:PutMetricData", userAgent: "CloudWatchAgent/1.300032.2 (linux; amd64)" },
    ];
    expect(actionsOf({ ...host, used }, "instance-role-app-code")).toBe(undefined);
  });
});

describe("low-confidence-kind", () => {
  const lowKind = (input: FindingInput) => findingsFor(input).find((f) => f.code === "low-confidence-kind");

  it("warns when the leading kind rests on weak evidence, naming the kind and its confidence", () => {
    const f = lowKind({ ...plainRoleFacts, kinds: ["service-role"], confidence: 0.4, used: [] });
    expect(f?.severity).toBe("warning");
    expect(f?.detail).toContain("service-role with confidence 0.40");
    expect(lowKind({ ...plainRoleFacts, kinds: ["unknown"], confidence: 0, used: [] })?.detail).toContain(
      "Its kind is unknown.",
    );
  });

  it("says nothing at 0.5 and above, nor for a service-linked role (AWS names those)", () => {
    expect(lowKind({ ...plainRoleFacts, kinds: ["ecs-task"], confidence: 0.5, used: [] })).toBeUndefined();
    expect(
      lowKind({
        ...plainRoleFacts,
        serviceLinked: true,
        kinds: ["service-linked"],
        confidence: 0.2,
        used: [],
      }),
    ).toBeUndefined();
  });
});
