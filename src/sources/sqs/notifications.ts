import { isJsonObject } from "../../shared/json.js";
/**
 * What a message on the new-log-file queue says, whichever way it came: an S3 event notification (S3 → SQS, or
 * S3 → SNS → SQS, the SNS envelope with or without raw delivery), CloudTrail's own delivery notification on the
 * trail's SNS topic (`{"s3Bucket", "s3ObjectKey": [...]}`), or S3's test event. Formats: Amazon S3 User Guide,
 * "Event message structure"; CloudTrail User Guide, "Configuring Amazon SNS notifications for CloudTrail"; Amazon SNS
 * Developer Guide, "Fanout to Amazon SQS queues". Pure.
 */

export interface NotifiedObject {
  bucket: string;
  key: string;
  /** The ETag S3 announced (S3 notifications only), without quotes. */
  eTag?: string;
}

export type Notification =
  /** New objects (possibly none: a removal, or a notification of another kind of event). */
  | { kind: "objects"; objects: NotifiedObject[] }
  /** S3's `s3:TestEvent`, sent once when a notification configuration is saved. */
  | { kind: "test" }
  /** A body none of the formats explains: left on the queue for its dead-letter queue. */
  | { kind: "unreadable"; detail: string };

/** An S3 notification's key is URL-encoded with spaces as '+'. */
export function decodeNotificationKey(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, " "));
  } catch {
    return key;
  }
}

/** The created objects of an S3 event notification's records; null when a record is not S3's. */
function s3Records(records: unknown[]): NotifiedObject[] | null {
  const objects: NotifiedObject[] = [];
  for (const record of records) {
    if (!isJsonObject(record) || record.eventSource !== "aws:s3" || !isJsonObject(record.s3)) return null;
    const { bucket, object } = record.s3;
    if (
      !isJsonObject(bucket) ||
      !isJsonObject(object) ||
      typeof bucket.name !== "string" ||
      typeof object.key !== "string"
    )
      return null;
    if (typeof record.eventName !== "string" || !record.eventName.startsWith("ObjectCreated:")) continue;
    objects.push({
      bucket: bucket.name,
      key: decodeNotificationKey(object.key),
      ...(typeof object.eTag === "string" ? { eTag: object.eTag } : {}),
    });
  }
  return objects;
}

function fromValue(value: unknown, depth: number): Notification {
  if (!isJsonObject(value)) return { kind: "unreadable", detail: "the body is not a JSON object" };
  // SNS without raw message delivery: the published text is in Message.
  if (value.Type === "Notification" && typeof value.Message === "string" && depth === 0)
    return parseNotification(value.Message, depth + 1);
  if (value.Event === "s3:TestEvent") return { kind: "test" };
  if (Array.isArray(value.Records)) {
    const objects = s3Records(value.Records);
    if (objects !== null) return { kind: "objects", objects };
    return { kind: "unreadable", detail: "Records that are not S3 event notification records" };
  }
  if (typeof value.s3Bucket === "string" && Array.isArray(value.s3ObjectKey)) {
    const bucket = value.s3Bucket;
    const keys = value.s3ObjectKey.filter((k): k is string => typeof k === "string");
    return { kind: "objects", objects: keys.map((key) => ({ bucket, key })) };
  }
  return {
    kind: "unreadable",
    detail: "neither an S3 event notification nor a CloudTrail delivery notification",
  };
}

export function parseNotification(body: string, depth = 0): Notification {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { kind: "unreadable", detail: "the body is not JSON" };
  }
  return fromValue(value, depth);
}
