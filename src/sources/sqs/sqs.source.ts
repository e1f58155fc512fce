import type { S3Client } from "@aws-sdk/client-s3";
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { type Clock, systemClock } from "../../shared/clock.js";
import { errorCode, errorMessage } from "../../shared/errors.js";
import { abortable, defaultRetry, type RetryOptions, type RetryPolicy, withRetries } from "../aws-retry.js";
import { readObject } from "../s3/s3-object.js";
import { isLogObjectKey, s3Uri } from "../s3/trail-layout.js";
import type { LiveSource, Progress, SourceChunk } from "../source.js";
import { type NotifiedObject, parseNotification } from "./notifications.js";
import { sqsGiveUp } from "./sqs.errors.js";

/** The `source` of what the queue's log files bring. */
export const SQS_SOURCE = "sqs";

/** Why a message was not simply handled; logged by the definition, counted in the source's status. */
export interface MessageProblem {
  messageId: string;
  receiveCount: number;
  /** unreadable: left for the dead-letter queue; gone: deleted; failed: left to be received again. */
  reason: "unreadable" | "gone" | "failed" | "delete_failed";
  detail: string;
  code?: string;
}

export interface SqsSourceOptions {
  sqs: SQSClient;
  /** The client that reads a bucket's objects. */
  s3: (bucket: string) => S3Client;
  queueUrl: string;
  /** The queue's region, for /metrics ('' when unknown). */
  region: string;
  /** Long-poll wait of each ReceiveMessage, 0–20 s. */
  waitSeconds: number;
  /** How long a received message stays hidden while its files are read. */
  visibilitySeconds: number;
  /** Messages per receive, 1–10. Default 10. */
  batchSize?: number;
  /** Receives per read before the read hands back (the stages after storing run between reads). Default 10. */
  maxReceives?: number;
  clock?: Clock;
  retry?: Partial<RetryOptions>;
  /** How long the server waits between reads. Default 1 s: each read itself long-polls. */
  intervalMs?: number;
  onProblem?: (problem: MessageProblem) => void;
}

/** The source's counters since start, published in /metrics as deniedby_source_<name>. */
export interface SqsCounters {
  messages_received: number;
  messages_deleted: number;
  messages_ignored: number;
  messages_unreadable: number;
  messages_failed: number;
  objects_read: number;
  objects_skipped: number;
  objects_gone: number;
}

interface Run {
  options: SqsSourceOptions;
  progress: Progress;
  policy: Omit<RetryPolicy, "giveUp">;
  counters: SqsCounters;
}

const newCounters = (): SqsCounters => ({
  messages_received: 0,
  messages_deleted: 0,
  messages_ignored: 0,
  messages_unreadable: 0,
  messages_failed: 0,
  objects_read: 0,
  objects_skipped: 0,
  objects_gone: 0,
});

/**
 * New log files announced on an SQS queue (S3 event notifications, through SNS or not, or CloudTrail's own SNS
 * notification), each object fetched and streamed like any S3 object. A message is deleted only after what its files
 * held is committed; a test event, or an object gone since, is deleted too (logged). A message that fails (an object
 * it may not read, S3 failing past every retry) or that nothing explains is left alone: SQS hands it out again after
 * its visibility timeout, and the queue's redrive policy moves it to the dead-letter queue after its
 * maxReceiveCount. Objects read before with the same ETag are skipped, so a message received twice costs nothing.
 */
export function sqsSource(options: SqsSourceOptions): LiveSource<SqsCounters> {
  const counters = newCounters();
  let drainedAt: number | null = null;
  const clock = options.clock ?? systemClock;
  return {
    name: SQS_SOURCE,
    labels: { source: SQS_SOURCE, region: options.region },
    intervalMs: options.intervalMs ?? 1_000,
    watermark: () => drainedAt,
    status: () => ({ ...counters }),
    read: ({ signal, progress }) => {
      const policy = { clock, retry: { ...defaultRetry, ...options.retry }, signal };
      return drain({ options, progress, policy, counters }, () => {
        drainedAt = clock.now();
      });
    },
  };
}

async function* drain(run: Run, onDrained: () => void): AsyncGenerator<SourceChunk, SqsCounters> {
  for (let i = 0; i < (run.options.maxReceives ?? 10); i++) {
    const messages = await receive(run);
    if (messages.length === 0) {
      // Everything sent before this receive has been handed out, and what was handled is stored.
      onDrained();
      break;
    }
    run.counters.messages_received += messages.length;
    const handled: Message[] = [];
    for (const message of messages) if (yield* handle(run, message)) handled.push(message);
    // What the messages brought is committed before any of them is deleted.
    yield [{ kind: "commit" }];
    await remove(run, handled);
  }
  return { ...run.counters };
}

async function receive(run: Run): Promise<Message[]> {
  const { options } = run;
  const response = await withRetries({ ...run.policy, giveUp: sqsGiveUp(options.queueUrl) }, () =>
    options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: options.batchSize ?? 10,
        WaitTimeSeconds: options.waitSeconds,
        VisibilityTimeout: options.visibilitySeconds,
        MessageSystemAttributeNames: ["ApproximateReceiveCount"],
      }),
      abortable(run.policy.signal),
    ),
  );
  return response.Messages ?? [];
}

function problem(run: Run, message: Message, p: Omit<MessageProblem, "messageId" | "receiveCount">): void {
  run.options.onProblem?.({
    messageId: message.MessageId ?? "",
    receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0),
    ...p,
  });
}

/** One message's objects; true when the message is done with (to delete). */
async function* handle(run: Run, message: Message): AsyncGenerator<SourceChunk, boolean> {
  const notification = parseNotification(message.Body ?? "");
  if (notification.kind === "test") {
    run.counters.messages_ignored++;
    return true;
  }
  if (notification.kind === "unreadable") {
    run.counters.messages_unreadable++;
    problem(run, message, { reason: "unreadable", detail: notification.detail });
    return false;
  }
  const logs = notification.objects.filter((o) => isLogObjectKey(o.key));
  if (logs.length === 0) run.counters.messages_ignored++;
  try {
    for (const object of logs) yield* readNotified(run, message, object);
    return true;
  } catch (error) {
    if (run.policy.signal?.aborted) throw error;
    run.counters.messages_failed++;
    problem(run, message, {
      reason: "failed",
      detail: errorMessage(error),
      code: errorCode(error, "sqs.message_failed"),
    });
    return false;
  }
}

async function* readNotified(
  run: Run,
  message: Message,
  object: NotifiedObject,
): AsyncGenerator<SourceChunk> {
  const uri = s3Uri(object.bucket, object.key);
  if (object.eTag !== undefined && run.progress.isObjectDone(uri, object.eTag)) {
    run.counters.objects_skipped++;
    yield [{ kind: "file-skipped", path: uri }];
    return;
  }
  const outcome = yield* readObject({
    client: run.options.s3(object.bucket),
    bucket: object.bucket,
    key: object.key,
    progress: run.progress,
    policy: run.policy,
  });
  run.counters[`objects_${outcome}`]++;
  if (outcome === "gone")
    problem(run, message, { reason: "gone", detail: `${uri} no longer exists: the message is deleted` });
}

/** Deletes handled messages (one batch request: a receive returns at most 10). */
async function remove(run: Run, messages: Message[]): Promise<void> {
  if (messages.length === 0) return;
  const { options } = run;
  const response = await withRetries({ ...run.policy, giveUp: sqsGiveUp(options.queueUrl) }, () =>
    options.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
      abortable(run.policy.signal),
    ),
  );
  run.counters.messages_deleted += response.Successful?.length ?? 0;
  for (const failed of response.Failed ?? []) {
    const message = messages[Number(failed.Id)];
    if (message)
      problem(run, message, {
        reason: "delete_failed",
        detail: failed.Message ?? "not deleted",
        ...(failed.Code ? { code: failed.Code } : {}),
      });
  }
}
