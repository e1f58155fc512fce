import { describe, expect, it } from "vitest";
import { kindFromArn } from "./arn-kind.js";

const TASK = "0123456789abcdef0123456789abcdef";

describe("kindFromArn", () => {
  it.each([
    ["arn:aws:iam::123456789012:user/ci", "iam-user", "user-arn"],
    ["arn:aws:iam::<account id>:user/path/ci", "iam-user", "user-arn"],
    ["arn:aws:iam::123456789012:root", "root", "root-arn"],
    [
      "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123456789abcdef",
      "sso",
      "identity-center-path",
    ],
    [
      "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/<redacted>",
      "sso",
      "identity-center-path",
    ],
    [
      "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/jane@example.com",
      "sso",
      "identity-center-name",
    ],
    [
      "arn:aws:iam::123456789012:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS",
      "service-linked",
      "service-linked-path",
    ],
    [
      "arn:aws:sts::123456789012:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling",
      "service-linked",
      "service-linked-name",
    ],
    [`arn:aws:sts::123456789012:assumed-role/web-task-role/${TASK}`, "ecs-task", "task-id-session"],
    [
      `arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/${TASK}`,
      "ecs-task-execution",
      "task-id-session-execution-name",
    ],
    [
      "arn:aws:sts::123456789012:assumed-role/app/0b5f7e2c-6d0a-4a5e-9d3c-1f2e3d4c5b6a",
      "ecs-task",
      "uuid-session",
    ],
    [
      "arn:aws:sts::123456789012:assumed-role/node-role/i-0123456789abcdef0",
      "ec2-instance",
      "instance-id-session",
    ],
    [
      "arn:aws:sts::123456789012:assumed-role/ecsInstanceRole/i-0123456789abcdef0",
      "ecs-container-instance",
      "instance-id-session-ecs-name",
    ],
    [
      "arn:aws:sts::123456789012:assumed-role/admin/i-<redacted_instance_id>",
      "ec2-instance",
      "instance-id-session",
    ],
    [
      "arn:aws:sts::123456789012:assumed-role/ssm-role/mi-0123456789abcdef0",
      "ec2-instance",
      "managed-instance-session",
    ],
    [
      "arn:aws:sts::123456789012:assumed-role/app/eks-prod-web-7d9f-0b5f7e2c-6d0a-4a5e-9d3c-1f2e3d4c5b6a",
      "eks-pod-identity",
      "eks-pod-session",
    ],
    [
      "arn:aws:sts::123456789012:assumed-role/fn-role/awslambda_744_20230710122532896",
      "lambda",
      "lambda-internal-session",
    ],
    ["arn:aws:sts::123456789012:assumed-role/resize-role-ab12cd34/resize", "lambda", "lambda-console-role"],
    [
      "arn:aws:iam::123456789012:role/service-role/resize-role-ab12cd34",
      "lambda",
      "lambda-service-role-path",
    ],
    [
      "arn:aws:sts::123456789012:assumed-role/stack-ResizeFunctionRole-TZwnuYpDb5Rv/stack-ResizeFunction-12oroDMZmSGE",
      "lambda",
      "lambda-function-session",
    ],
    [
      "arn:aws:sts::123456789012:assumed-role/api-dev-us-east-1-lambdaRole/api-dev-list",
      "lambda",
      "lambda-function-session",
    ],
    ["arn:aws:sts::123456789012:assumed-role/lambda_basic_execution/Hello", "lambda", "lambda-role-name"],
  ])("%s is %s (%s)", (arn, kind, feature) => {
    const k = kindFromArn(arn);
    expect(k).toMatchObject({ kind, feature });
    expect(k.confidence).toBeGreaterThan(0);
  });

  it.each([
    [undefined],
    [""],
    ["...."],
    ["<user-arn>"],
    ["arn:aws:sts::123456789012:assumed-role/deployer/botocore-session-1700000000"],
    ["arn:aws:sts::123456789012:assumed-role/community-ExecutionRole/1111"],
    ["arn:aws:sts::123456789012:assumed-role/ecsworkshop-admin/jane"],
    ["arn:aws:sts::123456789012:assumed-role/Cognito_PoolUnauth_Role/CognitoIdentityCredentials"],
    ["arn:aws:iam::123456789012:role/service-role/codebuild-project-service-role"],
  ])("%s shows no kind", (arn) => {
    expect(kindFromArn(arn)).toEqual({ kind: "unknown", confidence: 0, feature: "none" });
  });

  it("is surest where AWS writes the ARN and least sure where people name the role", () => {
    const path = kindFromArn(
      "arn:aws:iam::1:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_A_0123456789abcdef",
    );
    const task = kindFromArn(`arn:aws:sts::1:assumed-role/r/${TASK}`);
    const name = kindFromArn("arn:aws:sts::1:assumed-role/my-lambda-role/x");
    expect(path.confidence).toBeGreaterThan(task.confidence);
    expect(task.confidence).toBeGreaterThan(name.confidence);
  });
});
