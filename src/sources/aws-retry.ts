import type { Clock } from "../shared/clock.js";
import { DomainError } from "../shared/errors.js";

/** What the SDK's errors carry: `name` is the service's error code, `$metadata.httpStatusCode` the status. */
export function awsErrorInfo(error: unknown): { name: string; status: number | null; message: string } {
  if (!(error instanceof Error)) return { name: "Unknown", status: null, message: String(error) };
  const metadata = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata;
  const status = typeof metadata?.httpStatusCode === "number" ? metadata.httpStatusCode : null;
  const code = (error as { code?: unknown }).code;
  // deniedby's own errors that wrap an AWS one (AssumeRoleError) carry its name as awsCode.
  const awsCode = (error as { awsCode?: unknown }).awsCode;
  return {
    name:
      typeof awsCode === "string"
        ? awsCode
        : typeof code === "string" && error.name === "Error"
          ? code
          : error.name,
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

export interface RetryOptions {
  /** Attempts per request, the first included. */
  maxAttempts: number;
  /** Backoff before attempt n+1 is up to `baseDelayMs · 2^(n-1)`, capped, with jitter in its upper half. */
  baseDelayMs: number;
  maxDelayMs: number;
  random: () => number;
}

export const defaultRetry: RetryOptions = {
  maxAttempts: 6,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  random: Math.random,
};

/** Why a request was given up: retries spent on throttling or server errors, or an error not worth retrying. */
export type GiveUp = "throttled" | "unavailable" | "failed";

export interface RetryPolicy {
  clock: Clock;
  retry: RetryOptions;
  signal?: AbortSignal | undefined;
  onRetry?: ((info: { attempt: number; delayMs: number; awsCode: string }) => void) | undefined;
  /** The typed error a source throws when it gives up (its own codes, its own one-line message). */
  giveUp(why: GiveUp, info: ReturnType<typeof awsErrorInfo>, cause: unknown): Error;
}

/**
 * After attempt `attempt` failed with `error`: waits the backoff and returns when another attempt is worth it, or
 * throws the source's typed error. Aborts are rethrown as they are.
 */
export async function backOff(policy: RetryPolicy, attempt: number, error: unknown): Promise<void> {
  if (policy.signal?.aborted) throw error;
  const kind = classifyRetry(error);
  const info = awsErrorInfo(error);
  if (kind === null) throw policy.giveUp("failed", info, error);
  if (attempt >= policy.retry.maxAttempts) throw policy.giveUp(kind, info, error);
  const ceiling = Math.min(policy.retry.maxDelayMs, policy.retry.baseDelayMs * 2 ** (attempt - 1));
  const delayMs = Math.round(ceiling * (0.5 + policy.retry.random() / 2));
  policy.onRetry?.({ attempt, delayMs, awsCode: info.name });
  await policy.clock.sleep(delayMs, policy.signal);
}

/** The SDK's per-request options for an optional signal. */
export const abortable = (signal: AbortSignal | undefined) => (signal ? { abortSignal: signal } : {});

/**
 * Runs one API request with our own retries (clients are built with `maxAttempts: 1`), each attempt after
 * `beforeAttempt` (a rate limiter's slot).
 */
export async function withRetries<T>(
  policy: RetryPolicy & { beforeAttempt?: () => Promise<unknown> },
  request: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    await policy.beforeAttempt?.();
    try {
      return await request();
    } catch (error) {
      await backOff(policy, attempt, error);
    }
  }
}

/** A request a source gave up on, as one line: its stable code, what was being read, the AWS error's name. */
export class AwsRequestError extends DomainError {
  constructor(
    code: string,
    /** What was being read: `s3://bucket/key`, a queue URL, … */
    readonly target: string,
    /** The AWS error name (SlowDown, AccessDenied, QueueDoesNotExist, …) or the network error. */
    readonly awsCode: string,
    summary: string,
    message: string,
    options?: { cause: unknown },
  ) {
    super(code, `${target}: ${summary}: ${awsCode}: ${message}`, options);
  }
}

/** A source's `giveUp`: its code for each way of giving up, each code's summary. */
export function giveUpWith<C extends string>(
  codes: Readonly<Record<GiveUp, C>>,
  summaries: Readonly<Record<C, string>>,
  target: string,
): RetryPolicy["giveUp"] {
  return (why, info, cause) =>
    new AwsRequestError(codes[why], target, info.name, summaries[codes[why]], info.message, { cause });
}
