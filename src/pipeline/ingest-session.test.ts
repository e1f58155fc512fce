import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dumpData, memoryDb, tempDir } from "../../test/support/db.js";
import {
  awslogs,
  logsControlMessage,
  logsDataMessage,
  lookupEvent,
  lookupEventsOutput,
} from "../../test/support/envelopes.js";
import { ingestPaths, runStages } from "../../test/support/ingest.js";
import { makeRecord, uuidFor } from "../../test/support/records.js";

const T = "2026-11-16T10:00:00Z";
const usage = (n: number, extra: Partial<Parameters<typeof makeRecord>[0]> = {}) =>
  makeRecord({ eventId: uuidFor(n, 1), eventTime: T, ...extra });
const denial = (n: number) =>
  makeRecord({
    eventId: uuidFor(n, 2),
    eventTime: T,
    eventSource: "s3.amazonaws.com",
    eventName: "GetObject",
    requestParameters: { bucketName: "reports", key: "2026/11/a.csv" },
    errorCode: "AccessDenied",
    errorMessage:
      'User: arn:aws:sts::111122223333:assumed-role/checkout-task/0f1e2d3c4b5a69788796a5b4c3d2e1f0 is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::reports/2026/11/a.csv" because no identity-based policy allows the s3:GetObject action',
  });
const registerTaskDefinition = (n: number) =>
  makeRecord({
    eventId: uuidFor(n, 3),
    eventTime: T,
    eventSource: "ecs.amazonaws.com",
    eventName: "RegisterTaskDefinition",
    userIdentity: {
      type: "IAMUser",
      arn: "arn:aws:iam::111122223333:user/ci",
      accountId: "111122223333",
      userName: "ci",
    },
    requestParameters: {
      family: "checkout",
      taskRoleArn: "arn:aws:iam::111122223333:role/checkout-task",
      executionRoleArn: "arn:aws:iam::111122223333:role/checkout-exec",
    },
  });

function count(db: ReturnType<typeof memoryDb>, table: string): number {
  return (db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

describe("ingesting CloudTrail files", () => {
  it("reads a whole S3 export tree, organisation layout included, and skips digest files", async () => {
    const root = tempDir();
    const dayDir = join(
      root,
      "AWSLogs",
      "o-abc123",
      "111122223333",
      "CloudTrail",
      "eu-west-1",
      "2026",
      "11",
      "16",
    );
    const digestDir = join(
      root,
      "AWSLogs",
      "o-abc123",
      "111122223333",
      "CloudTrail-Digest",
      "eu-west-1",
      "2026",
      "11",
      "16",
    );
    mkdirSync(dayDir, { recursive: true });
    mkdirSync(digestDir, { recursive: true });
    const file = (name: string, records: unknown[]) =>
      writeFileSync(join(dayDir, name), gzipSync(JSON.stringify({ Records: records })));
    file("111122223333_CloudTrail_eu-west-1_20261116T1000Z_a.json.gz", [usage(1), usage(2), denial(1)]);
    file("111122223333_CloudTrail_eu-west-1_20261116T1005Z_b.json.gz", [usage(3), registerTaskDefinition(1)]);
    writeFileSync(
      join(digestDir, "111122223333_CloudTrail-Digest_eu-west-1_20261116T1000Z.json.gz"),
      gzipSync(JSON.stringify({ digestStartTime: T, logFiles: [] })),
    );

    const db = memoryDb();
    const { summary, rejections } = await ingestPaths(db, [root]);

    expect(rejections).toEqual([]);
    expect(summary.files.read).toBe(2);
    expect(summary.events).toBe(5);
    expect(summary.stored).toEqual({ denials: 1, evidence: 1, usage: 3 });
    expect(count(db, "denials")).toBe(1);
    expect(count(db, "evidence_events")).toBe(1);
    // The three GetItem calls of one role on one table on one day fold into one usage row.
    const rows = db.$client
      .prepare("SELECT principal_arn, event_name, resource, calls FROM usage_daily")
      .all();
    expect(rows).toEqual([
      {
        principal_arn: "arn:aws:iam::111122223333:role/checkout-task",
        event_name: "GetItem",
        resource: "arn:aws:dynamodb:eu-west-1:111122223333:table/orders",
        calls: 3,
      },
      {
        principal_arn: "arn:aws:iam::111122223333:user/ci",
        event_name: "RegisterTaskDefinition",
        resource: "",
        calls: 1,
      },
    ]);
  });

  it("keeps each denial's record exactly as it was in the file", async () => {
    const dir = tempDir();
    const text = JSON.stringify({ Records: [usage(1), denial(7)] }, null, 2);
    writeFileSync(join(dir, "trail.json"), text);
    const db = memoryDb();
    await ingestPaths(db, [dir]);
    const row = db.$client
      .prepare(
        "SELECT raw, principal_arn, role_arn, session_name, error_code FROM denials JOIN denial_raw USING (event_id)",
      )
      .get() as {
      raw: string;
      role_arn: string;
      session_name: string;
    };
    expect(text).toContain(row.raw);
    expect(JSON.parse(row.raw)).toEqual(denial(7));
    expect(row.role_arn).toBe("arn:aws:iam::111122223333:role/checkout-task");
    expect(row.session_name).toBe("0f1e2d3c4b5a69788796a5b4c3d2e1f0");
  });

  it("reads non-ASCII text alike: plain, after a byte-order mark, gzipped, and in gzip members split mid-character", async () => {
    const record = {
      ...denial(8),
      requestParameters: { bucketName: "reports", key: "résumés/日本語/ünïcode.csv" },
      userAgent: "aws-cli/2.15 md/ñ",
    };
    const text = JSON.stringify({ Records: [usage(1), record] });
    const bytes = Buffer.from(text, "utf8");
    // A split inside the three bytes of 日, so neither member holds the whole character.
    const cut = bytes.indexOf(Buffer.from("日", "utf8")) + 1;
    const variants: Record<string, Buffer> = {
      "plain.json": bytes,
      "bom.json": Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]),
      "whole.json.gz": gzipSync(bytes),
      "members.json.gz": Buffer.concat([gzipSync(bytes.subarray(0, cut)), gzipSync(bytes.subarray(cut))]),
    };
    for (const [name, content] of Object.entries(variants)) {
      const dir = tempDir();
      writeFileSync(join(dir, name), content);
      const db = memoryDb();
      const { summary } = await ingestPaths(db, [dir]);
      expect(summary.events, name).toBe(2);
      const raw = db.$client.prepare("SELECT raw FROM denial_raw").pluck().get() as string;
      expect(JSON.parse(raw), name).toEqual(record);
      expect(text, name).toContain(raw);
    }
  });

  it("reads JSON-lines, JSON arrays, EventBridge events and standard input alike", async () => {
    const dir = tempDir();
    const eventBridge = (record: Record<string, unknown>) => ({
      version: "0",
      id: "6f4c2f5e-0000-4000-8000-000000000001",
      "detail-type": "AWS API Call via CloudTrail",
      source: "aws.s3",
      account: "111122223333",
      time: T,
      region: "eu-west-1",
      resources: [],
      detail: record,
    });
    writeFileSync(join(dir, "a.jsonl"), `${JSON.stringify(usage(1))}\n${JSON.stringify(usage(2))}\n`);
    writeFileSync(join(dir, "b.json"), JSON.stringify([usage(3), denial(1)]));
    writeFileSync(join(dir, "c.json"), JSON.stringify(eventBridge(denial(2)), null, 2));
    writeFileSync(join(dir, "d.jsonl.gz"), gzipSync(`${JSON.stringify(eventBridge(usage(4)))}\n`));
    const db = memoryDb();
    const { summary } = await ingestPaths(db, [dir, "-"], {
      stdin: gzipSync(JSON.stringify({ Records: [usage(5), denial(3)] })),
    });
    expect(summary.rejected.total).toBe(0);
    expect(summary.events).toBe(8);
    expect(summary.stored.denials).toBe(3);
    // An EventBridge denial is stored as the CloudTrail record, without its envelope.
    const raws = db.$client.prepare("SELECT raw FROM denial_raw ORDER BY event_id").all() as {
      raw: string;
    }[];
    expect(raws.map((r) => JSON.parse(r.raw).eventID).sort()).toEqual(
      [denial(1), denial(2), denial(3)].map((r) => r.eventID).sort(),
    );
    expect(raws.every((r) => !("detail-type" in JSON.parse(r.raw)))).toBe(true);
  });

  it("reads lookup-events output, CloudWatch Logs subscription messages and the awslogs envelope", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "lookup.json"),
      JSON.stringify(lookupEventsOutput([usage(1), denial(1)]), null, 2),
    );
    writeFileSync(
      join(dir, "lookup.jsonl"),
      `${JSON.stringify(lookupEvent(usage(2)))}\n${JSON.stringify(lookupEvent(denial(2)))}\n`,
    );
    writeFileSync(
      join(dir, "logs.jsonl"),
      `${JSON.stringify(logsDataMessage([usage(3)]))}\n${JSON.stringify(logsControlMessage)}\n`,
    );
    writeFileSync(
      join(dir, "lambda.json.gz"),
      gzipSync(JSON.stringify(awslogs(logsDataMessage([denial(3), usage(4)])))),
    );
    const db = memoryDb();
    const { summary, rejections } = await ingestPaths(db, [dir]);
    expect(rejections).toEqual([]);
    expect(summary.events).toBe(7);
    expect(summary.stored.denials).toBe(3);
    // The denial's stored text is the record CloudTrail wrote, not the Event or the log event around it.
    const raws = db.$client.prepare("SELECT raw FROM denial_raw ORDER BY event_id").all() as {
      raw: string;
    }[];
    expect(raws.map((r) => JSON.parse(r.raw))).toEqual([denial(1), denial(2), denial(3)]);
  });

  it("changes nothing when the same data is ingested again, under any file name", async () => {
    const dir = tempDir();
    const records = [usage(1), usage(2), denial(1), registerTaskDefinition(1)];
    writeFileSync(join(dir, "one.json.gz"), gzipSync(JSON.stringify({ Records: records })));
    const db = memoryDb();
    await ingestPaths(db, [dir]);
    const first = dumpData(db);

    const again = await ingestPaths(db, [dir]);
    expect(again.summary.files).toEqual({ read: 0, skipped: 1 });

    const copy = tempDir();
    writeFileSync(join(copy, "copy.jsonl"), records.map((r) => JSON.stringify(r)).join("\n"));
    const copied = await ingestPaths(db, [copy]);
    expect(copied.summary.duplicates).toBe(4);
    expect(copied.summary.stored).toEqual({ denials: 0, evidence: 0, usage: 0 });
    const after = dumpData(db);
    expect({ ...after, source_files: [] }).toEqual({ ...first, source_files: [] });
  });

  it("builds the same usage aggregates whatever the order and batching of events", async () => {
    const records = Array.from({ length: 60 }, (_, i) =>
      usage(i, {
        eventTime: new Date(Date.parse(T) + (i % 7) * 3_600_000 * 5).toISOString(),
        userAgent: `agent-${i % 9}`,
        roleName: `role-${i % 2}`,
      }),
    );
    const dir = tempDir();
    writeFileSync(join(dir, "forward.jsonl"), records.map((r) => JSON.stringify(r)).join("\n"));
    writeFileSync(
      join(dir, "backward.jsonl"),
      [...records]
        .reverse()
        .map((r) => JSON.stringify(r))
        .join("\n"),
    );
    const a = memoryDb();
    await ingestPaths(a, [join(dir, "forward.jsonl")], { batchSize: 7 });
    const b = memoryDb();
    await ingestPaths(b, [join(dir, "backward.jsonl")], { batchSize: 1000 });
    const strip = (d: Record<string, unknown[]>) => ({ ...d, source_files: [] });
    expect(strip(dumpData(b))).toEqual(strip(dumpData(a)));
    // Nine agents reach the busiest row; it keeps the five smallest, so the order of arrival cannot matter.
    const busiest = a.$client
      .prepare("SELECT user_agents FROM usage_daily ORDER BY calls DESC LIMIT 1")
      .get() as {
      user_agents: string;
    };
    expect(JSON.parse(busiest.user_agents)).toEqual(["agent-0", "agent-1", "agent-2", "agent-3", "agent-4"]);
  });
});

describe("bad input", () => {
  it("keeps every record before the damage in a truncated gzip file and reports the file", async () => {
    const dir = tempDir();
    const records = Array.from({ length: 400 }, (_, i) =>
      usage(i, { requestParameters: { tableName: `t${i}`, pad: "p".repeat(200) } }),
    );
    const whole = gzipSync(JSON.stringify({ Records: records }), { level: 1 });
    writeFileSync(join(dir, "cut.json.gz"), whole.subarray(0, Math.floor(whole.length * 0.6)));
    writeFileSync(join(dir, "good.jsonl"), JSON.stringify(usage(1000)));
    const db = memoryDb();
    const { summary, rejections } = await ingestPaths(db, [dir]);
    expect(rejections).toMatchObject([{ location: join(dir, "cut.json.gz"), reason: "gzip.corrupt" }]);
    expect(summary.events).toBeGreaterThan(100);
    expect(summary.events).toBeLessThan(401);
    const quarantined = db.$client.prepare("SELECT reason, location FROM quarantine").all();
    expect(quarantined).toEqual([{ reason: "gzip.corrupt", location: join(dir, "cut.json.gz") }]);
    // The good file after the damaged one is read too.
    expect(
      db.$client.prepare("SELECT count(*) AS n FROM usage_daily WHERE resource LIKE '%table/orders'").get(),
    ).toEqual({ n: 1 });
  });

  it("sets aside a gzip bomb as gzip.too_large, stores the file beside it, and a re-run does the same", async () => {
    const dir = tempDir();
    const member = gzipSync(Buffer.alloc(16 * 1024 * 1024));
    writeFileSync(join(dir, "bomb.json.gz"), Buffer.concat([gzipSync('{"Records":['), member, member]));
    writeFileSync(join(dir, "good.json.gz"), gzipSync(JSON.stringify({ Records: [usage(1), denial(1)] })));
    const db = memoryDb();
    for (const run of [1, 2]) {
      const { summary, rejections } = await ingestPaths(db, [dir], { maxInflatedBytes: 8 * 1024 * 1024 });
      expect(
        rejections.map((r) => [r.location, r.reason]),
        `run ${run}`,
      ).toContainEqual([join(dir, "bomb.json.gz"), "gzip.too_large"]);
      expect(summary.files.read).toBe(run === 1 ? 2 : 1);
    }
    expect(count(db, "denials")).toBe(1);
    expect(
      db.$client.prepare("SELECT reason FROM quarantine WHERE reason = 'gzip.too_large'").all(),
    ).toHaveLength(1);
  });

  it("sets aside invalid JSON, records without eventID or eventTime, and keeps the records around them", async () => {
    const dir = tempDir();
    const { eventID: _id, ...noId } = usage(2);
    const { eventTime: _time, ...noTime } = usage(3);
    const lines = [
      JSON.stringify(usage(1)),
      '{"eventID": "x", "eventTime": ',
      JSON.stringify(noId),
      JSON.stringify(noTime),
      JSON.stringify(usage(4)),
    ];
    writeFileSync(join(dir, "mixed.jsonl"), lines.join("\n"));
    const db = memoryDb();
    const { summary, rejections } = await ingestPaths(db, [dir]);
    expect(summary.events).toBe(2);
    expect(rejections.map((r) => [r.position, r.reason])).toEqual([
      ["line 2", "json.invalid"],
      ["line 3", "record.missing_event_id"],
      ["line 4", "record.missing_event_time"],
    ]);
    const rows = db.$client
      .prepare("SELECT position, reason, raw FROM quarantine ORDER BY position")
      .all() as { raw: string }[];
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ position: "line 2", raw: '{"eventID": "x", "eventTime": ' });
    expect(summary.rejected.byReason).toEqual({
      "json.invalid": 1,
      "record.missing_event_id": 1,
      "record.missing_event_time": 1,
    });
  });

  it("reports files that are not CloudTrail at all", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "x", version: "1.0.0" }));
    writeFileSync(join(dir, "export.log"), "eventID,eventTime\n1,2\n");
    writeFileSync(join(dir, "records.json"), JSON.stringify({ Records: [usage(1)] }));
    const db = memoryDb();
    const { summary, rejections } = await ingestPaths(db, [dir]);
    expect(summary.events).toBe(1);
    expect(rejections.map((r) => [r.location.slice(dir.length + 1), r.reason]).sort()).toEqual([
      ["export.log", "file.not_cloudtrail"],
      ["package.json", "record.not_cloudtrail"],
    ]);
  });

  it("reports a bad record inside a Records file by its index", async () => {
    const dir = tempDir();
    const bad = { ...usage(2), eventTime: "yesterday" };
    writeFileSync(join(dir, "f.json"), JSON.stringify({ Records: [usage(1), bad, usage(3)] }));
    const db = memoryDb();
    const { summary, rejections } = await ingestPaths(db, [dir]);
    expect(summary.events).toBe(2);
    expect(rejections).toMatchObject([{ position: "record 1", reason: "record.invalid_event_time" }]);
  });

  it("quarantines the same bad record once, however often it is ingested", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "f.jsonl"), `${JSON.stringify(usage(1))}\nnot json\n`);
    const db = memoryDb();
    await ingestPaths(db, ["-"], { stdin: `${JSON.stringify(usage(1))}\nnot json\n` });
    await ingestPaths(db, ["-"], { stdin: `${JSON.stringify(usage(1))}\nnot json\n` });
    expect(count(db, "quarantine")).toBe(1);
  });
});

describe("fields of the wrong JSON type", () => {
  const denialOf = (n: number) => denial(n);
  /** A record with `path` set to `value` (a deep copy). */
  const withField = (record: Record<string, unknown>, path: string[], value: unknown) => {
    const copy = structuredClone(record);
    let node = copy;
    for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
    node[path.at(-1) as string] = value;
    return copy;
  };

  it("set aside their record only, naming the field, and a re-run stores nothing twice and blocks nothing", async () => {
    const bad: [string[], unknown][] = [
      [["awsRegion"], true],
      [["recipientAccountId"], { id: "111122223333" }],
      [["userIdentity", "type"], { type: "AssumedRole" }],
      [["userIdentity", "arn"], ["arn:aws:sts::111122223333:assumed-role/a/b"]],
      [["awsRegion"], []],
    ];
    const records = [
      denialOf(1),
      ...bad.map(([path, value], i) => withField(denialOf(10 + i), path, value)),
      withField(withField(denialOf(20), ["awsRegion"], []), ["errorCode"], ["AccessDenied", "shifted"]),
      denialOf(2),
    ];
    const dir = tempDir();
    writeFileSync(join(dir, "f.json"), JSON.stringify({ Records: records }));
    const db = memoryDb();
    const first = await ingestPaths(db, [dir]);
    expect(first.summary.stored.denials).toBe(2);
    expect(first.rejections.map((r) => r.reason)).toEqual(Array(6).fill("record.invalid_field"));
    expect(first.rejections.map((r) => r.detail.split(": ").slice(1, 2)[0])).toEqual([
      "awsRegion",
      "recipientAccountId",
      "userIdentity.type",
      "userIdentity.arn",
      "awsRegion",
      "awsRegion",
    ]);
    // No row with shifted columns: every stored denial is one of the two good records, as they were.
    const rows = db.$client
      .prepare("SELECT event_id, region, error_code FROM denials ORDER BY event_id")
      .all();
    expect(rows).toEqual([
      { event_id: uuidFor(1, 2), region: "eu-west-1", error_code: "AccessDenied" },
      { event_id: uuidFor(2, 2), region: "eu-west-1", error_code: "AccessDenied" },
    ]);
    const again = await ingestPaths(db, [dir]);
    expect(again.summary.stored.denials).toBe(0);
    expect(again.summary.duplicates).toBe(2);
    expect(count(db, "quarantine")).toBe(6);
  });

  it("never throw and never lose a good record of the batch, whatever field is given whatever type", async () => {
    const json = fc.oneof(
      fc.boolean(),
      fc.integer(),
      fc.double(),
      fc.constant(null),
      fc.string(),
      fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 3 }),
      fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer()), { maxKeys: 3 }),
    );
    const paths = (value: unknown, prefix: string[] = []): string[][] =>
      typeof value !== "object" || value === null || Array.isArray(value)
        ? []
        : Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...paths(v, [...prefix, k])]);
    const template = [denialOf(1), registerTaskDefinition(1), usage(1)];
    const mutation = fc
      .constantFrom(...template.map((_, i) => i))
      .chain((i) => fc.tuple(fc.constant(i), fc.constantFrom(...paths(template[i])), json));
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (mutations) => {
        // Record k of the batch is a copy of template[k % 3] with its own id; mutated ones follow the good ones.
        const good = [denial(100), registerTaskDefinition(100), usage(100)];
        const mutated = mutations.map(([i, path, value], k) => {
          const copy = withField(template[i] as Record<string, unknown>, ["eventID"], uuidFor(500 + k, 9));
          return withField(copy, path, value);
        });
        const db = memoryDb();
        const { summary } = await ingestPaths(db, ["-"], {
          stdin: `${[good[0], ...mutated, good[1], good[2]].map((r) => JSON.stringify(r)).join("\n")}\n`,
        });
        await runStages(db);
        const ids = new Set(
          (
            db.$client.prepare("SELECT hex(event_key) AS k FROM ingested_events").all() as { k: string }[]
          ).map((r) => r.k),
        );
        expect(ids.size).toBeGreaterThanOrEqual(3);
        expect(summary.events + summary.rejected.total).toBe(3 + mutated.length);
        expect(count(db, "denials")).toBeGreaterThanOrEqual(1);
        expect(count(db, "evidence_events")).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 60 },
    );
  });
});
