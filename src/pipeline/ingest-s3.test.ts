import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dumpData } from "../../test/support/db.js";
import { createVirtualClock } from "../../test/support/fake-cloudtrail.js";
import { ACCESS_DENIED, type FakeS3, SLOW_DOWN, startFakeS3 } from "../../test/support/fake-s3.js";
import { putTrailFile, type TrailFile } from "../../test/support/trail-objects.js";
import { type Db, openDb } from "../db/client.js";
import { createStore, type Store } from "../db/store.js";
import { S3_SOURCE, type S3SourceOptions, s3Source } from "../sources/s3/s3.source.js";
import { createS3Client } from "../sources/s3/s3-client.js";
import { MIN_HANDED_OVER } from "../sources/s3/s3-object.js";
import { parseS3Uri } from "../sources/s3/trail-layout.js";
import { ingestSource } from "./ingest-session.js";

const NOW = Date.parse("2026-03-10T12:00:00Z");
const DAY = 86_400_000;
const BUCKET = "trail-bucket";
const ACCOUNT = "111122223333";
const credentials = { accessKeyId: "test", secretAccessKey: "test" };

let fake: FakeS3;
let db: Db;
let store: Store;
let clock: ReturnType<typeof createVirtualClock>;

beforeEach(async () => {
  clock = createVirtualClock(NOW);
  fake = await startFakeS3({ now: clock.now });
  db = openDb({ path: ":memory:" });
  store = createStore(db);
});

afterEach(async () => {
  await fake.close();
  db.$client.close();
});

const count = (sql: string) => (db.$client.prepare(sql).get() as { n: number }).n;
const storedEvents = () => count("SELECT count(*) AS n FROM ingested_events");
const lists = () => fake.requests.filter((r) => r.operation === "ListObjectsV2");
const gets = () => fake.requests.filter((r) => r.operation === "GetObject");

/** One read of `uri` through the pipeline's ingest session, as `deniedby ingest s3://…` runs it. */
function read(uri: string, options: Partial<S3SourceOptions> = {}, signal?: AbortSignal) {
  const location = parseS3Uri(uri);
  if (!location) throw new Error(`bad uri ${uri}`);
  const source = s3Source({
    client: createS3Client({ region: "eu-west-1", endpoint: fake.url, credentials, forcePathStyle: true }),
    location,
    clock,
    retry: { random: () => 1 },
    ...options,
  });
  return ingestSource(store, source, signal ? { signal } : {});
}

/** `files` log files a day for `days` days before NOW, in one account and region. */
function trail(o: {
  days: number;
  files: number;
  account?: string;
  region?: string;
  org?: string;
  prefix?: string;
}) {
  const out: TrailFile[] = [];
  for (let d = o.days; d >= 1; d--)
    for (let n = 0; n < o.files; n++)
      out.push(
        putTrailFile(fake, BUCKET, {
          account: o.account ?? ACCOUNT,
          region: o.region ?? "eu-west-1",
          at: NOW - d * DAY + n * 60_000,
          n,
          ...(o.org !== undefined ? { org: o.org } : {}),
          ...(o.prefix !== undefined ? { prefix: o.prefix } : {}),
        }),
      );
  return out;
}

describe("the S3 source", () => {
  it("pages a day's listing 1,000 keys at a time and reads every object once", async () => {
    const dayStart = Date.parse("2026-03-09T00:00:00Z");
    const files = Array.from({ length: 2_345 }, (_, n) =>
      putTrailFile(fake, BUCKET, { account: ACCOUNT, region: "eu-west-1", at: dayStart + n * 10_000, n }),
    );
    const { summary, result } = await read(`s3://${BUCKET}/`);

    expect(storedEvents()).toBe(files.length * 3);
    expect(result.objects).toEqual({ read: 2_345, skipped: 0, gone: 0 });
    const dayLists = lists().filter((r) => r.query.prefix?.endsWith("/2026/03/09/"));
    expect(dayLists).toHaveLength(3);
    expect(dayLists.slice(1).every((r) => r.query["continuation-token"] !== undefined)).toBe(true);
    expect(gets()).toHaveLength(2_345);
    expect(summary.files.read).toBe(2_345);
  });

  it("finds an organisation trail's accounts and regions and lists only the days of --since..--until", async () => {
    const org = "o-abcdef1234";
    const a = trail({ days: 20, files: 1, org, prefix: "trails/" });
    const b = trail({
      days: 20,
      files: 1,
      org,
      prefix: "trails/",
      account: "444455556666",
      region: "us-east-1",
    });
    fake.put(
      BUCKET,
      `trails/AWSLogs/${org}/${ACCOUNT}/CloudTrail-Digest/eu-west-1/2026/03/09/digest.json.gz`,
      "x",
    );
    const { result } = await read(`s3://${BUCKET}/trails/`, { since: NOW - 5 * DAY, until: NOW - 3 * DAY });

    // Delivery days 5, 4 and 3 days ago, and the day after --until (files delivered after its last events).
    const want = [...a, ...b].filter((f) => /\/2026\/03\/0[5-8]\//.test(f.key));
    expect(want).toHaveLength(8);
    expect(storedEvents()).toBe(want.length * 3);
    expect(result.days).toBe(8);
    // Never a listing of the bucket or of a whole account or region: delimiter listings of one level, then days.
    for (const r of lists())
      expect(r.query.delimiter === "/" || /\/\d{4}\/\d{2}\/\d{2}\/$/.test(r.query.prefix ?? "")).toBe(true);
    expect(lists().map((r) => r.query.prefix)).not.toContain("");
    expect(gets().some((r) => r.key?.includes("Digest"))).toBe(false);
  });

  it("narrows to the accounts and regions given, without listing them", async () => {
    trail({ days: 2, files: 1 });
    trail({ days: 2, files: 1, account: "444455556666" });
    trail({ days: 2, files: 1, region: "us-east-1" });
    await read(`s3://${BUCKET}/`, { filter: { accounts: [ACCOUNT], regions: ["eu-west-1"] } });
    expect(storedEvents()).toBe(2 * 3);
    expect(lists().some((r) => r.query.prefix === `AWSLogs/${ACCOUNT}/CloudTrail/`)).toBe(false);
  });

  it("skips an object listed twice by its key and ETag: no second GetObject, nothing stored twice", async () => {
    const files = trail({ days: 2, files: 3 });
    await read(`s3://${BUCKET}/`);
    const firstGets = gets().length;
    // The same objects named through a deeper prefix, in a second run.
    const { result, summary } = await read(`s3://${BUCKET}/AWSLogs/${ACCOUNT}/CloudTrail/eu-west-1/`);

    expect(firstGets).toBe(files.length);
    expect(gets()).toHaveLength(files.length);
    expect(result.objects).toEqual({ read: 0, skipped: 6, gone: 0 });
    expect(summary.files.skipped).toBe(6);
    expect(storedEvents()).toBe(18);
  });

  it("reads an object again when its ETag changed; event ids keep what it held before from counting twice", async () => {
    const [first] = trail({ days: 1, files: 1 });
    if (!first) throw new Error("no file");
    await read(`s3://${BUCKET}/`);
    expect(storedEvents()).toBe(3);

    // Rewritten with one more record: same key, new ETag.
    const again = putTrailFile(fake, BUCKET, {
      account: ACCOUNT,
      region: "eu-west-1",
      at: NOW - DAY,
      n: 0,
      events: 4,
    });
    expect(again.key).toBe(first.key);
    expect(again.info.eTag).not.toBe(first.info.eTag);
    const { result, summary } = await read(`s3://${BUCKET}/`);

    expect(result.objects.read).toBe(1);
    expect(summary.duplicates).toBe(3);
    expect(storedEvents()).toBe(4);
    const etag = db.$client
      .prepare("SELECT etag FROM source_files WHERE path = ?")
      .pluck()
      .get(`s3://${BUCKET}/${first.key}`);
    expect(etag).toBe(again.info.eTag);
  });

  it("backs off on SlowDown while listing and goes on", async () => {
    trail({ days: 1, files: 2 });
    fake.fail(SLOW_DOWN, { times: 2, when: (r) => r.operation === "ListObjectsV2" });
    const { result } = await read(`s3://${BUCKET}/`);

    expect(storedEvents()).toBe(6);
    expect(lists().filter((r) => r.status === 503)).toHaveLength(2);
    expect(result.listRequests).toBe(lists().length);
    expect(clock.sleeps).toEqual([1000, 2000]);
  });

  it("gives up on a list still throttled after every retry, with a one-line typed error", async () => {
    trail({ days: 1, files: 1 });
    fake.fail(SLOW_DOWN, { times: Number.POSITIVE_INFINITY, when: (r) => r.operation === "ListObjectsV2" });
    const error = await read(`s3://${BUCKET}/`, { retry: { maxAttempts: 3, random: () => 1 } }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "s3.throttled", awsCode: "SlowDown" });
    expect(String((error as Error).message)).not.toContain("\n");
    expect(lists()).toHaveLength(3);
  });

  it("goes on past an object deleted between its listing and its read", async () => {
    const files = trail({ days: 1, files: 3 });
    const gone = files[1]?.key;
    fake.onRequest = (r) => {
      if (r.operation === "GetObject" && r.key === gone) fake.delete(BUCKET, r.key);
      return undefined;
    };
    const goneSeen: string[] = [];
    const { result } = await read(`s3://${BUCKET}/`, { onGone: (uri) => goneSeen.push(uri) });

    expect(result.objects).toEqual({ read: 2, skipped: 0, gone: 1 });
    expect(goneSeen).toEqual([`s3://${BUCKET}/${gone}`]);
    expect(storedEvents()).toBe(6);
  });

  it("fails on an object it may not read, keeping every object read before it", async () => {
    const files = trail({ days: 1, files: 3 });
    fake.fail(ACCESS_DENIED, { when: (r) => r.key === files[2]?.key });
    const error = await read(`s3://${BUCKET}/`).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "s3.request_failed", awsCode: "AccessDenied" });
    expect(storedEvents()).toBe(6);
  });

  it("resumes an interrupted run over the same range after the last object it read", async () => {
    trail({ days: 3, files: 4 });
    const controller = new AbortController();
    fake.onRequest = (r) => {
      if (r.operation === "GetObject" && gets().length === 7) controller.abort();
      return undefined;
    };
    const since = NOW - 3 * DAY;
    await expect(read(`s3://${BUCKET}/`, { since }, controller.signal)).rejects.toThrow();
    fake.onRequest = null;
    const readBefore = storedEvents();
    expect(readBefore).toBe(6 * 3);
    const getsBefore = gets().length;

    const { result } = await read(`s3://${BUCKET}/`, { since });
    expect(result.resumed).toBe(1);
    expect(storedEvents()).toBe(12 * 3);
    // Listing resumed after the last object read (the 2nd of the second day), nothing listed or read twice.
    const resumedList = lists().find((r, i) => i > 0 && r.query["start-after"] !== undefined);
    expect(resumedList?.query["start-after"]).toMatch(/\/2026\/03\/08\/.*_0001abcd\.json\.gz$/);
    expect(gets().length - getsBefore).toBe(6);
    expect(result.objects.skipped).toBe(0);
    const checkpoint = db.$client
      .prepare("SELECT value FROM source_checkpoints WHERE source = ?")
      .pluck()
      .get(S3_SOURCE) as string;
    expect(JSON.parse(checkpoint)).toMatchObject({ done: true });
  });

  it("streams an object larger than the sizes handed over whole: its records reach the store in several chunks", async () => {
    putTrailFile(fake, BUCKET, { account: ACCOUNT, region: "eu-west-1", at: NOW - DAY, n: 0, events: 6_000 });
    let chunks = 0;
    const location = parseS3Uri(`s3://${BUCKET}/`);
    if (!location) throw new Error("uri");
    const source = s3Source({
      client: createS3Client({ region: "eu-west-1", endpoint: fake.url, credentials, forcePathStyle: true }),
      location,
      clock,
      handOver: [0, 1024],
    });
    await ingestSource(store, source, { onChunk: () => chunks++ });
    expect(storedEvents()).toBe(6_000);
    expect(chunks).toBeGreaterThan(3);
  });

  it("hands a busy object over whole, decoded like a file: the same database with 0 and 2 decode workers", async () => {
    const [first] = trail({ days: 2, files: 3 });
    const big = putTrailFile(fake, BUCKET, {
      account: ACCOUNT,
      region: "eu-west-1",
      at: NOW - DAY,
      n: 7,
      events: 6_000,
    });
    fake.put(BUCKET, first?.key.replace("_0000abcd", "_0009abcd") ?? "", gzipSync("{}").subarray(0, 12));
    const location = parseS3Uri(`s3://${BUCKET}/`);
    if (!location) throw new Error("uri");
    const source = () =>
      s3Source({
        client: createS3Client({
          region: "eu-west-1",
          endpoint: fake.url,
          credentials,
          forcePathStyle: true,
        }),
        location,
        clock,
      });
    const progress = { readCheckpoint: () => undefined, isFileDone: () => false, isObjectDone: () => false };
    const handed: number[] = [];
    for await (const chunk of source().read({ signal: new AbortController().signal, progress }))
      for (const item of chunk) if (item.kind === "file") handed.push(item.bytes?.length ?? -1);
    // The 6,000-record object, as its bytes; the small ones (3 records, and the corrupt one) stream.
    expect(handed).toEqual([big.info.size]);
    expect(handed[0]).toBeGreaterThan(MIN_HANDED_OVER);

    const inline = await ingestSource(store, source(), { decodeWorkers: 0 });
    const other = openDb({ path: ":memory:" });
    const onWorkers = await ingestSource(createStore(other), source(), { decodeWorkers: 2 });
    expect(inline.summary.events).toBe(6_000 + 6 * 3);
    expect(inline.summary.rejected.byReason).toEqual({ "gzip.corrupt": 1 });
    expect(onWorkers.summary).toEqual({ ...inline.summary, durationMs: onWorkers.summary.durationMs });
    expect(dumpData(other)).toEqual(dumpData(db));
    other.$client.close();
  });

  it("quarantines a corrupt gzip object and reads the others", async () => {
    const [good] = trail({ days: 1, files: 1 });
    const bad = good?.key.replace("_0000abcd", "_0001abcd") ?? "";
    fake.put(BUCKET, bad, gzipSync(JSON.stringify({ Records: [] })).subarray(0, 12));
    const { summary } = await read(`s3://${BUCKET}/`);
    expect(storedEvents()).toBe(3);
    expect(summary.rejected.byReason).toEqual({ "gzip.corrupt": 1 });
  });

  it("reads a prefix outside CloudTrail's layout as it is", async () => {
    fake.put(BUCKET, "exports/a.json", JSON.stringify({ Records: [] }));
    putTrailFile(fake, BUCKET, {
      prefix: "exports/x/",
      account: ACCOUNT,
      region: "eu-west-1",
      at: NOW,
      n: 0,
    });
    // Below AWSLogs/ but not its layout (a folder that is not an account).
    const { result } = await read(`s3://${BUCKET}/exports/x/AWSLogs/not-an-account/`);
    expect(result.roots).toBe(1);
    expect(storedEvents()).toBe(0);
    await read(`s3://${BUCKET}/exports/`);
    expect(storedEvents()).toBe(3);
  });
});
