import type { Db } from "../../src/db/client.js";
import { denialRaw, denials, evidenceEvents, roleSessions, usageDaily } from "../../src/db/schema.js";

export const A = "111122223333";
export const TASK = `arn:aws:iam::${A}:role/app-task`;
export const EXEC = `arn:aws:iam::${A}:role/ecs/app-exec`;
export const HOST = `arn:aws:iam::${A}:role/main-host`;
export const USER = `arn:aws:iam::${A}:user/ci-deployer`;
export const AGENT = "Amazon ECS Agent - v1.89.2 (a1b2c3d) (linux; amzn2) (+http://aws.amazon.com/ecs/)";
export const T = Date.parse("2026-11-16T09:00:00Z");

/** A store holding one of each: a task role, a pathed execution role, an ECS host role and an IAM user. */
export function seedCatalogStore(db: Db): void {
  const taskDef = {
    eventVersion: "1.10",
    eventID: "ev-1",
    eventTime: "2026-11-16T09:00:00Z",
    eventSource: "ecs.amazonaws.com",
    eventName: "RegisterTaskDefinition",
    recipientAccountId: A,
    userIdentity: { type: "IAMUser", arn: USER, accountId: A },
    requestParameters: { family: "app", taskRoleArn: TASK, executionRoleArn: "app-exec" },
  };
  db.insert(evidenceEvents)
    .values([
      {
        eventId: "ev-1",
        eventTime: T,
        accountId: A,
        region: "eu-west-1",
        eventSource: "ecs.amazonaws.com",
        eventName: "RegisterTaskDefinition",
        principalArn: USER,
        roleArn: null,
        source: "test",
        raw: JSON.stringify(taskDef),
      },
      {
        eventId: "ev-broken",
        eventTime: T,
        accountId: A,
        region: "eu-west-1",
        eventSource: "ecs.amazonaws.com",
        eventName: "RunTask",
        principalArn: USER,
        roleArn: null,
        source: "test",
        raw: "{not json",
      },
    ])
    .run();
  const session = {
    ec2RoleDelivery: "",
    federatedProvider: "",
    invokedBy: "",
    calls: 3,
    firstSeen: T,
    lastSeen: T,
  };
  db.insert(roleSessions)
    .values([
      {
        ...session,
        roleArn: TASK,
        sessionShape: "ecs-task-id",
        sampleSession: "5f1c0a9e3b7d4e2a8c6b1d0e9f8a7b6c",
      },
      {
        ...session,
        roleArn: EXEC,
        sessionShape: "ecs-task-id",
        sampleSession: "5f1c0a9e3b7d4e2a8c6b1d0e9f8a7b6c",
      },
      {
        ...session,
        roleArn: HOST,
        sessionShape: "ec2-instance-id",
        sampleSession: "i-0a1b2c3d4e5f60718",
        ec2RoleDelivery: "2.0",
      },
    ])
    .run();
  const usage = { accountId: A, resource: "", errors: 0 };
  db.insert(usageDaily)
    .values([
      {
        ...usage,
        day: "2026-11-15",
        principalArn: HOST,
        principalType: "AssumedRole",
        roleArn: HOST,
        eventSource: "ecs.amazonaws.com",
        eventName: "SubmitTaskStateChange",
        calls: 4,
        firstSeen: T - 86_400_000,
        lastSeen: T - 86_000_000,
        userAgents: JSON.stringify([AGENT]),
      },
      {
        ...usage,
        day: "2026-11-16",
        principalArn: HOST,
        principalType: "AssumedRole",
        roleArn: HOST,
        eventSource: "ecs.amazonaws.com",
        eventName: "SubmitTaskStateChange",
        calls: 6,
        firstSeen: T,
        lastSeen: T + 60_000,
        userAgents: JSON.stringify([AGENT, "aws-sdk-go/1.55.5"]),
      },
      {
        ...usage,
        day: "2026-11-16",
        principalArn: USER,
        principalType: "IAMUser",
        roleArn: null,
        eventSource: "ecs.amazonaws.com",
        eventName: "DescribeServices",
        calls: 2,
        firstSeen: T,
        lastSeen: T,
        userAgents: JSON.stringify(["aws-cli/2.22.0"]),
      },
    ])
    .run();
  db.insert(denials)
    .values({
      eventId: "d-1",
      eventTime: T + 1000,
      accountId: A,
      region: "eu-west-1",
      eventSource: "ecr.amazonaws.com",
      eventName: "BatchGetImage",
      errorCode: "AccessDeniedException",
      errorMessage: "User: … is not authorized to perform: ecr:BatchGetImage",
      principalType: "AssumedRole",
      principalArn: `arn:aws:sts::${A}:assumed-role/app-exec/5f1c0a9e3b7d4e2a8c6b1d0e9f8a7b6c`,
      roleArn: EXEC,
      sessionName: "5f1c0a9e3b7d4e2a8c6b1d0e9f8a7b6c",
      userAgent: "containerd/1.7.22",
      source: "test",
    })
    .run();
  db.insert(denialRaw).values({ eventId: "d-1", raw: "{}" }).run();
}
