import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { classifyFacts, classifyRoles } from "../src/classify/classify.js";
import type { ClassifierInput } from "../src/classify/classify.types.js";
import type { CloudTrailRecord } from "../src/cloudtrail/record.js";
import { agentClass } from "../src/cloudtrail/user-agents.js";
import { type Db, openDb } from "../src/db/client.js";
import { createStore } from "../src/db/store.js";
import { refreshCatalog } from "../src/pipeline/refresh-catalog.js";
import { storeInput } from "../test/support/store-input.js";
import { median, time, timeAsync } from "./report.js";

const ROLES = 10_000;
const EVENTS = 1_000_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const A = "111122223333";
const T0 = Date.parse("2026-11-16T00:00:00Z");
const AGENT = "Amazon ECS Agent - v1.89.2 (a1b2c3d) (linux; amzn2) (+http://aws.amazon.com/ecs/)";
const SDK = "aws-sdk-java/2.28.16 Linux/5.10 exec-env/AWS_ECS_FARGATE";

const hex32 = (n: number) => n.toString(16).padStart(32, "0");
const iso = (ms: number) => new Date(ms).toISOString();
const role = (i: number) => `arn:aws:iam::${A}:role/bench-${i}`;

/**
 * Synthetic store contents for 10,000 roles: ECS services (task + execution role, task definitions, paired
 * AssumeRole events), EC2 hosts, Lambda functions and plain roles, with usage aggregates and denials standing for
 * 1,000,000 stored events.
 */
export function syntheticInput(): ClassifierInput {
  const evidence: CloudTrailRecord[] = [];
  const input: ClassifierInput = { evidence, sessions: [], usage: [], denials: [] };
  let id = 0;
  const ev = (
    r: Partial<CloudTrailRecord> & Pick<CloudTrailRecord, "eventTime" | "eventSource" | "eventName">,
  ): void => {
    id += 1;
    evidence.push({ ...r, eventID: `bench-${id}` });
  };
  const usagePerRole = 10;
  const callsPerRow = Math.ceil((EVENTS - ROLES) / (ROLES * usagePerRole));
  for (let i = 0; i < ROLES; i++) {
    const arn = role(i);
    const t = T0 + i * 1000;
    const kind = i % 10;
    const trust =
      kind < 6 ? "ecs-tasks.amazonaws.com" : kind < 8 ? "ec2.amazonaws.com" : "lambda.amazonaws.com";
    ev({
      eventTime: iso(t),
      eventSource: "iam.amazonaws.com",
      eventName: "CreateRole",
      recipientAccountId: A,
      requestParameters: {
        roleName: `bench-${i}`,
        assumeRolePolicyDocument: encodeURIComponent(
          JSON.stringify({
            Statement: [{ Effect: "Allow", Principal: { Service: trust }, Action: "sts:AssumeRole" }],
          }),
        ),
      },
    });
    let shape = "other";
    let delivery = "";
    let ua = SDK;
    if (kind < 6 && i % 2 === 0) {
      // A service: this role is the task role, the next one its execution role.
      ev({
        eventTime: iso(t + 1),
        eventSource: "ecs.amazonaws.com",
        eventName: "RegisterTaskDefinition",
        recipientAccountId: A,
        requestParameters: { family: `svc-${i}`, taskRoleArn: arn, executionRoleArn: role(i + 1) },
      });
      for (const task of [hex32(i * 2), hex32(i * 2 + 1)])
        for (const r of [arn, role(i + 1)])
          ev({
            eventTime: iso(t + 2),
            eventSource: "sts.amazonaws.com",
            eventName: "AssumeRole",
            recipientAccountId: A,
            userIdentity: { type: "AWSService", invokedBy: "ecs-tasks.amazonaws.com" },
            requestParameters: { roleArn: r, roleSessionName: task },
          });
    }
    if (kind < 6) shape = "ecs-task-id";
    if (kind < 6 && i % 2 === 1) ua = AGENT;
    if (kind === 6 || kind === 7) {
      shape = "ec2-instance-id";
      delivery = "2.0";
      ua = kind === 6 ? AGENT : "aws-sdk-go/1.44.260 amazon-ssm-agent/3.3.987.0";
    }
    if (kind >= 8) ua = "Boto3/1.34.145 exec-env/AWS_Lambda_python3.12";
    input.sessions.push({
      roleArn: arn,
      sessionShape: shape,
      ec2RoleDelivery: delivery,
      federatedProvider: "",
      invokedBy: "",
      sampleSession: shape === "ec2-instance-id" ? `i-0${hex32(i).slice(-16)}` : hex32(i),
      calls: usagePerRole * callsPerRow,
      firstSeen: t,
      lastSeen: t + 86_000_000,
    });
    for (let u = 0; u < usagePerRole; u++)
      input.usage.push({
        roleArn: arn,
        eventSource: u % 2 ? "ecr.amazonaws.com" : "dynamodb.amazonaws.com",
        eventName: `Op${u}`,
        calls: callsPerRow,
        userAgents: [ua],
        firstSeen: t,
        lastSeen: t + 86_000_000,
      });
    input.denials.push({
      roleArn: arn,
      eventSource: "s3.amazonaws.com",
      eventName: "GetObject",
      userAgent: ua,
      sessionName: hex32(i),
      eventTime: t + 5000,
      errorMessage: "Access Denied",
    });
  }
  return input;
}

/** Prints how long recomputing the catalogue takes, in memory and through a file database. */
export async function benchClassify(): Promise<void> {
  benchInMemory();
  await benchStore();
}

/** classifyRoles over the synthetic input held in memory. */
function benchInMemory(): void {
  const input = syntheticInput();
  const stored = input.evidence.length + input.usage.reduce((n, u) => n + u.calls, 0) + input.denials.length;
  process.stdout.write(
    `classify: ${ROLES} roles, ${input.evidence.length} evidence records, ${input.usage.length} usage rows, ${input.sessions.length} session rows, ${input.denials.length} denials (${stored} events)\n`,
  );
  classifyRoles(input); // warm-up
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const [, w, c] = time(() => classifyRoles(input));
    wall.push(w);
    cpu.push(c);
  }
  process.stdout.write(
    `classifyRoles: wall median ${median(wall).toFixed(0)} ms (best ${Math.min(...wall).toFixed(0)}), cpu median ${median(cpu).toFixed(0)} ms (${RUNS} runs)\n`,
  );
}

/**
 * A file database holding the synthetic input. The input is built here and dropped on return, so the timed
 * recomputes run with the heap a service has (not with a second copy of the store in memory to trace).
 */
function storeOf(path: string): Db {
  const db = openDb({ path });
  // One day of usage: one row per (role, API), as the synthetic input counts it.
  storeInput(db, syntheticInput(), { splitDays: false });
  return db;
}

/** refreshCatalog through a file database: the first on a new connection, then after nothing, a batch, a rewrite. */
async function benchStore(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "deniedby-bench-"));
  try {
    const db = storeOf(join(dir, "bench.db"));
    // One store for the connection, as a process holds it (its caches live as long as it does).
    const store = createStore(db);
    // The first recompute on a new connection: nothing parsed or saved by this process yet.
    const [, coldWall, coldCpu] = await timeAsync(() => refreshCatalog(store));
    const phases = { load: [] as number[][], classify: [] as number[][], save: [] as number[][] };
    const steady: number[][] = [];
    const batch: number[][] = [];
    const rewrite: number[][] = [];
    const touch = db.$client.prepare(
      "UPDATE role_sessions SET last_seen = last_seen + 1 WHERE rowid % 10 = ?",
    );
    let roles = 0;
    for (let i = 0; i < RUNS; i++) {
      // Nothing new since the last recompute.
      const [result, w, c] = await timeAsync(() => refreshCatalog(store));
      roles = result.roles;
      steady.push([w, c]);
      // After a batch that saw 1 role in 10 again (a later lastSeen): those rows are rewritten.
      touch.run(i % 10);
      const [, bw, bc] = await timeAsync(() => refreshCatalog(store));
      batch.push([bw, bc]);
      // Every row written (the first recompute of a store).
      db.$client.exec("DELETE FROM role_catalog");
      const [, rw, rc] = await timeAsync(() => refreshCatalog(store));
      rewrite.push([rw, rc]);
      // The same three steps refreshCatalog runs, timed one by one.
      const [loaded, lw, lc] = time(() => store.facts.loadFacts(agentClass));
      phases.load.push([lw, lc]);
      const [entries, cw, cc] = time(() => classifyFacts(loaded));
      phases.classify.push([cw, cc]);
      const [, sw, sc] = time(() => store.catalog.save(entries));
      phases.save.push([sw, sc]);
    }
    const med = (runs: number[][], k: number) => median(runs.map((r) => r[k] ?? Number.NaN)).toFixed(0);
    const both = (runs: number[][]) => `wall median ${med(runs, 0)} ms, cpu median ${med(runs, 1)} ms`;
    process.stdout.write(
      `refreshCatalog (file db, load + classify + save, ${RUNS} runs, ${roles} roles):\n` +
        `  first on a new connection (1 run): wall ${coldWall.toFixed(0)} ms, cpu ${coldCpu.toFixed(0)} ms\n` +
        `  nothing new: ${both(steady)}\n` +
        `  after a batch touching 1 role in 10: ${both(batch)}\n` +
        `  every row rewritten: ${both(rewrite)}\n`,
    );
    process.stdout.write(
      `  phases, nothing new (wall / cpu medians): load ${med(phases.load, 0)} / ${med(phases.load, 1)} ms, classify ${med(phases.classify, 0)} / ${med(phases.classify, 1)} ms, save ${med(phases.save, 0)} / ${med(phases.save, 1)} ms\n`,
    );
    db.$client.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await benchClassify();
