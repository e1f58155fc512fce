import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { postJson, testApp } from "../../test/support/app.js";
import { tempDir } from "../../test/support/db.js";
import { makeRecord, uuidFor } from "../../test/support/records.js";
import { openDb } from "../db/client.js";
import { DenialDetail } from "../denials/denials.schemas.js";
import { IngestResult } from "../events/events.schemas.js";
import { RoleLookup } from "../roles/roles.schemas.js";
import { runCli } from "./run-cli.js";

const FIXTURE = new URL("../../test/fixtures/ecs-agent-audit/audit.log", import.meta.url);
const A = "111122223333";
const CHECKOUT_TASK = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const BILLING_TASK = "9e8d7c6b5a4f43218f0e1d2c3b4a5968";
const INSTANCE = `arn:aws:ecs:eu-west-1:${A}:container-instance/prod/6a3e0a1bc07f4d6f9f2b3a8e2d1c0b9a`;

let stdout = "";
beforeEach(() => {
  stdout = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

async function ingestAudit(db: string, path: string) {
  stdout = "";
  const code = await runCli(["ingest", "--from", "ecs-audit", "--db", db, "--format", "json", path]);
  return { code, summary: JSON.parse(stdout) as Record<string, unknown> };
}

function rows(dbPath: string, sql: string): unknown[] {
  const db = openDb({ path: dbPath });
  try {
    return db.$client.prepare(sql).all();
  } finally {
    db.$client.close();
  }
}

describe("deniedby ingest --from ecs-audit", () => {
  it("stores each request once, quarantines lines that are not audit entries with their text, and reads a grown or rotated log without storing anything twice", async () => {
    const dir = tempDir();
    const db = join(dir, "d.db");
    const logs = join(dir, "var-log-ecs");
    mkdirSync(logs);
    copyFileSync(FIXTURE, join(logs, "audit.log"));
    writeFileSync(join(logs, "ecs-agent.log"), "not an audit log: skipped in a directory\n");

    const first = await ingestAudit(db, logs);
    expect(first.code).toBe(1);
    expect(first.summary).toMatchObject({
      source: "ecs-audit",
      files: { read: 1, skipped: 0 },
      credentialRequests: 6,
      duplicates: 0,
      rejected: { total: 4, byReason: { "audit.line_invalid": 4 } },
    });
    const fixture = readFileSync(FIXTURE, "utf8").split("\n");
    expect(rows(db, "SELECT position, reason, raw FROM quarantine ORDER BY id")).toEqual(
      [8, 9, 10, 11].map((n) => ({
        position: `line ${n}`,
        reason: "audit.line_invalid",
        raw: fixture[n - 1],
      })),
    );
    // Two identical lines are two requests.
    expect(
      rows(
        db,
        `SELECT count(*) AS n FROM ecs_credential_requests WHERE task_id = '${CHECKOUT_TASK}' AND role_type = 'task'`,
      ),
    ).toEqual([{ n: 2 }]);
    expect(
      rows(
        db,
        "SELECT DISTINCT container_instance_arn AS i FROM ecs_credential_requests WHERE role_type != 'invalid'",
      ),
    ).toEqual([{ i: INSTANCE }]);

    // The same file again: it had rejects, so it carries no done mark and is read again; nothing is stored twice.
    const again = await ingestAudit(db, logs);
    expect(again.summary).toMatchObject({ files: { read: 1, skipped: 0 }, credentialRequests: 0 });

    // The agent rotates the log and starts a new one: the rotated copy stores nothing new, the new lines are stored.
    renameSync(join(logs, "audit.log"), join(logs, "audit.log.2026-11-18-11"));
    const later = `2026-11-18T12:00:00Z 200 172.17.0.5:52990 "/v2/credentials" "aws-sdk-js/3.654.0" arn:aws:ecs:eu-west-1:${A}:task/prod/${CHECKOUT_TASK} GetCredentials 2 prod ${INSTANCE}\n`;
    writeFileSync(join(logs, "audit.log"), later);
    const rotated = await ingestAudit(db, logs);
    expect(rotated.summary).toMatchObject({ files: { read: 2 }, credentialRequests: 1, duplicates: 6 });
    expect(rows(db, "SELECT count(*) AS n FROM ecs_credential_requests")).toEqual([{ n: 7 }]);
  });

  it("refuses a missing path before opening a database", async () => {
    const dir = tempDir();
    const code = await runCli([
      "ingest",
      "--from",
      "ecs-audit",
      "--db",
      join(dir, "x.db"),
      join(dir, "nope"),
    ]);
    expect(code).toBe(2);
    expect(existsSync(join(dir, "x.db"))).toBe(false);
  });
});

const session = (role: string, task: string) => `arn:aws:sts::${A}:assumed-role/${role}/${task}`;

describe("a task role session tied to its task", () => {
  it("names the task, its cluster, its container instance and its service in the denial and the role lookup", async () => {
    const dir = tempDir();
    const path = join(dir, "api.db");
    const { app } = testApp({ DENIEDBY_DB: path }, { db: openDb({ path }) });
    await ingestAudit(path, fileURLToPath(FIXTURE));
    const push = async (records: unknown[]) =>
      IngestResult.parse(await (await app.request("/v1/events", postJson(records))).json());

    const denial = makeRecord({
      eventId: uuidFor(1, 31),
      eventTime: "2026-11-18T09:59:00Z",
      roleName: "checkout-task",
      session: CHECKOUT_TASK,
      eventName: "PutItem",
      errorCode: "AccessDeniedException",
      errorMessage: `User: ${session("checkout-task", CHECKOUT_TASK)} is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:eu-west-1:${A}:table/orders because no identity-based policy allows the dynamodb:PutItem action`,
    });
    // The service scheduler launched the task: its RunTask response says which service (group).
    const runTask = makeRecord({
      eventId: uuidFor(2, 31),
      eventTime: "2026-11-18T09:57:00Z",
      eventSource: "ecs.amazonaws.com",
      eventName: "RunTask",
      requestParameters: { cluster: "prod", taskDefinition: "checkout:7" },
      userIdentity: { type: "IAMUser", arn: `arn:aws:iam::${A}:user/deployer`, accountId: A },
    });
    (runTask as { responseElements: unknown }).responseElements = {
      tasks: [
        {
          taskArn: `arn:aws:ecs:eu-west-1:${A}:task/prod/${CHECKOUT_TASK}`,
          clusterArn: `arn:aws:ecs:eu-west-1:${A}:cluster/prod`,
          group: "service:checkout",
          startedBy: "ecs-svc/1234567890123456789",
        },
      ],
    };
    // Another task, known only from the audit log: its role's task definition and the service running it.
    const registered = makeRecord({
      eventId: uuidFor(3, 31),
      eventTime: "2026-11-17T08:00:00Z",
      eventSource: "ecs.amazonaws.com",
      eventName: "RegisterTaskDefinition",
      requestParameters: { family: "billing", taskRoleArn: `arn:aws:iam::${A}:role/billing-task` },
      userIdentity: { type: "IAMUser", arn: `arn:aws:iam::${A}:user/deployer`, accountId: A },
    });
    const service = makeRecord({
      eventId: uuidFor(4, 31),
      eventTime: "2026-11-17T08:05:00Z",
      eventSource: "ecs.amazonaws.com",
      eventName: "CreateService",
      requestParameters: { cluster: "prod", serviceName: "billing-api", taskDefinition: "billing:3" },
      userIdentity: { type: "IAMUser", arn: `arn:aws:iam::${A}:user/deployer`, accountId: A },
    });
    const billingCall = makeRecord({
      eventId: uuidFor(5, 31),
      eventTime: "2026-11-18T11:02:40Z",
      roleName: "billing-task",
      session: BILLING_TASK,
    });
    expect((await push([denial, runTask, registered, service, billingCall])).rejected).toEqual([]);

    const detail = DenialDetail.parse(
      await (await app.request(`/v1/denials/${String(denial.eventID)}`)).json(),
    );
    expect(detail.task).toEqual({
      taskArn: `arn:aws:ecs:eu-west-1:${A}:task/prod/${CHECKOUT_TASK}`,
      taskId: CHECKOUT_TASK,
      cluster: "prod",
      containerInstanceArn: INSTANCE,
      service: { name: "checkout", from: "launch" },
      // The execution role's request and the application's two.
      credentialRequests: 3,
      firstSeen: "2026-11-18T09:58:02.000Z",
      lastSeen: "2026-11-18T09:58:05.000Z",
    });

    const lookup = async (arn: string) =>
      RoleLookup.parse(await (await app.request(`/v1/roles/lookup?arn=${encodeURIComponent(arn)}`)).json());
    expect((await lookup(session("checkout-task", CHECKOUT_TASK))).task).toEqual(detail.task);
    expect((await lookup(session("billing-task", BILLING_TASK))).task).toMatchObject({
      taskArn: `arn:aws:ecs:eu-west-1:${A}:task/prod/${BILLING_TASK}`,
      cluster: "prod",
      containerInstanceArn: INSTANCE,
      service: { name: "billing-api", from: "task-definition" },
      credentialRequests: 2,
    });
    // A role ARN, or a session not named by a task ID, has no task.
    expect((await lookup(`arn:aws:iam::${A}:role/checkout-task`)).task).toBeNull();
    expect((await lookup(session("checkout-task", "deploy-bot"))).task).toBeNull();
  });
});
