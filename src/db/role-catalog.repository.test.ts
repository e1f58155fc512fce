import { beforeEach, describe, expect, it } from "vitest";
import type { RoleCatalogEntry } from "../classify/kinds.js";
import { type Db, openDb } from "./client.js";
import {
  getCatalogEntry,
  listCatalog,
  loadClassifierInput,
  refreshCatalog,
  saveCatalog,
} from "./role-catalog.repository.js";
import { denialRaw, denials, evidenceEvents, roleCatalog, roleSessions, usageDaily } from "./schema.js";

const A = "111122223333";
const TASK = `arn:aws:iam::${A}:role/app-task`;
const EXEC = `arn:aws:iam::${A}:role/ecs/app-exec`;
const HOST = `arn:aws:iam::${A}:role/main-host`;
const USER = `arn:aws:iam::${A}:user/ci-deployer`;
const AGENT = "Amazon ECS Agent - v1.89.2 (a1b2c3d) (linux; amzn2) (+http://aws.amazon.com/ecs/)";
const T = Date.parse("2026-11-16T09:00:00Z");

function seed(db: Db): void {
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

let db: Db;
beforeEach(() => {
  db = openDb({ path: ":memory:" });
  seed(db);
});

describe("loadClassifierInput", () => {
  it("folds usage over days per principal and API call, merging user agents", () => {
    const input = loadClassifierInput(db);
    const host = input.usage.find((u) => u.roleArn === HOST);
    expect(host).toEqual({
      roleArn: HOST,
      eventSource: "ecs.amazonaws.com",
      eventName: "SubmitTaskStateChange",
      calls: 10,
      firstSeen: T - 86_400_000,
      lastSeen: T + 60_000,
      userAgents: [AGENT, "aws-sdk-go/1.55.5"].sort(),
    });
    expect(input.usage.find((u) => u.roleArn === USER)?.calls).toBe(2);
  });

  it("parses evidence records and skips raw text that is not a record", () => {
    const input = loadClassifierInput(db);
    expect(input.evidence.map((e) => e.eventID)).toEqual(["ev-1"]);
    expect(input.sessions).toHaveLength(3);
    expect(input.denials).toEqual([
      expect.objectContaining({
        roleArn: EXEC,
        eventName: "BatchGetImage",
        sessionName: "5f1c0a9e3b7d4e2a8c6b1d0e9f8a7b6c",
      }),
    ]);
  });
});

describe("refreshCatalog", () => {
  it("classifies what the store holds and stores one row per principal", () => {
    expect(refreshCatalog(db)).toEqual({ roles: 4 });
    expect(getCatalogEntry(db, TASK)?.kinds[0]?.kind).toBe("ecs-task");
    // Named by bare name in the task definition, seen with its path: one entry under the pathed ARN.
    expect(getCatalogEntry(db, EXEC)?.kinds[0]?.kind).toBe("ecs-task-execution");
    expect(getCatalogEntry(db, `arn:aws:iam::${A}:role/app-exec`)).toBeNull();
    expect(getCatalogEntry(db, HOST)?.kinds[0]?.kind).toBe("ecs-container-instance");
    expect(getCatalogEntry(db, USER)?.kinds[0]?.kind).toBe("iam-user");
    const row = db
      .select()
      .from(roleCatalog)
      .all()
      .find((r) => r.roleArn === HOST);
    expect(row?.kind).toBe("ecs-container-instance");
    expect(row?.firstSeen).toBe(T - 86_400_000);
  });

  it("gives the same catalogue when run twice", () => {
    refreshCatalog(db);
    const first = listCatalog(db, { limit: 100 });
    refreshCatalog(db);
    expect(listCatalog(db, { limit: 100 })).toEqual(first);
  });
});

describe("listCatalog and saveCatalog", () => {
  it("pages in role-ARN order with a cursor and filters on the leading kind", () => {
    refreshCatalog(db);
    const p1 = listCatalog(db, { limit: 3 });
    expect(p1.roles).toHaveLength(3);
    expect(p1.nextCursor).toBe(p1.roles[2]?.roleArn);
    const p2 = listCatalog(db, { limit: 3, ...(p1.nextCursor ? { cursor: p1.nextCursor } : {}) });
    expect(p2.roles).toHaveLength(1);
    expect(p2.nextCursor).toBeNull();
    const arns = [...p1.roles, ...p2.roles].map((r) => r.roleArn);
    expect(arns).toEqual([...arns].sort());
    expect(listCatalog(db, { kind: "ecs-task" }).roles.map((r) => r.roleArn)).toEqual([TASK]);
  });

  it("replaces the whole table contents", () => {
    refreshCatalog(db);
    const only: RoleCatalogEntry = {
      roleArn: `arn:aws:iam::${A}:role/x`,
      accountId: A,
      roleName: "x",
      kinds: [
        {
          kind: "lambda",
          confidence: 0.95,
          evidence: [{ signal: "lambda.function-role", detail: "d", weight: 0.95 }],
        },
      ],
      dualUse: false,
      firstSeen: null,
      lastSeen: null,
    };
    saveCatalog(db, [only]);
    expect(listCatalog(db).roles).toEqual([only]);
  });
});
