import { giveUpWith } from "../aws-retry.js";

/** Stable codes for what can go wrong reading trail objects from S3; logs, status and tests match on them. */
export const s3ErrorCodes = {
  "s3.throttled": "S3 kept answering SlowDown after every retry",
  "s3.unavailable": "S3 kept failing with server errors after every retry",
  "s3.request_failed": "S3 rejected the request",
  "s3.read_failed": "the object's body broke off while it was read",
} as const;

/** The error a read of `target` (`s3://bucket/key` or a prefix) throws when it gives a request up. */
export const s3GiveUp = (target: string) =>
  giveUpWith(
    { throttled: "s3.throttled", unavailable: "s3.unavailable", failed: "s3.request_failed" },
    s3ErrorCodes,
    target,
  );
