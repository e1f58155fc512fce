import type { Clock } from "../../shared/clock.js";
import { awsErrorInfo, classifyRetry, LookupEventsError } from "./lookup-events.errors.js";
import type { RateLimiter } from "./rate-limiter.js";

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

export interface AttemptContext {
  limiter: RateLimiter;
  clock: Clock;
  retry: RetryOptions;
  region: string;
  signal?: AbortSignal;
  onRetry?: (info: { attempt: number; delayMs: number; awsCode: string }) => void;
}

/**
 * Runs one API request with our own retries. The SDK client is built with `maxAttempts: 1` so that every attempt,
 * retries included, takes a slot from the region's limiter: SDK-internal retries would bypass it and spend the
 * 2 req/s quota on the very requests that were just throttled.
 */
export async function withRetries<T>(ctx: AttemptContext, request: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    await ctx.limiter.acquire(ctx.signal);
    try {
      return await request();
    } catch (error) {
      if (ctx.signal?.aborted) throw error;
      const kind = classifyRetry(error);
      const info = awsErrorInfo(error);
      if (kind === null)
        throw new LookupEventsError("lookup_events.request_failed", ctx.region, info.name, info.message, {
          cause: error,
        });
      if (attempt >= ctx.retry.maxAttempts)
        throw new LookupEventsError(
          kind === "throttled" ? "lookup_events.throttled" : "lookup_events.unavailable",
          ctx.region,
          info.name,
          info.message,
          { cause: error },
        );
      const ceiling = Math.min(ctx.retry.maxDelayMs, ctx.retry.baseDelayMs * 2 ** (attempt - 1));
      const delayMs = Math.round(ceiling * (0.5 + ctx.retry.random() / 2));
      ctx.onRetry?.({ attempt, delayMs, awsCode: info.name });
      await ctx.clock.sleep(delayMs, ctx.signal);
    }
  }
}
