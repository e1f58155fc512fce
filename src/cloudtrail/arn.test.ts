import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  accountOf,
  hasSsoRolePath,
  isAwsManagedPolicyArn,
  isServiceLinkedRoleArn,
  isServicePrincipal,
  isSsoRoleName,
  isTaskIdSessionName,
  parseArn,
  parseIamPrincipalArn,
  parseSessionArn,
  partitionOf,
  permissionSetOf,
  principalNameOf,
  quotedRoleArnParts,
  roleNameOf,
  sessionShape,
  sessionShapes,
} from "./arn.js";

describe("parseArn", () => {
  it("splits an ARN into its fields, keeping colons inside the resource", () => {
    expect(parseArn("arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web:log-stream:x")).toEqual({
      partition: "aws",
      service: "logs",
      region: "us-east-1",
      account: "123456789012",
      resource: "log-group:/ecs/web:log-stream:x",
    });
    expect(parseArn("arn:aws:s3:::bucket/key")?.account).toBe("");
    expect(parseArn("service:ecs.amazonaws.com")).toBeNull();
    expect(parseArn("arn:aws:too:short")).toBeNull();
  });

  it("reads the account and partition of an ARN, and nothing of other text", () => {
    expect(accountOf("arn:aws-cn:iam::123456789012:role/x")).toBe("123456789012");
    expect(accountOf("arn:aws:s3:::bucket")).toBe("");
    expect(accountOf("principal:AIDA")).toBe("");
    expect(partitionOf("arn:aws-us-gov:sts::123456789012:assumed-role/r/s")).toBe("aws-us-gov");
    expect(partitionOf("unknown")).toBeUndefined();
    // ARNs cut short: the fields they have, nothing for the ones they lack.
    expect(partitionOf("arn:")).toBeUndefined();
    expect(partitionOf("arn:aws")).toBe("aws");
    expect(accountOf("arn:aws:iam::")).toBe("");
    expect(accountOf("arn:aws:iam:")).toBe("");
    expect(accountOf("arn:aws:iam::123456789012")).toBe("123456789012");
  });
});

describe("session ARNs", () => {
  it("name the role without its path, in the session's partition", () => {
    expect(
      parseSessionArn("arn:aws-cn:sts::123456789012:assumed-role/web-task/a20b735e9bbc41598825b6f0269f6fef"),
    ).toEqual({
      partition: "aws-cn",
      account: "123456789012",
      roleName: "web-task",
      sessionName: "a20b735e9bbc41598825b6f0269f6fef",
      roleArn: "arn:aws-cn:iam::123456789012:role/web-task",
    });
  });

  it("keep slashes in the session name and refuse what is not a session", () => {
    expect(parseSessionArn("arn:aws:sts::123456789012:assumed-role/r/a/b")?.sessionName).toBe("a/b");
    expect(parseSessionArn("arn:aws:sts::123456789012:assumed-role/r/")).toBeNull();
    expect(parseSessionArn("arn:aws:iam::123456789012:role/r")).toBeNull();
    expect(parseSessionArn("arn:aws:sts::123456789012:federated-user/bob")).toBeNull();
  });

  it("are rebuilt into role ARNs as the Athena usage query rebuilds them", () => {
    // The query keeps its own copy of the rule (Athena cannot call TypeScript): it must agree with this one.
    const sql = readFileSync(new URL("../../queries/usage-daily.sql", import.meta.url), "utf8");
    const m = /regexp_replace\(\s*useridentity\.arn, '([^']+)', '([^']+)'/.exec(sql);
    expect(m).not.toBeNull();
    // Athena's regexp_replace and JavaScript share this pattern syntax and the $n references.
    const pattern = new RegExp(m?.[1] ?? "");
    const replacement = m?.[2] ?? "";
    for (const arn of [
      "arn:aws:sts::123456789012:assumed-role/web-task/a20b735e9bbc41598825b6f0269f6fef",
      "arn:aws-cn:sts::123456789012:assumed-role/ecsInstanceRole/i-0123456789abcdef0",
      "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/jane@example.com",
    ])
      expect(arn.replace(pattern, replacement)).toBe(parseSessionArn(arn)?.roleArn);
  });
});

describe("role ARNs quoted in messages", () => {
  it("read the role and session even where the account is redacted, and the path of a role ARN", () => {
    expect(
      quotedRoleArnParts("arn:aws:sts::<account>:assumed-role/web-exec/a20b735e9bbc41598825b6f0269f6fef"),
    ).toEqual({
      path: "/",
      role: "web-exec",
      session: "a20b735e9bbc41598825b6f0269f6fef",
    });
    expect(quotedRoleArnParts("arn:aws:iam::123456789012:role/service-role/fn-role-abcd1234")).toEqual({
      path: "/service-role/",
      role: "fn-role-abcd1234",
      session: null,
    });
    expect(quotedRoleArnParts("arn:aws:iam::123456789012:user/bob")).toBeNull();
  });
});

describe("IAM principal ARNs", () => {
  it("tell roles, users and root apart and name each by its last path segment", () => {
    expect(parseIamPrincipalArn("arn:aws:iam::123456789012:role/service/team/web-task")).toEqual({
      type: "role",
      partition: "aws",
      account: "123456789012",
      name: "web-task",
    });
    expect(parseIamPrincipalArn("arn:aws:iam::123456789012:user/ops/deployer")?.name).toBe("deployer");
    expect(parseIamPrincipalArn("arn:aws-cn:iam::123456789012:root")).toEqual({
      type: "root",
      partition: "aws-cn",
      account: "123456789012",
      name: "root",
    });
    expect(parseIamPrincipalArn("arn:aws:sts::123456789012:assumed-role/r/s")).toBeNull();
    expect(parseIamPrincipalArn("arn:aws:iam::aws:policy/ReadOnlyAccess")).toBeNull();
  });

  it("give role and principal names", () => {
    expect(
      roleNameOf("arn:aws:iam::123456789012:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"),
    ).toBe("AWSServiceRoleForECS");
    expect(principalNameOf("arn:aws:iam::123456789012:user/ops/deployer")).toBe("deployer");
    expect(principalNameOf("arn:aws:iam::123456789012:root")).toBe("root");
  });

  it("know the reserved paths and names AWS gives its own roles and policies", () => {
    expect(
      isServiceLinkedRoleArn("arn:aws:iam::1:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"),
    ).toBe(true);
    expect(isServiceLinkedRoleArn("arn:aws:iam::1:role/AWSServiceRoleForECS")).toBe(false);
    expect(
      hasSsoRolePath("arn:aws:iam::1:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_A_1"),
    ).toBe(true);
    expect(isSsoRoleName("AWSReservedSSO_Admins_260008d6b2140109")).toBe(true);
    expect(isSsoRoleName("MyAWSReservedSSO_copy")).toBe(false);
    // The permission set is the name between the prefix and the 16-hex suffix, underscores and all.
    expect(permissionSetOf("AWSReservedSSO_Admins_260008d6b2140109")).toBe("Admins");
    expect(permissionSetOf("AWSReservedSSO_Data_Eng_RO_0123456789abcdef")).toBe("Data_Eng_RO");
    expect(permissionSetOf("AWSReservedSSO_<redacted>")).toBeNull();
    expect(permissionSetOf("xxxx")).toBeNull();
    expect(isServicePrincipal("config.amazonaws.com")).toBe(true);
    expect(isServicePrincipal("states.cn-north-1.amazonaws.com.cn")).toBe(true);
    expect(isServicePrincipal("AWS Internal")).toBe(false);
    expect(isServicePrincipal("arn:aws:iam::1:role/x")).toBe(false);
    // Managed policies in every partition: the report reads aws-cn attachments as AWS managed too.
    expect(
      isAwsManagedPolicyArn("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"),
    ).toBe(true);
    expect(isAwsManagedPolicyArn("arn:aws-cn:iam::aws:policy/AmazonSSMManagedInstanceCore")).toBe(true);
    expect(isAwsManagedPolicyArn("arn:aws:iam::123456789012:policy/mine")).toBe(false);
  });
});

describe("isTaskIdSessionName", () => {
  it("takes ECS task IDs, new and old format, and nothing else", () => {
    expect(isTaskIdSessionName("a20b735e9bbc41598825b6f0269f6fef")).toBe(true);
    expect(isTaskIdSessionName("d190d14a-2404-45d6-9113-4eda22d7f2c7")).toBe(true);
    expect(isTaskIdSessionName("i-0dbc91f429e48eeed")).toBe(false);
    expect(isTaskIdSessionName("deploy")).toBe(false);
  });
});

describe("sessionShape", () => {
  it.each([
    ["a20b735e9bbc41598825b6f0269f6fef", "ecs-task-id"],
    ["d190d14a-2404-45d6-9113-4eda22d7f2c7", "uuid"],
    ["D190D14A-2404-45D6-9113-4EDA22D7F2C7", "uuid"],
    ["i-0dbc91f429e48eeed", "ec2-instance-id"],
    ["i-0123abcd", "ec2-instance-id"],
    ["mi-02eeadc1ad782ba21", "managed-instance-id"],
    ["eks-eks-ref-sc-app1-b81f0fef-97e9-47da-97a2-948c5bbcd1b3", "eks-pod"],
    ["awslambda_744_20230710122532896", "lambda-internal"],
    ["botocore-session-1700000000", "sdk-default"],
    ["aws-go-sdk-1700000000123", "sdk-default"],
    ["1700000000123456789", "sdk-default"],
    ["jane@example.com", "human-name"],
    ["12345678901234567890123456789012", "ecs-task-id"],
    ["A20B735E9BBC41598825B6F0269F6FEF", "other"],
    ["i-not-an-instance", "other"],
    ["deploy-pipeline", "other"],
    ["", "other"],
  ])("%s is %s", (name, shape) => {
    expect(sessionShape(name)).toBe(shape);
    expect(sessionShapes).toHaveProperty(shape);
  });
});
