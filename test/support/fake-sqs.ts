import { createHash, randomBytes, randomUUID } from "node:crypto";
import {
  type FakeServer,
  type FaultOptions,
  FaultScript,
  type HttpCall,
  type HttpReply,
  isSigned,
  listen,
} from "./fake-aws-http.js";

/** The account and region in queue URLs and ARNs. */
export const FAKE_ACCOUNT = "111122223333";
export const FAKE_REGION = "eu-west-1";

export interface SqsRequest {
  /** The part of `X-Amz-Target` after `AmazonSQS.`, e.g. `ReceiveMessage`. */
  operation: string;
  queueUrl: string | null;
  input: Record<string, unknown>;
  /** Time of arrival on the fake's clock. */
  at: number;
  /** The status answered (for a long poll, once it ends). */
  status: number;
}

/**
 * An SQS error as the JSON protocol carries it: `__type` in the body and, because the client is query-compatible,
 * the query-era code in `x-amzn-query-error` (`Code;Sender`), which the SDK prefers when naming the error.
 */
export interface SqsFault {
  status: number;
  type: string;
  queryError: string;
  message: string;
}

const fault = (status: number, shape: string, queryError: string, message: string): Readonly<SqsFault> =>
  Object.freeze({ status, type: `com.amazonaws.sqs#${shape}`, queryError, message });

export const REQUEST_THROTTLED = fault(
  403,
  "RequestThrottled",
  "RequestThrottled;Sender",
  "Request is throttled.",
);
export const INTERNAL_FAILURE = fault(
  500,
  "InternalFailure",
  "InternalFailure;Receiver",
  "Internal failure.",
);
const QUEUE_MISSING = fault(
  400,
  "QueueDoesNotExist",
  "AWS.SimpleQueueService.NonExistentQueue;Sender",
  "The specified queue does not exist.",
);
const HANDLE_INVALID = fault(404, "ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid;Sender", "");
const NOT_INFLIGHT = fault(
  400,
  "MessageNotInflight",
  "AWS.SimpleQueueService.MessageNotInflight;Sender",
  "Message is not in flight.",
);
const invalidParameter = (message: string) =>
  fault(400, "InvalidParameterValueException", "InvalidParameterValue;Sender", message);
const batchError = (shape: string, message: string) =>
  fault(400, shape, `AWS.SimpleQueueService.${shape};Sender`, message);

export interface QueueOptions {
  /** The queue's default visibility timeout (SQS's default: 30 s). */
  visibilityTimeoutSeconds?: number;
  /** The queue's default long-poll wait (ReceiveMessageWaitTimeSeconds, default 0). */
  receiveWaitTimeSeconds?: number;
  /** The redrive policy: after `maxReceiveCount` receives, the next receive moves the message to `deadLetterQueue`. */
  redrive?: { deadLetterQueue: string; maxReceiveCount: number };
}

/** A message as a test inspects it. */
export interface SqsMessageState {
  id: string;
  body: string;
  receiveCount: number;
  /** Visible now on the fake's clock (not in flight, not delayed). */
  visible: boolean;
}

interface StoredMessage {
  id: string;
  body: string;
  md5: string;
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  firstReceiveAt: number | null;
  /** The receipt handle of the latest receive; older ones no longer delete the message. */
  handle: string | null;
}

interface Queue {
  name: string;
  url: string;
  arn: string;
  visibilityTimeout: number;
  receiveWaitTime: number;
  redrive: { deadLetterQueue: Queue; maxReceiveCount: number } | null;
  messages: StoredMessage[];
}

export interface FakeSqs extends FakeServer {
  requests: SqsRequest[];
  /** Creates a queue (a dead-letter queue must exist before the queue that names it) and returns its URL. */
  createQueue(name: string, options?: QueueOptions): string;
  queueUrl(name: string): string;
  /** Enqueues a message as SendMessage would; returns its MessageId. */
  send(queue: string, body: string, options?: { delaySeconds?: number }): string;
  messages(queue: string): SqsMessageState[];
  fail(fault: SqsFault, options?: FaultOptions<SqsRequest>): void;
  onRequest: ((request: SqsRequest) => SqsFault | undefined) | null;
}

const md5 = (text: string) => createHash("md5").update(text, "utf8").digest("hex");

const JSON_TYPE = "application/x-amz-json-1.0";

const ok = (body: unknown): HttpReply => ({
  status: 200,
  headers: { "content-type": JSON_TYPE, "x-amzn-requestid": randomUUID() },
  body: JSON.stringify(body),
});

function errorReply(f: SqsFault): HttpReply {
  return {
    status: f.status,
    headers: {
      "content-type": JSON_TYPE,
      "x-amzn-requestid": randomUUID(),
      "x-amzn-query-error": f.queryError,
    },
    body: JSON.stringify({ __type: f.type, message: f.message }),
  };
}

const intIn = (value: unknown, min: number, max: number, fallback: number): number | null => {
  if (value === undefined || value === null) return fallback;
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max ? value : null;
};

/** The queues and their messages, on the injected clock. */
class QueueBook {
  readonly byName = new Map<string, Queue>();
  /** Every receipt handle handed out, so that a stale one can be told from one never issued. */
  private readonly issued = new Map<string, string>();
  private readonly now: () => number;
  /** The server's URL, known once it listens; queue URLs start with it, so the SDK keeps talking to the fake. */
  baseUrl = "";

  constructor(now: () => number) {
    this.now = now;
  }

  create(name: string, options: QueueOptions): Queue {
    const dlq = options.redrive ? this.named(options.redrive.deadLetterQueue) : null;
    const queue: Queue = {
      name,
      url: `${this.baseUrl}/${FAKE_ACCOUNT}/${name}`,
      arn: `arn:aws:sqs:${FAKE_REGION}:${FAKE_ACCOUNT}:${name}`,
      visibilityTimeout: options.visibilityTimeoutSeconds ?? 30,
      receiveWaitTime: options.receiveWaitTimeSeconds ?? 0,
      redrive:
        dlq && options.redrive
          ? { deadLetterQueue: dlq, maxReceiveCount: options.redrive.maxReceiveCount }
          : null,
      messages: [],
    };
    this.byName.set(name, queue);
    return queue;
  }

  named(name: string): Queue {
    const queue = this.byName.get(name);
    if (!queue) throw new Error(`fake SQS has no queue ${name}`);
    return queue;
  }

  byUrl(url: unknown): Queue | undefined {
    return [...this.byName.values()].find((q) => q.url === url);
  }

  send(queue: Queue, body: string, delaySeconds: number): StoredMessage {
    const now = this.now();
    const message: StoredMessage = {
      id: randomUUID(),
      body,
      md5: md5(body),
      sentAt: now,
      visibleAt: now + delaySeconds * 1000,
      receiveCount: 0,
      firstReceiveAt: null,
      handle: null,
    };
    queue.messages.push(message);
    return message;
  }

  /** Receives up to `max` visible messages; one received `maxReceiveCount` times already goes to the DLQ instead. */
  take(queue: Queue, max: number, visibilitySeconds: number): StoredMessage[] {
    const now = this.now();
    const taken: StoredMessage[] = [];
    for (const message of [...queue.messages]) {
      if (taken.length >= max) break;
      if (message.visibleAt > now) continue;
      if (queue.redrive && message.receiveCount >= queue.redrive.maxReceiveCount) {
        queue.messages.splice(queue.messages.indexOf(message), 1);
        queue.redrive.deadLetterQueue.messages.push({ ...message, handle: null });
        continue;
      }
      message.receiveCount++;
      message.firstReceiveAt ??= now;
      message.visibleAt = now + visibilitySeconds * 1000;
      message.handle = `${randomBytes(24).toString("base64url")}.${message.receiveCount}`;
      this.issued.set(message.handle, queue.name);
      taken.push(message);
    }
    return taken;
  }

  /** The message a handle names, if the handle is its latest; "invalid" for a handle never issued for this queue. */
  private holder(queue: Queue, handle: unknown): StoredMessage | "invalid" | null {
    if (typeof handle !== "string" || this.issued.get(handle) !== queue.name) return "invalid";
    return queue.messages.find((m) => m.handle === handle) ?? null;
  }

  /** As SQS documents, an old receipt handle succeeds without deleting the message. */
  delete(queue: Queue, handle: unknown): SqsFault | null {
    const message = this.holder(queue, handle);
    if (message === "invalid")
      return {
        ...HANDLE_INVALID,
        message: `The input receipt handle "${handle}" is not a valid receipt handle.`,
      };
    if (message) queue.messages.splice(queue.messages.indexOf(message), 1);
    return null;
  }

  changeVisibility(queue: Queue, handle: unknown, seconds: number): SqsFault | null {
    const message = this.holder(queue, handle);
    if (message === "invalid" || message === null)
      return {
        ...HANDLE_INVALID,
        message: `The input receipt handle "${handle}" is not a valid receipt handle.`,
      };
    if (message.visibleAt <= this.now()) return NOT_INFLIGHT;
    message.visibleAt = this.now() + seconds * 1000;
    return null;
  }

  state(queue: Queue): SqsMessageState[] {
    const now = this.now();
    return queue.messages.map((m) => ({
      id: m.id,
      body: m.body,
      receiveCount: m.receiveCount,
      visible: m.visibleAt <= now,
    }));
  }
}

function systemAttributes(
  m: StoredMessage,
  input: Record<string, unknown>,
): Record<string, string> | undefined {
  const names = [input.MessageSystemAttributeNames, input.AttributeNames].flatMap((v) =>
    Array.isArray(v) ? v : [],
  );
  const all: Record<string, string> = {
    SenderId: "AIDAEXAMPLESENDER",
    SentTimestamp: String(m.sentAt),
    ApproximateReceiveCount: String(m.receiveCount),
    ApproximateFirstReceiveTimestamp: String(m.firstReceiveAt ?? m.sentAt),
  };
  const picked = Object.entries(all).filter(([name]) => names.includes("All") || names.includes(name));
  return picked.length > 0 ? Object.fromEntries(picked) : undefined;
}

/** ReceiveMessage, long-polling in real time up to `capMs` while the queue has nothing visible. */
async function receive(
  book: QueueBook,
  queue: Queue,
  input: Record<string, unknown>,
  signal: AbortSignal,
  capMs: number,
) {
  const max = intIn(input.MaxNumberOfMessages, 1, 10, 1);
  const wait = intIn(input.WaitTimeSeconds, 0, 20, queue.receiveWaitTime);
  const visibility = intIn(input.VisibilityTimeout, 0, 43_200, queue.visibilityTimeout);
  if (max === null) return errorReply(invalidParameter("MaxNumberOfMessages must be between 1 and 10."));
  if (wait === null) return errorReply(invalidParameter("WaitTimeSeconds must be between 0 and 20."));
  if (visibility === null)
    return errorReply(invalidParameter("VisibilityTimeout must be between 0 and 43200."));
  const deadline = Date.now() + Math.min(wait * 1000, capMs);
  for (;;) {
    if (signal.aborted) return ok({});
    const taken = book.take(queue, max, visibility);
    if (taken.length === 0 && Date.now() >= deadline) return ok({});
    if (taken.length > 0)
      return ok({
        Messages: taken.map((m) => {
          const attributes = systemAttributes(m, input);
          return {
            MessageId: m.id,
            ReceiptHandle: m.handle,
            MD5OfBody: m.md5,
            Body: m.body,
            ...(attributes ? { Attributes: attributes } : {}),
          };
        }),
      });
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function deleteBatch(book: QueueBook, queue: Queue, entries: unknown): HttpReply {
  const list = Array.isArray(entries) ? (entries as { Id?: unknown; ReceiptHandle?: unknown }[]) : [];
  if (list.length === 0)
    return errorReply(batchError("EmptyBatchRequest", "There should be at least one entry in the request."));
  if (list.length > 10)
    return errorReply(
      batchError("TooManyEntriesInBatchRequest", "Maximum number of entries per request are 10."),
    );
  if (new Set(list.map((e) => e.Id)).size !== list.length)
    return errorReply(batchError("BatchEntryIdsNotDistinct", "Id values must be distinct."));
  const Successful: { Id: unknown }[] = [];
  const Failed: { Id: unknown; SenderFault: boolean; Code: string; Message: string }[] = [];
  for (const entry of list) {
    const failure = book.delete(queue, entry.ReceiptHandle);
    if (failure)
      Failed.push({
        Id: entry.Id,
        SenderFault: true,
        Code: "ReceiptHandleIsInvalid",
        Message: failure.message,
      });
    else Successful.push({ Id: entry.Id });
  }
  return ok({ Successful, Failed });
}

function queueAttributes(book: QueueBook, queue: Queue): Record<string, string> {
  const messages = book.state(queue);
  return {
    QueueArn: queue.arn,
    VisibilityTimeout: String(queue.visibilityTimeout),
    ReceiveMessageWaitTimeSeconds: String(queue.receiveWaitTime),
    ApproximateNumberOfMessages: String(messages.filter((m) => m.visible).length),
    ApproximateNumberOfMessagesNotVisible: String(messages.filter((m) => !m.visible).length),
    ...(queue.redrive
      ? {
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: queue.redrive.deadLetterQueue.arn,
            maxReceiveCount: queue.redrive.maxReceiveCount,
          }),
        }
      : {}),
  };
}

async function operate(
  book: QueueBook,
  operation: string,
  input: Record<string, unknown>,
  signal: AbortSignal,
  capMs: number,
): Promise<HttpReply> {
  if (operation === "GetQueueUrl") {
    const queue = typeof input.QueueName === "string" ? book.byName.get(input.QueueName) : undefined;
    return queue ? ok({ QueueUrl: queue.url }) : errorReply(QUEUE_MISSING);
  }
  const queue = book.byUrl(input.QueueUrl);
  if (!queue) return errorReply(QUEUE_MISSING);
  switch (operation) {
    case "ReceiveMessage":
      return receive(book, queue, input, signal, capMs);
    case "DeleteMessage": {
      const failure = book.delete(queue, input.ReceiptHandle);
      return failure ? errorReply(failure) : ok({});
    }
    case "DeleteMessageBatch":
      return deleteBatch(book, queue, input.Entries);
    case "ChangeMessageVisibility": {
      const seconds =
        input.VisibilityTimeout === undefined ? null : intIn(input.VisibilityTimeout, 0, 43_200, 0);
      if (seconds === null)
        return errorReply(invalidParameter("VisibilityTimeout must be between 0 and 43200."));
      const failure = book.changeVisibility(queue, input.ReceiptHandle, seconds);
      return failure ? errorReply(failure) : ok({});
    }
    case "SendMessage": {
      const delay = intIn(input.DelaySeconds, 0, 900, 0);
      if (typeof input.MessageBody !== "string" || input.MessageBody === "" || delay === null)
        return errorReply(
          invalidParameter("MessageBody must be a non-empty string and DelaySeconds 0 to 900."),
        );
      const message = book.send(queue, input.MessageBody, delay);
      return ok({ MessageId: message.id, MD5OfMessageBody: message.md5 });
    }
    case "GetQueueAttributes":
      return ok({ Attributes: queueAttributes(book, queue) });
    default:
      return errorReply(
        fault(
          400,
          "UnsupportedOperation",
          "AWS.SimpleQueueService.UnsupportedOperation;Sender",
          `the fake does not serve ${operation}`,
        ),
      );
  }
}

/**
 * A local SQS speaking the protocol @aws-sdk/client-sqs 3.x sends: AWS JSON 1.0 (POST /, `X-Amz-Target:
 * AmazonSQS.<Operation>`), query-compatible errors. It serves GetQueueUrl, ReceiveMessage (MaxNumberOfMessages,
 * WaitTimeSeconds long polls held in real time up to `longPollCapMs`, VisibilityTimeout, system attributes such as
 * ApproximateReceiveCount), DeleteMessage, DeleteMessageBatch, ChangeMessageVisibility, SendMessage and
 * GetQueueAttributes; redrive to a dead-letter queue; MD5OfBody the SDK checks. Visibility runs on `now`, so a test
 * advances time with its clock. Unsigned requests are refused.
 */
export async function startFakeSqs(
  options: { now?: () => number; longPollCapMs?: number } = {},
): Promise<FakeSqs> {
  const now = options.now ?? Date.now;
  const capMs = options.longPollCapMs ?? 1_000;
  const faults = new FaultScript<SqsRequest, SqsFault>();
  const requests: SqsRequest[] = [];
  const book = new QueueBook(now);

  const answer = async (call: HttpCall, request: SqsRequest): Promise<HttpReply> => {
    if (!isSigned(call.headers))
      return errorReply(
        fault(403, "MissingAuthenticationTokenException", "MissingAuthenticationToken;Sender", "unsigned"),
      );
    const target = String(call.headers["x-amz-target"] ?? "");
    if (call.method !== "POST" || !target.startsWith("AmazonSQS."))
      return errorReply(
        fault(400, "UnknownOperationException", "UnknownOperation;Sender", `bad target ${target}`),
      );
    const scripted = fake.onRequest?.(request) ?? faults.take(request);
    if (scripted) return errorReply(scripted);
    return operate(book, request.operation, request.input, call.signal, capMs);
  };

  const server = await listen(async (call) => {
    let input: Record<string, unknown> = {};
    try {
      input = call.body.length > 0 ? (JSON.parse(call.body.toString("utf8")) as Record<string, unknown>) : {};
    } catch {
      return errorReply(fault(400, "SerializationException", "SerializationException;Sender", "bad json"));
    }
    const operation = String(call.headers["x-amz-target"] ?? "").replace(/^AmazonSQS\./, "");
    const queueUrl = typeof input.QueueUrl === "string" ? input.QueueUrl : null;
    const request: SqsRequest = { operation, queueUrl, input, at: now(), status: 0 };
    requests.push(request);
    const reply = await answer(call, request);
    request.status = reply.status;
    return reply;
  });
  book.baseUrl = server.url;

  const fake: FakeSqs = {
    ...server,
    requests,
    createQueue: (name, queueOptions = {}) => book.create(name, queueOptions).url,
    queueUrl: (name) => book.named(name).url,
    send: (queue, body, sendOptions = {}) =>
      book.send(book.named(queue), body, sendOptions.delaySeconds ?? 0).id,
    messages: (queue) => book.state(book.named(queue)),
    fail: (f, failOptions) => faults.add(f, failOptions),
    onRequest: null,
  };
  return fake;
}
