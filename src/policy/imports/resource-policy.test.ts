import { describe, expect, it } from "vitest";
import { PolicyImportError } from "./import.errors.js";
import { parseResourcePolicy, resourceTypeOf } from "./resource-policy.js";

const policy = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: "*" }],
};

describe("resource policy import", () => {
  it("classifies the ARNs whose policies the model holds", () => {
    const cases: [string, string | undefined][] = [
      ["arn:aws:s3:::my-bucket", "s3-bucket"],
      ["arn:aws:s3:::my-bucket/key", undefined],
      ["arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "kms-key"],
      ["arn:aws:sqs:eu-west-1:111122223333:orders.fifo", "sqs-queue"],
      ["arn:aws:sns:eu-west-1:111122223333:alerts", "sns-topic"],
      ["arn:aws:ecr:eu-west-1:111122223333:repository/team/api", "ecr-repository"],
      ["arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf", "secretsmanager-secret"],
      ["arn:aws:lambda:eu-west-1:111122223333:function:api:live", "lambda-function"],
      ["arn:aws-cn:iam::111122223333:role/deploy", "iam-role"],
      ["arn:aws:dynamodb:eu-west-1:111122223333:table/t", undefined],
    ];
    for (const [arn, type] of cases) expect(resourceTypeOf(arn), arn).toBe(type);
  });

  it("reads a plain document and each service command's output", () => {
    const arn = "arn:aws:sqs:eu-west-1:111122223333:orders";
    const text = JSON.stringify(policy);
    const outputs = [
      policy,
      { Attributes: { Policy: text } },
      { Policy: text, PolicyName: "default" },
      { policyText: text, repositoryName: "r", registryId: "111122223333" },
      { ARN: "x", Name: "db", ResourcePolicy: text },
      { Role: { RoleName: "r", AssumeRolePolicyDocument: policy } },
    ];
    for (const output of outputs)
      expect(parseResourcePolicy(arn, JSON.stringify(output))).toEqual({
        arn,
        type: "sqs-queue",
        account: "111122223333",
        content: { state: "known", document: policy },
      });
    expect(parseResourcePolicy("arn:aws:s3:::b", text, "444455556666").account).toBe("444455556666");
  });

  it("refuses an ARN of another kind, text that is not JSON, or an invalid policy, with one code", () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error instanceof PolicyImportError ? error.code : "other";
      }
      return "accepted";
    };
    expect(code(() => parseResourcePolicy("arn:aws:dynamodb:eu-west-1:111122223333:table/t", "{}"))).toBe(
      "import.invalid_resource_policy",
    );
    expect(code(() => parseResourcePolicy("arn:aws:s3:::b", "{oops"))).toBe("import.invalid_resource_policy");
    expect(
      code(() => parseResourcePolicy("arn:aws:s3:::b", JSON.stringify({ Statement: [{ Effect: "Maybe" }] }))),
    ).toBe("import.invalid_resource_policy");
  });
});
