import { describe, expect, it } from "vitest";
import {
  fixResource,
  foldLogStream,
  foldS3Key,
  generaliseResource,
  primaryResource,
  resourcePattern,
  s3BucketOf,
  usageResource,
} from "./resource.js";

describe("resourcePattern", () => {
  it.each([
    [
      "arn:aws:logs:us-east-1:1:log-group:/ecs/web:log-stream:ecs/web/abc",
      "arn:aws:logs:us-east-1:1:log-group:/ecs/web:log-stream:*",
    ],
    [`arn:aws:ecs:us-east-1:1:task/prod/${"a".repeat(32)}`, "arn:aws:ecs:us-east-1:1:task/prod/*"],
    ["arn:aws:ec2:us-east-1:1:instance/i-0123456789abcdef0", "arn:aws:ec2:us-east-1:1:instance/*"],
    [
      "arn:aws:ecs:us-east-1:1:container-instance/prod/0123-abcd",
      "arn:aws:ecs:us-east-1:1:container-instance/prod/*",
    ],
    ["arn:aws:s3:::bucket/a/b/c.csv", "arn:aws:s3:::bucket/a/b/*"],
    ["arn:aws:dynamodb:us-east-1:1:table/orders", "arn:aws:dynamodb:us-east-1:1:table/orders"],
    [null, ""],
  ])("%s → %s", (resource, pattern) => {
    expect(resourcePattern(resource)).toBe(pattern);
  });
});

describe("one folding for usage rows, incidents and policies", () => {
  it("folds S3 keys to their folder in every partition (usage rows folded only aws before)", () => {
    for (const p of ["aws", "aws-cn", "aws-us-gov"]) {
      expect(usageResource(`arn:${p}:s3:::bucket/a/b/c.csv`)).toBe(`arn:${p}:s3:::bucket/a/b/*`);
      expect(resourcePattern(`arn:${p}:s3:::bucket/a/b/c.csv`)).toBe(`arn:${p}:s3:::bucket/a/b/*`);
      expect(generaliseResource(`arn:${p}:s3:::bucket/out/2026-11-16/x.pdf`)).toBe(
        `arn:${p}:s3:::bucket/out/*`,
      );
    }
    expect(foldS3Key("arn:aws:s3:::bucket/top.csv")).toBe("arn:aws:s3:::bucket/*");
    expect(foldS3Key("arn:aws:s3:::bucket")).toBe("arn:aws:s3:::bucket");
    expect(usageResource(null)).toBe("");
  });

  it("widens container-instance IDs in policies as incidents do (the policy kept the one instance before)", () => {
    const ci = "arn:aws:ecs:eu-west-1:111122223333:container-instance/main/0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    expect(resourcePattern(ci)).toBe("arn:aws:ecs:eu-west-1:111122223333:container-instance/main/*");
    expect(generaliseResource(ci)).toBe("arn:aws:ecs:eu-west-1:111122223333:container-instance/main/*");
  });

  it("keeps in incidents what is stable per resource, and widens it in policies", () => {
    const secret = "arn:aws:secretsmanager:eu-west-1:1:secret:checkout/db-password-Q1w2E3";
    expect(resourcePattern(secret)).toBe(secret);
    expect(generaliseResource(secret)).toBe(
      "arn:aws:secretsmanager:eu-west-1:1:secret:checkout/db-password-??????",
    );
    expect(foldLogStream("arn:aws:logs:us-east-1:1:log-group:/ecs/web:log-stream:ecs/web/abc")).toBe(
      "arn:aws:logs:us-east-1:1:log-group:/ecs/web:log-stream:*",
    );
  });

  it("names the bucket of an S3 ARN in any partition", () => {
    expect(s3BucketOf("arn:aws-cn:s3:::reports/2026/x.csv")).toBe("reports");
    expect(s3BucketOf("arn:aws:s3:::reports")).toBe("reports");
    expect(s3BucketOf("arn:aws:sqs:us-east-1:1:reports")).toBeUndefined();
  });
});

describe("usage rows fold names that change from call to call", () => {
  it.each([
    // Log streams to their group (one per task or Lambda instance).
    [
      "arn:aws:logs:eu-west-1:1:log-group:/ecs/web:log-stream:ecs/app/0123456789abcdef0123456789abcdef",
      "arn:aws:logs:eu-west-1:1:log-group:/ecs/web:log-stream:*",
    ],
    [
      "arn:aws:logs:eu-west-1:1:log-group:/aws/lambda/fn:log-stream:2026/11/16/[$LATEST]0123abcd",
      "arn:aws:logs:eu-west-1:1:log-group:/aws/lambda/fn:log-stream:*",
    ],
    // Task IDs to a pattern.
    [`arn:aws:ecs:eu-west-1:1:task/prod/${"c".repeat(32)}`, "arn:aws:ecs:eu-west-1:1:task/prod/*"],
    // Date-stamped names, with or without separators; the account and region are never taken for dates.
    [
      "arn:aws:dynamodb:eu-west-1:201611160000:table/events-20261116-5",
      "arn:aws:dynamodb:eu-west-1:201611160000:table/events-*-5",
    ],
    [
      "arn:aws:ssm:eu-west-1:1:parameter/jobs/2026-11-16/config",
      "arn:aws:ssm:eu-west-1:1:parameter/jobs/*/config",
    ],
    ["arn:aws:s3:::exports/daily/2026/11/16/part-1.csv", "arn:aws:s3:::exports/daily/*/*"],
    // Not dates: a 13th month, a longer number, a version.
    ["arn:aws:dynamodb:eu-west-1:1:table/t-20261316", "arn:aws:dynamodb:eu-west-1:1:table/t-20261316"],
    ["arn:aws:sqs:eu-west-1:1:q-1202611160", "arn:aws:sqs:eu-west-1:1:q-1202611160"],
    ["arn:aws:lambda:eu-west-1:1:function:fn:12", "arn:aws:lambda:eu-west-1:1:function:fn:12"],
    ["", ""],
  ])("%s → %s", (resource, folded) => {
    expect(usageResource(resource)).toBe(folded);
  });

  it("keys a KMS call by its key whatever the per-object encryption context", () => {
    const key = "arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0";
    const resources = ["a/1.csv", "b/2.csv"].map((object) =>
      usageResource(
        primaryResource({
          eventSource: "kms.amazonaws.com",
          awsRegion: "eu-west-1",
          recipientAccountId: "111122223333",
          requestParameters: {
            encryptionAlgorithm: "SYMMETRIC_DEFAULT",
            encryptionContext: { "aws:s3:arn": `arn:aws:s3:::data/${object}` },
          },
          resources: [{ accountId: "111122223333", type: "AWS::KMS::Key", ARN: key }],
        }),
      ),
    );
    expect(resources).toEqual([key, key]);
  });
});

describe("a fix's resource: widened only where names rotate", () => {
  const b = "arn:aws:s3:::acme-exports";
  it("keeps a dated key's prefix and the date's shape, and takes every key under it", () => {
    expect(fixResource(`${b}/exports/2026/11/29/file.csv`)).toBe(`${b}/exports/????/??/??/*`);
    expect(fixResource(`${b}/exports/2026-11-29/file.csv`)).toBe(`${b}/exports/????-??-??/*`);
    expect(fixResource(`${b}/exports/year=2026/month=11/day=29/part-0.parquet`)).toBe(
      `${b}/exports/year=*/month=*/day=*/*`,
    );
    expect(fixResource(`${b}/exports/report-20261129.csv`)).toBe(`${b}/exports/report-*.csv`);
  });

  it("widens log streams, task IDs and a secret's suffix", () => {
    const group = "arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/web";
    expect(fixResource(`${group}:log-stream:ecs/web/85ab7e8051a37b684d93a06c3d0a4f5a`)).toBe(
      `${group}:log-stream:*`,
    );
    expect(fixResource("arn:aws:ecs:eu-west-1:111122223333:task/main/85ab7e8051a37b684d93a06c3d0a4f5a")).toBe(
      "arn:aws:ecs:eu-west-1:111122223333:task/main/*",
    );
    expect(fixResource("arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbCdEf")).toBe(
      "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-??????",
    );
  });

  it("never widens beyond the evidence: a key that does not rotate, a bucket, an account, a date at the top", () => {
    expect(fixResource(`${b}/config/app.json`)).toBe(`${b}/config/app.json`);
    expect(fixResource(`${b}/app.json`)).toBe(`${b}/app.json`);
    expect(fixResource(b)).toBe(b);
    // A date at the top of the key keeps its shape: never `bucket/*`.
    expect(fixResource(`${b}/2026/11/29/file.csv`)).toBe(`${b}/????/??/??/*`);
    // The account and region fields hold digits that look like nothing rotating: untouched.
    expect(fixResource("arn:aws:dynamodb:eu-west-1:202611290000:table/orders")).toBe(
      "arn:aws:dynamodb:eu-west-1:202611290000:table/orders",
    );
  });
});
