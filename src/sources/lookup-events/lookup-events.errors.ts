import { DomainError } from "../../shared/errors.js";

/** Stable codes for what can go wrong talking to LookupEvents; logs, status and tests match on them. */
export const lookupEventsErrorCodes = {
  "lookup_events.throttled": "LookupEvents kept throttling after every retry",
  "lookup_events.unavailable": "LookupEvents kept failing with server errors after every retry",
  "lookup_events.request_failed": "LookupEvents rejected the request",
} as const;
export type LookupEventsErrorCode = keyof typeof lookupEventsErrorCodes;

export class LookupEventsError extends DomainError {
  declare readonly code: LookupEventsErrorCode;
  constructor(
    code: LookupEventsErrorCode,
    readonly region: string,
    /** The AWS error name (ThrottlingException, AccessDeniedException, …) or the network error. */
    readonly awsCode: string,
    message: string,
    options?: { cause: unknown },
  ) {
    super(code, `${region}: ${lookupEventsErrorCodes[code]}: ${awsCode}: ${message}`, options);
  }
}

/** What the SDK's errors carry: `name` is the service's error code, `$metadata.httpStatusCode` the status. */
export function awsErrorInfo(error: unknown): { name: string; status: number | null; message: string } {
  if (!(error instanceof Error)) return { name: "Unknown", status: null, message: String(error) };
  const metadata = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata;
  const status = typeof metadata?.httpStatusCode === "number" ? metadata.httpStatusCode : null;
  const code = (error as { code?: unknown }).code;
  return {
    name: typeof code === "string" && error.name === "Error" ? code : error.name,
    status,
    message: error.message,
  };
}

const THROTTLING = new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
]);
const NETWORK = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "TimeoutError",
  "RequestTimeout",
]);

export type Retryable = "throttled" | "unavailable" | null;

/** Whether an error is worth another attempt: throttling, a 5xx, or a dropped connection. */
export function classifyRetry(error: unknown): Retryable {
  const { name, status } = awsErrorInfo(error);
  if (THROTTLING.has(name) || status === 429) return "throttled";
  if ((status !== null && status >= 500) || NETWORK.has(name)) return "unavailable";
  return null;
}
