import { randomUUID } from "node:crypto";
import { FAKE_ACCOUNT as ACCOUNT, FAKE_REGION as REGION } from "./fake-sqs.js";

// Message bodies of the "new log file" pattern, for tests of the SQS source to enqueue: S3 → SQS, S3 → SNS → SQS,
// or a trail's own SNS topic → SQS.

/** One object of an S3 event notification record. */
export interface S3EventObject {
  bucket: string;
  key: string;
  size: number;
  /** Hex MD5 as S3 puts it in the record, without quotes (`FakeS3.put` returns it so). */
  eTag: string;
  eventName?: string;
  /** Epoch ms. */
  time?: number;
  region?: string;
}

/**
 * `object.key` as a record carries it: URL-encoded with spaces as "+" ("red flower.jpg" becomes "red+flower.jpg",
 * per the page below); "/" is left as is, as in real records. Decoding ("+" → " ", then decodeURIComponent) reads
 * either form.
 */
export const s3NotificationKey = (key: string) =>
  encodeURIComponent(key).replace(/%2F/g, "/").replace(/%20/g, "+");

/**
 * An S3 event notification body (event version 2.1) as S3 sends it to SQS, SNS or Lambda, per "Event message
 * structure" in the Amazon S3 User Guide: https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 */
export function s3EventNotification(...objects: S3EventObject[]): string {
  return JSON.stringify({
    Records: objects.map((o, i) => ({
      eventVersion: "2.1",
      eventSource: "aws:s3",
      awsRegion: o.region ?? REGION,
      eventTime: new Date(o.time ?? Date.parse("2026-03-10T12:00:00Z")).toISOString(),
      eventName: o.eventName ?? "ObjectCreated:Put",
      userIdentity: { principalId: "AWS:AROAEXAMPLECLOUDTRAIL:regionalDeliverySession" },
      requestParameters: { sourceIPAddress: "198.51.100.7" },
      responseElements: { "x-amz-request-id": `FAKE${i}`, "x-amz-id-2": "fake-host" },
      s3: {
        s3SchemaVersion: "1.0",
        configurationId: "deniedby-new-log-file",
        bucket: {
          name: o.bucket,
          ownerIdentity: { principalId: "AEXAMPLEOWNER" },
          arn: `arn:aws:s3:::${o.bucket}`,
        },
        object: {
          key: s3NotificationKey(o.key),
          size: o.size,
          eTag: o.eTag,
          sequencer: (o.time ?? 0).toString(16).toUpperCase().padStart(18, "0"),
        },
      },
    })),
  });
}

/** The message S3 sends once when a notification configuration is saved; it names no object. */
export function s3TestEvent(bucket: string): string {
  return JSON.stringify({
    Service: "Amazon S3",
    Event: "s3:TestEvent",
    Time: "2026-03-10T12:00:00.000Z",
    Bucket: bucket,
    RequestId: "FAKETESTEVENT",
    HostId: "fake-host",
  });
}

/**
 * CloudTrail's own delivery notification (a trail's SNS topic): the Message names the new log files, per
 * "Configuring Amazon SNS notifications for CloudTrail": https://docs.aws.amazon.com/awscloudtrail/latest/userguide/configure-sns-notifications-for-cloudtrail.html
 */
export const cloudTrailDeliveryMessage = (bucket: string, keys: string[]) =>
  JSON.stringify({ s3Bucket: bucket, s3ObjectKey: keys });

/**
 * `message` as SNS delivers it to a subscribed SQS queue without raw message delivery: a JSON envelope whose
 * `Message` is the published text, per "Fanout to Amazon SQS queues": https://docs.aws.amazon.com/sns/latest/dg/SendMessageToSQS.html
 */
export function snsEnvelope(message: string, options: { subject?: string; topic?: string } = {}): string {
  const topicArn = `arn:aws:sns:${REGION}:${ACCOUNT}:${options.topic ?? "trail-files"}`;
  return JSON.stringify({
    Type: "Notification",
    MessageId: randomUUID(),
    TopicArn: topicArn,
    ...(options.subject !== undefined ? { Subject: options.subject } : {}),
    Message: message,
    Timestamp: "2026-03-10T12:00:00.000Z",
    SignatureVersion: "1",
    Signature: "RkFLRVNJR05BVFVSRQ==",
    SigningCertURL: `https://sns.${REGION}.amazonaws.com/SimpleNotificationService-fake.pem`,
    UnsubscribeURL: `https://sns.${REGION}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}:fake`,
  });
}
