import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createVirtualClock } from "../../test/support/fake-cloudtrail.js";
import { ACCESS_DENIED, type FakeS3, startFakeS3 } from "../../test/support/fake-s3.js";
import { type FakeSqs, INTERNAL_FAILURE, startFakeSqs } from "../../test/support/fake-sqs.js";
import {
  cloudTrailDeliveryMessage,
  s3EventNotification,
  s3TestEvent,
  snsEnvelope,
} from "../../test/support/trail-notifications.js";
import { putTrailFile, type TrailFile } from "../../test/support/trail-objects.js";
import { type Db, openDb } from "../db/client.js";
import { createStore, type Store } from "../db/store.js";
import { createS3Client } from "../sources/s3/s3-client.js";
import { type MessageProblem, type SqsSourceOptions, sqsSource } from "../sources/sqs/sqs.source.js";
import { createSqsClient } from "../sources/sqs/sqs-client.js";
import { ingestSource } from "./ingest-session.js";

const NOW = Date.parse("2026-03-10T12:00:00Z");
const BUCKET = "trail-bucket";
const ACCOUNT = "111122223333";
const credentials = { accessKeyId: "test", secretAccessKey: "test" };

let s3: FakeS3;
let sqs: FakeSqs;
let db: Db;
let store: Store;
let clock: ReturnType<typeof createVirtualClock>;
let queueUrl: string;
let problems: MessageProblem[];

beforeEach(async () => {
  clock = createVirtualClock(NOW);
  s3 = await startFakeS3({ now: clock.now });
  sqs = await startFakeSqs({ now: clock.now, longPollCapMs: 50 });
  sqs.createQueue("trail-files-dlq");
  queueUrl = sqs.createQueue("trail-files", {
    visibilityTimeoutSeconds: 30,
    redrive: { deadLetterQueue: "trail-files-dlq", maxReceiveCount: 3 },
  });
  db = openDb({ path: ":memory:" });
  store = createStore(db);
  problems = [];
});

afterEach(async () => {
  await s3.close();
  await sqs.close();
  db.$client.close();
});

const storedEvents = () =>
  (db.$client.prepare("SELECT count(*) AS n FROM ingested_events").get() as { n: number }).n;
const gets = () => s3.requests.filter((r) => r.operation === "GetObject");
const deletes = () => sqs.requests.filter((r) => r.operation.startsWith("DeleteMessage"));

function source(overrides: Partial<SqsSourceOptions> = {}) {
  return sqsSource({
    sqs: createSqsClient({ region: "eu-west-1", endpoint: sqs.url, credentials }),
    s3: () => createS3Client({ region: "eu-west-1", endpoint: s3.url, credentials, forcePathStyle: true }),
    queueUrl,
    region: "eu-west-1",
    waitSeconds: 0,
    visibilitySeconds: 30,
    clock,
    retry: { random: () => 1, maxAttempts: 3 },
    onProblem: (p) => problems.push(p),
    ...overrides,
  });
}

/** One poll of the live source through the pipeline's ingest session, as the server runs it. */
const poll = (overrides: Partial<SqsSourceOptions> = {}) => ingestSource(store, source(overrides));

function file(n: number, events = 3, tag = "ev"): TrailFile {
  return putTrailFile(s3, BUCKET, {
    account: ACCOUNT,
    region: "eu-west-1",
    at: NOW - 3_600_000 + n * 60_000,
    n,
    events,
    tag,
  });
}

const notified = (...files: TrailFile[]) =>
  s3EventNotification(
    ...files.map((f) => ({ bucket: BUCKET, key: f.key, size: f.info.size, eTag: f.info.eTag })),
  );

describe("the SQS source", () => {
  it("reads the objects an S3 event notification names and deletes the message after they are stored", async () => {
    const a = file(0);
    const b = file(1, 5);
    sqs.send("trail-files", notified(a, b));
    let storedAtDelete = -1;
    sqs.onRequest = (r) => {
      if (r.operation === "DeleteMessageBatch") storedAtDelete = storedEvents();
      return undefined;
    };
    const { summary } = await poll();

    expect(storedEvents()).toBe(8);
    expect(summary.files.read).toBe(2);
    // The delete went out after the commit: the events were in the database when it arrived.
    expect(storedAtDelete).toBe(8);
    expect(sqs.messages("trail-files")).toEqual([]);
    expect(problems).toEqual([]);
  });

  it("reads S3 → SNS → SQS envelopes and CloudTrail's own SNS notification, raw or enveloped", async () => {
    const files = [file(0), file(1), file(2), file(3)];
    sqs.send("trail-files", snsEnvelope(notified(files[0] as TrailFile)));
    sqs.send("trail-files", cloudTrailDeliveryMessage(BUCKET, [files[1]?.key ?? ""]));
    sqs.send(
      "trail-files",
      snsEnvelope(cloudTrailDeliveryMessage(BUCKET, [files[2]?.key ?? "", files[3]?.key ?? ""])),
    );
    const live = source();
    await ingestSource(store, live);

    expect(storedEvents()).toBe(12);
    expect(sqs.messages("trail-files")).toEqual([]);
    expect(live.status?.()).toMatchObject({ messages_received: 3, messages_deleted: 3, objects_read: 4 });
  });

  it("decodes a notification's URL-encoded key ('+' for a space)", async () => {
    const info = s3.put(
      BUCKET,
      "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/03/10/a b+c.json",
      '{"Records":[]}',
    );
    sqs.send(
      "trail-files",
      s3EventNotification({ bucket: BUCKET, key: info.key, size: info.size, eTag: info.eTag }),
    );
    await poll();
    expect(gets().map((r) => r.key)).toEqual([info.key]);
    expect(sqs.messages("trail-files")).toEqual([]);
  });

  it("ignores and deletes S3's test event and notifications of digests", async () => {
    sqs.send("trail-files", s3TestEvent(BUCKET));
    const digest = s3.put(BUCKET, `AWSLogs/${ACCOUNT}/CloudTrail-Digest/eu-west-1/2026/03/10/d.json.gz`, "x");
    sqs.send(
      "trail-files",
      s3EventNotification({ bucket: BUCKET, key: digest.key, size: 1, eTag: digest.eTag }),
    );
    const live = source();
    await ingestSource(store, live);

    expect(gets()).toEqual([]);
    expect(sqs.messages("trail-files")).toEqual([]);
    expect(live.status?.()).toMatchObject({ messages_ignored: 2, messages_deleted: 2 });
  });

  it("logs and deletes a message whose object is gone instead of retrying it forever", async () => {
    const f = file(0);
    sqs.send("trail-files", notified(f));
    s3.delete(BUCKET, f.key);
    await poll();

    expect(sqs.messages("trail-files")).toEqual([]);
    expect(problems).toMatchObject([{ reason: "gone", receiveCount: 1 }]);
    expect(problems[0]?.detail).toContain(f.key);
  });

  it("leaves a poison message to the queue's redrive policy: the dead-letter queue after 3 receives", async () => {
    const good = file(0);
    const poison = file(1);
    s3.fail(ACCESS_DENIED, { times: Number.POSITIVE_INFINITY, when: (r) => r.key === poison.key });
    sqs.send("trail-files", notified(poison));
    sqs.send("trail-files", notified(good));
    sqs.send("trail-files", "this is not a notification");

    for (let round = 1; round <= 3; round++) {
      await poll();
      expect(sqs.messages("trail-files").map((m) => m.receiveCount)).toEqual([round, round]);
      clock.advance(31_000);
    }
    // The 4th receive finds both past maxReceiveCount: SQS moves them to the dead-letter queue itself.
    await poll();
    expect(sqs.messages("trail-files")).toEqual([]);
    const dead = sqs.messages("trail-files-dlq");
    expect(dead.map((m) => m.body).sort()).toEqual([notified(poison), "this is not a notification"].sort());
    // deniedby never deleted them: its only delete was the good message's.
    expect(deletes()).toHaveLength(1);
    expect(deletes()[0]?.input.Entries).toHaveLength(1);
    expect(storedEvents()).toBe(3);
    expect(problems.filter((p) => p.reason === "failed")).toHaveLength(3);
    expect(problems.find((p) => p.reason === "failed")).toMatchObject({ code: "s3.request_failed" });
    expect(problems.filter((p) => p.reason === "unreadable").map((p) => p.receiveCount)).toEqual([1, 2, 3]);
  });

  it("loses and double-counts nothing when DeleteMessage fails after the commit", async () => {
    const f = file(0, 4);
    sqs.send("trail-files", notified(f));
    sqs.fail(INTERNAL_FAILURE, { times: 3, when: (r) => r.operation === "DeleteMessageBatch" });
    const failed = await poll().catch((e: unknown) => e);

    expect(failed).toMatchObject({ code: "sqs.unavailable" });
    // Committed before the delete was tried; the message is still on the queue, in flight.
    expect(storedEvents()).toBe(4);
    expect(sqs.messages("trail-files")).toMatchObject([{ receiveCount: 1, visible: false }]);

    clock.advance(31_000);
    const { summary } = await poll();
    expect(sqs.messages("trail-files")).toEqual([]);
    expect(storedEvents()).toBe(4);
    expect(summary.stored.denials + summary.stored.evidence + summary.stored.usage).toBe(0);
    // The redelivered message's object was known by its ETag: not read again.
    expect(gets()).toHaveLength(1);
    expect(summary.files.skipped).toBe(1);
    const denials = (db.$client.prepare("SELECT count(*) AS n FROM denials").get() as { n: number }).n;
    expect(denials).toBe(1);
  });

  it("reads an object again, deduplicated by event id, when a redelivered message names no ETag", async () => {
    const f = file(0, 4);
    sqs.send("trail-files", cloudTrailDeliveryMessage(BUCKET, [f.key]));
    sqs.fail(INTERNAL_FAILURE, { times: 3, when: (r) => r.operation === "DeleteMessageBatch" });
    await poll().catch(() => undefined);
    // The object was rewritten meanwhile (new ETag): it is read again, and its events count once.
    putTrailFile(s3, BUCKET, { account: ACCOUNT, region: "eu-west-1", at: NOW - 3_600_000, n: 0, events: 5 });
    clock.advance(31_000);
    const { summary } = await poll();

    expect(gets()).toHaveLength(2);
    expect(summary.duplicates).toBe(4);
    expect(storedEvents()).toBe(5);
    expect(sqs.messages("trail-files")).toEqual([]);
  });
});
