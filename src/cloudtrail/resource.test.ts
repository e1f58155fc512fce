import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  foldLogStream,
  foldS3Key,
  generaliseResource,
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

  it("folds usage rows as the Athena usage query does", () => {
    // Athena cannot call TypeScript: the query keeps its own copy of the rule, and must agree with this one.
    const sql = readFileSync(new URL("../../queries/usage-daily.sql", import.meta.url), "utf8");
    const m =
      /CASE WHEN regexp_like\(resource, '([^']+)'\) THEN regexp_replace\(resource, '([^']+)', '([^']+)'\)/.exec(
        sql,
      );
    expect(m).not.toBeNull();
    const [, when = "", pattern = "", replacement = ""] = m ?? [];
    const athena = (r: string) =>
      new RegExp(when).test(r) ? r.replace(new RegExp(pattern), replacement) : r;
    for (const r of [
      "arn:aws:s3:::bucket/a/b/c.csv",
      "arn:aws-cn:s3:::bucket/a.csv",
      "arn:aws:s3:::bucket",
      "arn:aws:dynamodb:us-east-1:1:table/orders",
      "",
    ])
      expect(athena(r), r).toBe(usageResource(r));
  });
});
