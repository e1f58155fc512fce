import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type Message,
  ReceiveMessageCommand,
  type ReceiveMessageCommandInput,
  SendMessageCommand,
  SQSClient,
  type SQSClientConfig,
  SQSServiceException,
} from "@aws-sdk/client-sqs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createVirtualClock } from "./fake-cloudtrail.js";
import { type FakeS3, startFakeS3 } from "./fake-s3.js";
import { type FakeSqs, INTERNAL_FAILURE, REQUEST_THROTTLED, startFakeSqs } from "./fake-sqs.js";
import {
  cloudTrailDeliveryMessage,
  s3EventNotification,
  s3TestEvent,
  snsEnvelope,
} from "./trail-notifications.js";

const NOW = Date.parse("2026-03-10T12:00:00Z");
const credentials = { accessKeyId: "test", secretAccessKey: "test" };

let fake: FakeSqs;
let clock: ReturnType<typeof createVirtualClock>;
let queueUrl: string;
const saved = { sqs: process.env.AWS_ENDPOINT_URL_SQS, s3: process.env.AWS_ENDPOINT_URL_S3 };

beforeEach(async () => {
  clock = createVirtualClock(NOW);
  fake = await startFakeSqs({ now: clock.now, longPollCapMs: 200 });
  queueUrl = fake.createQueue("trail-files");
  process.env.AWS_ENDPOINT_URL_SQS = fake.url;
});

afterEach(async () => {
  for (const [name, value] of [
    ["AWS_ENDPOINT_URL_SQS", saved.sqs],
    ["AWS_ENDPOINT_URL_S3", saved.s3],
  ] as const)
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  await fake.close();
});

/** A real SQS client; the endpoint comes from AWS_ENDPOINT_URL_SQS as it will in production. */
const sqs = (config: SQSClientConfig = {}) => new SQSClient({ region: "eu-west-1", credentials, ...config });

async function receive(input: Partial<ReceiveMessageCommandInput> = {}, url = queueUrl): Promise<Message[]> {
  const out = await sqs().send(
    new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ["All"], ...input }),
  );
  return out.Messages ?? [];
}

async function caught(promise: Promise<unknown>): Promise<SQSServiceException> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SQSServiceException);
  return error as SQSServiceException;
}

describe("fake SQS with the real SQSClient (AWS JSON 1.0)", () => {
  it("resolves queue URLs, and names a missing queue QueueDoesNotExist with its query-era code", async () => {
    const got = await sqs().send(new GetQueueUrlCommand({ QueueName: "trail-files" }));
    expect(got.QueueUrl).toBe(queueUrl);
    expect(queueUrl).toBe(`${fake.url}/111122223333/trail-files`);

    const error = await caught(sqs().send(new GetQueueUrlCommand({ QueueName: "nope" })));
    expect(error.name).toBe("QueueDoesNotExist");
    expect((error as unknown as { Code?: string }).Code).toBe("AWS.SimpleQueueService.NonExistentQueue");
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(fake.requests.map((r) => r.operation)).toEqual(["GetQueueUrl", "GetQueueUrl"]);
    expect(fake.requests[0]?.at).toBe(NOW);
  });

  it("sends and receives up to MaxNumberOfMessages with a body MD5 the SDK verifies, and system attributes", async () => {
    const sent = await sqs().send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "héllo" }));
    for (let i = 0; i < 11; i++) fake.send("trail-files", `m${i}`);

    const first = await receive({ MaxNumberOfMessages: 10 });
    expect(first).toHaveLength(10);
    expect(first[0]).toMatchObject({ MessageId: sent.MessageId, Body: "héllo" });
    expect(first[0]?.Attributes).toMatchObject({ ApproximateReceiveCount: "1", SentTimestamp: String(NOW) });
    expect(await receive({ MaxNumberOfMessages: 10 })).toHaveLength(2);
    expect(await receive()).toHaveLength(0);
    expect(fake.requests.at(-1)).toMatchObject({ operation: "ReceiveMessage", queueUrl, status: 200 });

    const bareUrl = fake.createQueue("bare");
    const id = fake.send("bare", "no attributes asked");
    const [plain] = (await sqs().send(new ReceiveMessageCommand({ QueueUrl: bareUrl }))).Messages ?? [];
    expect(plain).toMatchObject({ MessageId: id, Body: "no attributes asked" });
    expect(plain?.Attributes).toBeUndefined();
  });

  it("hides a received message for the visibility timeout, then redelivers it with a higher receive count", async () => {
    fake.send("trail-files", "file-1");
    const [first] = await receive();
    expect(first?.Attributes?.ApproximateReceiveCount).toBe("1");
    expect(fake.messages("trail-files")).toMatchObject([{ body: "file-1", receiveCount: 1, visible: false }]);

    clock.advance(29_999);
    expect(await receive()).toEqual([]);
    clock.advance(1);
    const [second] = await receive();
    expect(second?.Body).toBe("file-1");
    expect(second?.Attributes?.ApproximateReceiveCount).toBe("2");
    expect(second?.ReceiptHandle).not.toBe(first?.ReceiptHandle);

    // As SQS documents: an old receipt handle "succeeds" but the message stays.
    await sqs().send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: first?.ReceiptHandle }));
    expect(fake.messages("trail-files")).toHaveLength(1);
    await sqs().send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: second?.ReceiptHandle }));
    expect(fake.messages("trail-files")).toEqual([]);
    clock.advance(60_000);
    expect(await receive()).toEqual([]);

    const bogus = await caught(
      sqs().send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: "forged" })),
    );
    expect(bogus.name).toBe("ReceiptHandleIsInvalid");
  });

  it("honours a receive's VisibilityTimeout and ChangeMessageVisibility, and refuses a change once not in flight", async () => {
    const change = (m: Message | undefined, seconds: number) =>
      sqs().send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: m?.ReceiptHandle,
          VisibilityTimeout: seconds,
        }),
      );
    fake.send("trail-files", "file-1");
    await receive({ VisibilityTimeout: 5 });
    clock.advance(4_999);
    expect(fake.messages("trail-files")[0]?.visible).toBe(false);
    clock.advance(1);
    const [m] = await receive();
    expect(m?.Attributes?.ApproximateReceiveCount).toBe("2");

    clock.advance(29_000);
    await change(m, 60);
    clock.advance(59_999);
    expect(await receive()).toEqual([]);
    clock.advance(1);
    expect(fake.messages("trail-files")[0]?.visible).toBe(true);
    const late = await caught(change(m, 0));
    expect(late.name).toBe("MessageNotInflight");

    const [again] = await receive();
    await change(again, 0);
    expect((await receive())[0]?.Attributes?.ApproximateReceiveCount).toBe("4");
  });

  it("moves a message received maxReceiveCount times to the dead-letter queue on the next receive", async () => {
    const dlqUrl = fake.createQueue("trail-files-dlq");
    const url = fake.createQueue("poison", {
      visibilityTimeoutSeconds: 10,
      redrive: { deadLetterQueue: "trail-files-dlq", maxReceiveCount: 3 },
    });
    fake.send("poison", "cannot be processed");
    fake.send("poison", "fine");

    const counts: string[] = [];
    for (let i = 0; i < 3; i++) {
      const got = await receive({ MaxNumberOfMessages: 10 }, url);
      const poison = got.find((m) => m.Body === "cannot be processed");
      counts.push(poison?.Attributes?.ApproximateReceiveCount ?? "missing");
      const fine = got.find((m) => m.Body === "fine");
      if (fine)
        await sqs().send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: fine.ReceiptHandle }));
      clock.advance(10_000);
    }
    expect(counts).toEqual(["1", "2", "3"]);

    expect(await receive({ MaxNumberOfMessages: 10 }, url)).toEqual([]);
    expect(fake.messages("poison")).toEqual([]);
    expect(fake.messages("trail-files-dlq")).toMatchObject([{ body: "cannot be processed", visible: true }]);
    const [dead] = await receive({}, dlqUrl);
    expect(dead?.Body).toBe("cannot be processed");

    const attributes = await sqs().send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }),
    );
    expect(JSON.parse(attributes.Attributes?.RedrivePolicy ?? "{}")).toEqual({
      deadLetterTargetArn: "arn:aws:sqs:eu-west-1:111122223333:trail-files-dlq",
      maxReceiveCount: 3,
    });
  });

  it("deletes in batches, reporting a bad handle as a failed entry and refusing repeated entry ids", async () => {
    for (const body of ["a", "b", "c"]) fake.send("trail-files", body);
    const got = await receive({ MaxNumberOfMessages: 10 });
    const out = await sqs().send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          { Id: "0", ReceiptHandle: got[0]?.ReceiptHandle },
          { Id: "1", ReceiptHandle: "not-a-handle" },
          { Id: "2", ReceiptHandle: got[2]?.ReceiptHandle },
        ],
      }),
    );
    expect(out.Successful?.map((s) => s.Id)).toEqual(["0", "2"]);
    expect(out.Failed).toEqual([
      expect.objectContaining({ Id: "1", SenderFault: true, Code: "ReceiptHandleIsInvalid" }),
    ]);
    expect(fake.messages("trail-files").map((m) => m.body)).toEqual(["b"]);

    const twice = await caught(
      sqs().send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: [
            { Id: "x", ReceiptHandle: got[1]?.ReceiptHandle },
            { Id: "x", ReceiptHandle: got[1]?.ReceiptHandle },
          ],
        }),
      ),
    );
    expect(twice.name).toBe("BatchEntryIdsNotDistinct");
  });

  it("holds a long poll until a message arrives, and returns empty at the cap when none does", async () => {
    setTimeout(() => fake.send("trail-files", "arrived during the poll"), 50);
    const [m] = await receive({ WaitTimeSeconds: 20 });
    expect(m?.Body).toBe("arrived during the poll");
    expect(fake.requests.filter((r) => r.operation === "ReceiveMessage")).toHaveLength(1);

    const started = Date.now();
    expect(await receive({ WaitTimeSeconds: 20 })).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(fake.requests.at(-1)?.input.WaitTimeSeconds).toBe(20);
  });

  it("lets the SDK retry RequestThrottled, and surfaces an injected InternalFailure", async () => {
    fake.send("trail-files", "file-1");
    fake.fail(REQUEST_THROTTLED, { times: 2, when: (r) => r.operation === "ReceiveMessage" });
    const out = await sqs().send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
    expect(out.Messages?.[0]?.Body).toBe("file-1");
    expect(out.$metadata.attempts).toBe(3);
    expect(fake.requests.map((r) => r.status)).toEqual([403, 403, 200]);

    fake.onRequest = (r) => (r.operation === "DeleteMessage" ? INTERNAL_FAILURE : undefined);
    const failed = await caught(
      sqs({ maxAttempts: 1 }).send(
        new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: out.Messages?.[0]?.ReceiptHandle }),
      ),
    );
    expect(failed.$metadata.httpStatusCode).toBe(500);
    expect(fake.messages("trail-files")).toHaveLength(1);
  });

  it("refuses unsigned requests", async () => {
    const res = await fetch(fake.url, {
      method: "POST",
      headers: { "x-amz-target": "AmazonSQS.ReceiveMessage", "content-type": "application/x-amz-json-1.0" },
      body: JSON.stringify({ QueueUrl: queueUrl }),
    });
    expect(res.status).toBe(403);
    expect(fake.messages("trail-files")).toEqual([]);
  });
});

describe("notification bodies through the fakes", () => {
  let s3: FakeS3;
  beforeEach(async () => {
    s3 = await startFakeS3({ now: clock.now });
    process.env.AWS_ENDPOINT_URL_S3 = s3.url;
  });
  afterEach(async () => {
    await s3.close();
  });

  const key =
    "AWSLogs/o-abc123/111122223333/CloudTrail/eu-west-1/2026/03/10/111122223333_CloudTrail_eu-west-1_20260310T1200Z_a b.json.gz";

  /** The object a record names, read back with the real S3Client as a source would. */
  async function fetchNamed(record: {
    s3: { bucket: { name: string }; object: { key: string; eTag: string } };
  }) {
    const named = decodeURIComponent(record.s3.object.key.replace(/\+/g, " "));
    const client = new S3Client({ region: "eu-west-1", forcePathStyle: true, credentials });
    const got = await client.send(new GetObjectCommand({ Bucket: record.s3.bucket.name, Key: named }));
    return { named, eTag: got.ETag, body: await got.Body?.transformToString() };
  }

  it("carries an S3 event notification, bare and SNS-wrapped, that names the object and its ETag", async () => {
    const info = s3.put("org-trail", key, "{}");
    await sqs().send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: s3EventNotification({ bucket: "org-trail", ...info }),
      }),
    );
    fake.send(
      "trail-files",
      snsEnvelope(s3EventNotification({ bucket: "org-trail", ...info }), {
        subject: "Amazon S3 Notification",
      }),
    );
    fake.send("trail-files", s3TestEvent("org-trail"));

    const [bare, wrapped, test] = await receive({ MaxNumberOfMessages: 10 });
    const record = JSON.parse(bare?.Body ?? "").Records[0];
    expect(record).toMatchObject({
      eventVersion: "2.1",
      eventSource: "aws:s3",
      eventName: "ObjectCreated:Put",
      s3: { bucket: { name: "org-trail" }, object: { size: 2, eTag: info.eTag } },
    });
    expect(record.s3.object.key).toContain("_a+b.json.gz");
    expect(await fetchNamed(record)).toEqual({ named: key, eTag: `"${info.eTag}"`, body: "{}" });

    const envelope = JSON.parse(wrapped?.Body ?? "");
    expect(envelope).toMatchObject({ Type: "Notification", Subject: "Amazon S3 Notification" });
    expect(JSON.parse(envelope.Message).Records[0]).toEqual(record);
    expect(JSON.parse(test?.Body ?? "")).toMatchObject({ Event: "s3:TestEvent", Bucket: "org-trail" });
  });

  it("carries CloudTrail's own SNS delivery notification naming the new log files", async () => {
    fake.send("trail-files", snsEnvelope(cloudTrailDeliveryMessage("org-trail", [key])));
    const [m] = await receive();
    const envelope = JSON.parse(m?.Body ?? "");
    expect(envelope.Subject).toBeUndefined();
    expect(JSON.parse(envelope.Message)).toEqual({ s3Bucket: "org-trail", s3ObjectKey: [key] });
  });
});
