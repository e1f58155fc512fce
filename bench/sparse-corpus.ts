import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { makeRecord, rng, uuidFor } from "../test/support/records.js";
import type { Corpus } from "./corpus.js";

const DAYS = 7;
const ACCOUNTS = ["111122223333", "222233334444", "333344445555", "444455556666", "555566667777"];
const ROLES = 150;
/** One file per account and 15 minutes, as CloudTrail delivers a quiet account's trail. */
const WINDOWS_PER_DAY = 96;
const BASE = Date.parse("2026-11-16T00:00:00Z");

function hex(random: () => number, length: number): string {
  let out = "";
  while (out.length < length)
    out += Math.floor(random() * 0x100000000)
      .toString(16)
      .padStart(8, "0");
  return out.slice(0, length);
}

/** Calls whose resource changes from call to call: what makes usage rows many on a busy account. */
function sparseCall(random: () => number, account: string, role: number, day: string) {
  const region = "eu-west-1";
  const task = hex(random, 32);
  const n = Math.floor(random() * 4000);
  const compactDay = day.replaceAll("-", "");
  const kinds: [string, string, Record<string, unknown>, Record<string, unknown>[] | undefined][] = [
    [
      "logs.amazonaws.com",
      "CreateLogStream",
      { logGroupName: `/ecs/service-${role}`, logStreamName: `ecs/app/${task}` },
      undefined,
    ],
    [
      "logs.amazonaws.com",
      "PutLogEvents",
      {
        logGroupName: `/aws/lambda/fn-${role}`,
        logStreamName: `${day.replaceAll("-", "/")}/[$LATEST]${task}`,
      },
      undefined,
    ],
    ["ecs.amazonaws.com", "DescribeTasks", { cluster: `cluster-${role % 10}`, task }, undefined],
    [
      "s3.amazonaws.com",
      "GetObject",
      { bucketName: `data-${role}`, key: `ingest/${day}/part-${n}.parquet` },
      undefined,
    ],
    ["dynamodb.amazonaws.com", "PutItem", { tableName: `events-${compactDay}-${role}` }, undefined],
    [
      "kms.amazonaws.com",
      "Decrypt",
      {
        encryptionAlgorithm: "SYMMETRIC_DEFAULT",
        encryptionContext: { "aws:s3:arn": `arn:aws:s3:::data-${role}/ingest/${day}/part-${n}.parquet` },
      },
      [
        {
          accountId: account,
          type: "AWS::KMS::Key",
          ARN: `arn:aws:kms:${region}:${account}:key/${hex(random, 8)}-0000-4000-8000-${String(role).padStart(12, "0")}`,
        },
      ],
    ],
    [
      "ssm.amazonaws.com",
      "GetParameter",
      { name: `/service-${role}/config/${compactDay}-${n % 50}` },
      undefined,
    ],
    [
      "sqs.amazonaws.com",
      "SendMessage",
      { queueUrl: `https://sqs.${region}.amazonaws.com/${account}/jobs-${role}` },
      undefined,
    ],
  ];
  const pick = kinds[Math.floor(random() * kinds.length)];
  if (!pick) throw new Error("unreachable: index within kinds");
  return pick;
}

/**
 * A sparse corpus outside the repository: 7 days, 5 accounts, 150 roles, each role touching thousands of distinct
 * resources (log streams per task, task IDs, date-stamped tables and parameters, per-object KMS contexts), one
 * `.json.gz` file per account and 15 minutes, ~2% denials. Built once and reused while its manifest matches.
 */
export function ensureSparseCorpus(events = 600_000, denialRate = 0.02): Corpus {
  const dir = join(tmpdir(), `deniedby-bench-sparse-${events}-${denialRate}`);
  const manifest = join(dir, "manifest.json");
  if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, "utf8")) as Corpus;
  const corpus: Corpus = { dir, files: 0, events: 0, denials: 0, jsonBytes: 0, gzipBytes: 0 };
  const random = rng(2026);
  const windows = DAYS * WINDOWS_PER_DAY * ACCOUNTS.length;
  const perWindow = Math.ceil(events / windows);
  for (let w = 0; w < DAYS * WINDOWS_PER_DAY; w++) {
    const start = BASE + w * 900_000;
    const iso = new Date(start).toISOString();
    const day = iso.slice(0, 10);
    ACCOUNTS.forEach((account, a) => {
      const records: unknown[] = [];
      for (let i = 0; i < perWindow && corpus.events < events; i++) {
        const role = (a * 30 + Math.floor(random() * 30)) % ROLES;
        const [eventSource, eventName, params, resources] = sparseCall(random, account, role, day);
        const denied = random() < denialRate;
        const session = hex(random, 32);
        const record = makeRecord({
          eventId: uuidFor(corpus.events, 0x5a),
          eventTime: new Date(start + Math.floor((i / perWindow) * 900_000))
            .toISOString()
            .replace(/\.\d{3}Z$/, "Z"),
          eventSource,
          eventName,
          roleName: `service-${role}`,
          session,
          account,
          requestParameters: params,
          ...(denied
            ? {
                errorCode: "AccessDenied",
                errorMessage: `User: arn:aws:sts::${account}:assumed-role/service-${role}/${session} is not authorized to perform: ${eventSource.split(".")[0]}:${eventName} because no identity-based policy allows the ${eventSource.split(".")[0]}:${eventName} action`,
              }
            : {}),
        });
        if (resources) record.resources = resources;
        if (denied) corpus.denials++;
        corpus.events++;
        records.push(record);
      }
      if (records.length === 0) return;
      const folder = join(dir, "AWSLogs", account, "CloudTrail", "eu-west-1", ...day.split("-"));
      mkdirSync(folder, { recursive: true });
      const json = JSON.stringify({ Records: records });
      const gz = gzipSync(json, { level: 6 });
      const stamp = iso.replace(/[-:]/g, "").slice(0, 13);
      writeFileSync(join(folder, `${account}_CloudTrail_eu-west-1_${stamp}Z_${hex(random, 16)}.json.gz`), gz);
      corpus.files++;
      corpus.jsonBytes += Buffer.byteLength(json);
      corpus.gzipBytes += gz.length;
    });
  }
  writeFileSync(manifest, JSON.stringify(corpus));
  return corpus;
}
