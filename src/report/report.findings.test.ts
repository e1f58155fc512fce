import { describe, expect, it } from "vitest";
import { type FindingInput, findingsFor } from "./report.findings.js";

const taskRole = (granted: string[]): FindingInput => ({
  kinds: ["ecs-task"],
  serviceLinked: false,
  dualUse: false,
  used: [],
  denied: [],
  granted,
  unusedPatterns: [],
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
