/**
 * A small trail for the find filters (session, task definition, service, cluster, free text): ECS management records
 * (RunTask, RegisterTaskDefinition, CreateService), an agent audit log, and denied task-role calls, each denial placed
 * so that every filter has denials it must find and denials it must not.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll } from "vitest";
import { type Db, openDb } from "../../src/db/client.js";
import { createStore } from "../../src/db/store.js";
import { ingestSource } from "../../src/pipeline/ingest-session.js";
import { ecsAuditSource } from "../../src/sources/ecs-agent-audit/ecs-audit.source.js";
import { ingestRecords, runStages } from "./ingest.js";
import { makeRecord, uuidFor } from "./records.js";

export const A = "111122223333";
const REGION = "eu-west-1";
const ecs = (resource: string) => `arn:aws:ecs:${REGION}:${A}:${resource}`;
const PROD = ecs("cluster/prod");

/** Task IDs (what each task role's sessions are named). */
export const TASK = {
  /** checkout service, cluster prod, checkout:7: its RunTask response says so. */
  checkout: "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
  /** checkout-task role too, but launched as checkout:6 by service checkout-canary in cluster staging. */
  canary: "1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a",
  /** A standalone report job in cluster batch (report:2). */
  report: "2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b",
  /** billing: no launch in the trail; its role is billing:3's task role, which service billing-api runs in prod. */
  billing: "3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c",
  /** Known only from the agents' audit log, in cluster prod. */
  audited: "4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d",
} as const;

const deployer = { type: "IAMUser", arn: `arn:aws:iam::${A}:user/deployer`, accountId: A };

function management(
  n: number,
  eventName: string,
  requestParameters: Record<string, unknown>,
  response: unknown,
) {
  const record = makeRecord({
    eventId: uuidFor(n, 77),
    eventTime: `2026-11-18T08:0${n % 10}:00Z`,
    eventSource: "ecs.amazonaws.com",
    eventName,
    requestParameters,
    userIdentity: deployer,
  });
  record.responseElements = response;
  return record;
}

function runTask(n: number, taskId: string, o: { cluster: string; definition: string; group: string }) {
  return management(
    n,
    "RunTask",
    { cluster: o.cluster, taskDefinition: o.definition },
    {
      tasks: [
        {
          taskArn: ecs(`task/${o.cluster}/${taskId}`),
          clusterArn: ecs(`cluster/${o.cluster}`),
          taskDefinitionArn: ecs(`task-definition/${o.definition}`),
          group: o.group,
        },
      ],
    },
  );
}

function register(n: number, family: string, revision: number, taskRoleArn: string) {
  return management(
    n,
    "RegisterTaskDefinition",
    { family, taskRoleArn },
    {
      taskDefinition: { family, revision, taskDefinitionArn: ecs(`task-definition/${family}:${revision}`) },
    },
  );
}

/** The denials, by what they are; each is a denied call of a task role (or, `person`, a person's session). */
export const DENIAL = {
  checkout: uuidFor(1, 88),
  canary: uuidFor(2, 88),
  report: uuidFor(3, 88),
  billing: uuidFor(4, 88),
  audited: uuidFor(5, 88),
  person: uuidFor(6, 88),
} as const;

function denied(o: { id: string; minute: number; role: string; session: string; table: string }) {
  const who = `arn:aws:sts::${A}:assumed-role/${o.role}/${o.session}`;
  return makeRecord({
    eventId: o.id,
    eventTime: `2026-11-18T10:${String(o.minute).padStart(2, "0")}:00Z`,
    roleName: o.role,
    session: o.session,
    eventName: "PutItem",
    requestParameters: { tableName: o.table },
    errorCode: "AccessDeniedException",
    errorMessage: `User: ${who} is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:${REGION}:${A}:table/${o.table} because no identity-based policy allows the dynamodb:PutItem action`,
  });
}

export function findRecords(): Record<string, unknown>[] {
  return [
    runTask(1, TASK.checkout, { cluster: "prod", definition: "checkout:7", group: "service:checkout" }),
    runTask(2, TASK.canary, {
      cluster: "staging",
      definition: "checkout:6",
      group: "service:checkout-canary",
    }),
    runTask(3, TASK.report, { cluster: "batch", definition: "report:2", group: "family:report" }),
    register(4, "checkout", 7, `arn:aws:iam::${A}:role/checkout-task`),
    // By name, as RegisterTaskDefinition allows: the catalogue says which role it is.
    register(5, "billing", 3, "billing-task"),
    management(
      6,
      "CreateService",
      { cluster: PROD, serviceName: "billing-api", taskDefinition: "billing:3" },
      null,
    ),
    management(
      7,
      "CreateService",
      { cluster: "prod", serviceName: "checkout", taskDefinition: "checkout" },
      null,
    ),
    denied({
      id: DENIAL.checkout,
      minute: 1,
      role: "checkout-task",
      session: TASK.checkout,
      table: "orders",
    }),
    denied({ id: DENIAL.canary, minute: 2, role: "checkout-task", session: TASK.canary, table: "orders" }),
    // Text that looks like LIKE wildcards and quotes, to be found literally.
    denied({ id: DENIAL.report, minute: 3, role: "report-task", session: TASK.report, table: "report_100%" }),
    denied({ id: DENIAL.billing, minute: 4, role: "billing-task", session: TASK.billing, table: "invoices" }),
    denied({ id: DENIAL.audited, minute: 5, role: "audit-task", session: TASK.audited, table: "o'brien" }),
    denied({ id: DENIAL.person, minute: 6, role: "billing-task", session: "jane.doe", table: "reportX100Y" }),
  ];
}

const AUDIT = `2026-11-18T09:58:02Z 200 172.17.0.5:52990 "/v2/credentials" "aws-sdk-js/3.654.0" ${ecs(`task/prod/${TASK.audited}`)} GetCredentials 2 prod ${ecs("container-instance/prod/6a3e0a1bc07f4d6f9f2b3a8e2d1c0b9a")}\n`;

/** Stores the find trail and the audit log in `db` and runs the stages after storing, as an ingest does. */
export async function seedFindScenario(db: Db): Promise<void> {
  const { rejections } = await ingestRecords(db, findRecords());
  if (rejections.length > 0) throw new Error(`find scenario rejected: ${JSON.stringify(rejections)}`);
  await ingestSource(
    createStore(db),
    ecsAuditSource(["-"], { stdin: Readable.from([Buffer.from(AUDIT)]) }),
    {},
  );
  await runStages(db);
}

/**
 * A database file holding the find scenario, seeded once for the calling test file (call it at module level; the
 * file's folder is removed after its tests). Returns the file's path.
 */
export function findScenarioFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "deniedby-find-"));
  const path = join(dir, "find.db");
  beforeAll(async () => {
    const db = openDb({ path });
    await seedFindScenario(db);
    db.$client.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return path;
}
