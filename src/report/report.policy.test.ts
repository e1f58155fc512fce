import { describe, expect, it } from "vitest";
import { supportsResourceLevel } from "../cloudtrail/iam-catalogue.js";
import { generaliseResource } from "../cloudtrail/resource.js";
import { buildPolicy } from "./report.policy.js";

const ACCOUNT = "111122223333";

describe("the least-privilege policy generator", () => {
  it("never grants * to an action that supports resource-level permissions", () => {
    const policy = buildPolicy(
      [
        { action: "dynamodb:BatchGetItem", resource: null },
        { action: "kms:Decrypt", resource: "" },
        { action: "ec2:RunInstances", resource: null },
        { action: "ecr:GetAuthorizationToken", resource: null },
        { action: "s3:GetObject", resource: "*" },
      ],
      ACCOUNT,
    );
    for (const s of policy.document.Statement)
      for (const a of s.Action)
        if (supportsResourceLevel(a) !== false) expect(s.Resource, a).not.toContain("*");
    const star = policy.document.Statement.filter((s) => s.Resource.includes("*")).flatMap((s) => s.Action);
    expect(star).toEqual(["ecr:GetAuthorizationToken"]);
    expect(policy.placeholders).toContain(`arn:aws:dynamodb:*:${ACCOUNT}:table/*`);
    // RunInstances requires several resource types: one placeholder each.
    const run = policy.document.Statement.find((s) => s.Action.includes("ec2:RunInstances"));
    expect(run?.Resource.length).toBeGreaterThan(3);
  });

  it("is stable: the same statements whatever the order of the input", () => {
    const grants = [
      { action: "sqs:SendMessage", resource: `arn:aws:sqs:eu-west-1:${ACCOUNT}:b` },
      { action: "sqs:ReceiveMessage", resource: `arn:aws:sqs:eu-west-1:${ACCOUNT}:a` },
      { action: "sqs:DeleteMessage", resource: `arn:aws:sqs:eu-west-1:${ACCOUNT}:a` },
      { action: "dynamodb:Query", resource: `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/t` },
    ];
    const a = buildPolicy(grants, ACCOUNT);
    const b = buildPolicy([...grants].reverse(), ACCOUNT);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(a.document.Statement.map((s) => [s.Sid, s.Action])).toEqual([
      ["Dynamodb1", ["dynamodb:Query"]],
      ["Sqs1", ["sqs:DeleteMessage", "sqs:ReceiveMessage"]],
      ["Sqs2", ["sqs:SendMessage"]],
    ]);
  });

  it("keeps S3 folder patterns, cut before date partitions", () => {
    expect(generaliseResource("arn:aws:s3:::acme-checkout-config/pricing/*")).toBe(
      "arn:aws:s3:::acme-checkout-config/pricing/*",
    );
    expect(generaliseResource("arn:aws:s3:::acme-reports/out/2026-11-16/monthly.pdf")).toBe(
      "arn:aws:s3:::acme-reports/out/*",
    );
    expect(generaliseResource("arn:aws:s3:::acme-uploads/images/2026/11/16/*")).toBe(
      "arn:aws:s3:::acme-uploads/images/*",
    );
    expect(generaliseResource("arn:aws:s3:::bucket")).toBe("arn:aws:s3:::bucket");
  });

  it("widens names that rotate: log streams, task ids, instance ids, secret suffixes", () => {
    expect(
      generaliseResource(
        "arn:aws:logs:eu-west-1:1:log-group:/ecs/checkout:log-stream:ecs/checkout/b5dedad3c45cb15333137ec75c3d1ba8",
      ),
    ).toBe("arn:aws:logs:eu-west-1:1:log-group:/ecs/checkout:log-stream:*");
    expect(generaliseResource("arn:aws:ecs:eu-west-1:1:task/main/85ab7e8051a37b684d93a06c3d0a4f5a")).toBe(
      "arn:aws:ecs:eu-west-1:1:task/main/*",
    );
    expect(generaliseResource("arn:aws:ec2:eu-west-1:1:instance/i-0a1b2c3d4e5f60718")).toBe(
      "arn:aws:ec2:eu-west-1:1:instance/*",
    );
    expect(generaliseResource("arn:aws:secretsmanager:eu-west-1:1:secret:checkout/db-password-Q1w2E3")).toBe(
      "arn:aws:secretsmanager:eu-west-1:1:secret:checkout/db-password-??????",
    );
  });

  it("adds the image-pull and log calls the trail cannot show to the ones it did", () => {
    const p = buildPolicy(
      [
        { action: "ecr:BatchGetImage", resource: `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/app` },
        {
          action: "logs:CreateLogStream",
          resource: `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/ecs/app:log-stream:x`,
        },
      ],
      ACCOUNT,
    );
    expect(p.document.Statement.map((s) => s.Action)).toEqual([
      ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
      // The registry token every pull needs, from the same companion list as the fixes: no resource type, so `*`.
      ["ecr:GetAuthorizationToken"],
      ["logs:CreateLogStream", "logs:PutLogEvents"],
    ]);
    expect(p.document.Statement[1]?.Resource).toEqual(["*"]);
  });

  it("replaces a resource of the wrong type with the action's own resource pattern", () => {
    // CloudTrail names the cluster for UpdateService; IAM authorizes the service.
    const p = buildPolicy(
      [{ action: "ecs:UpdateService", resource: `arn:aws:ecs:eu-west-1:${ACCOUNT}:cluster/main` }],
      ACCOUNT,
    );
    expect(p.document.Statement[0]?.Resource).toEqual([`arn:aws:ecs:*:${ACCOUNT}:service/*/*`]);
  });
});
