import { describe, expect, it } from "vitest";
import type { CloudTrailRecord } from "../../cloudtrail/record.js";
import { explainDenial } from "../explain.js";

/** A service that cannot assume a role is fixed in the role's trust policy, naming the service, not the caller. */
describe("a role a service cannot assume", () => {
  const record: CloudTrailRecord = {
    eventID: "00000000-0000-4000-8000-0000000000e1",
    eventTime: "2026-03-01T10:00:00Z",
    eventSource: "ecs.amazonaws.com",
    eventName: "RunTask",
    awsRegion: "eu-west-1",
    userIdentity: {
      type: "AssumedRole",
      arn: "arn:aws:sts::123456789012:assumed-role/deployer/ci",
      accountId: "123456789012",
    },
    errorCode: "InvalidParameterException",
    errorMessage:
      "ECS was unable to assume the role 'arn:aws:iam::123456789012:role/web-task' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.",
  };

  it("asks for ecs-tasks.amazonaws.com in the named role's trust policy", () => {
    const e = explainDenial(record);
    expect(e.action).toBe("sts:AssumeRole");
    expect(e.resource).toBe("arn:aws:iam::123456789012:role/web-task");
    expect(e.deniedBy).toBe("role-trust");
    expect(e.fix.target).toBe("trust-policy");
    expect(e.fix.roleArn).toBe("arn:aws:iam::123456789012:role/web-task");
    expect(e.fix.policy?.Statement[0]?.Principal).toEqual({ Service: "ecs-tasks.amazonaws.com" });
    expect(e.fix.commands.join("\n")).toContain("update-assume-role-policy --role-name web-task");
  });
});
