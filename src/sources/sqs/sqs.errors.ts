import { giveUpWith } from "../aws-retry.js";

/** Stable codes for what can go wrong talking to the new-log-file queue; logs, status and tests match on them. */
export const sqsErrorCodes = {
  "sqs.throttled": "SQS kept throttling after every retry",
  "sqs.unavailable": "SQS kept failing with server errors after every retry",
  "sqs.request_failed": "SQS rejected the request",
} as const;

/** The error a queue's read throws when it gives a request up. */
export const sqsGiveUp = (queueUrl: string) =>
  giveUpWith(
    { throttled: "sqs.throttled", unavailable: "sqs.unavailable", failed: "sqs.request_failed" },
    sqsErrorCodes,
    queueUrl,
  );
