import { gzipSync } from "node:zlib";

/**
 * The envelopes CloudTrail records reach people in, built around given records for tests:
 * - `aws cloudtrail lookup-events` output: `{"Events": [Event, …]}`, each Event carrying the record as the JSON
 *   string `CloudTrailEvent` (AWS CLI Command Reference, cloudtrail lookup-events, "Output"; CloudTrail API
 *   Reference, "Event": https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_Event.html);
 * - a CloudWatch Logs subscription message for a trail delivered to CloudWatch Logs: `{"owner", "logGroup",
 *   "logStream", "subscriptionFilters", "messageType": "DATA_MESSAGE", "logEvents": [{"id", "timestamp",
 *   "message"}]}`, `CONTROL_MESSAGE` for CloudWatch Logs' reachability checks, and the `{"awslogs": {"data"}}`
 *   envelope a Lambda function receives: the message gzipped, then base64-encoded (CloudWatch Logs User Guide,
 *   "Real-time processing of log data with subscriptions":
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Subscriptions.html; Lambda Developer Guide, "Using
 *   Lambda with CloudWatch Logs": https://docs.aws.amazon.com/lambda/latest/dg/services-cloudwatchlogs.html).
 */

type Rec = Record<string, unknown>;

/** One LookupEvents Event, the fields the CLI prints, the record as a string. */
export function lookupEvent(record: Rec): Rec {
  return {
    EventId: record.eventID,
    EventName: record.eventName,
    ReadOnly: "true",
    AccessKeyId: "ASIAEXAMPLEKEYID0001",
    EventTime: record.eventTime,
    EventSource: record.eventSource,
    Username: "checkout-task",
    Resources: [],
    CloudTrailEvent: JSON.stringify(record),
  };
}

export const lookupEventsOutput = (records: Rec[]) => ({ Events: records.map(lookupEvent) });

/** A CloudWatch Logs DATA_MESSAGE whose log events' messages are the records. */
export function logsDataMessage(records: Rec[]): Rec {
  return {
    owner: "111122223333",
    logGroup: "aws-cloudtrail-logs-111122223333",
    logStream: "111122223333_CloudTrail_eu-west-1",
    subscriptionFilters: ["deniedby"],
    messageType: "DATA_MESSAGE",
    logEvents: records.map((record, i) => ({
      id: `3195310660696698337880902507980421114328961542429822156${i}`,
      timestamp: 1432826855000,
      message: JSON.stringify(record),
    })),
  };
}

export const logsControlMessage = {
  owner: "CloudwatchLogs",
  logGroup: "",
  logStream: "",
  subscriptionFilters: [],
  messageType: "CONTROL_MESSAGE",
  logEvents: [
    {
      id: "",
      timestamp: 1432826855000,
      message: "CWL CONTROL MESSAGE: Checking health of destination Firehose.",
    },
  ],
};

/** What a Lambda function subscribed to the log group receives. */
export function awslogs(message: Rec | string): Rec {
  const text = typeof message === "string" ? message : JSON.stringify(message);
  return { awslogs: { data: gzipSync(text).toString("base64") } };
}
