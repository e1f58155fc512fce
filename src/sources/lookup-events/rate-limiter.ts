import type { Clock } from "../../shared/clock.js";

/** Hands out request slots; a caller awaits `acquire` before each request. */
export interface RateLimiter {
  acquire(signal?: AbortSignal): Promise<void>;
}

export interface RateLimiterOptions {
  /** Requests per second. LookupEvents allows 2 per account and region, and the quota cannot be raised. */
  perSecond: number;
  clock: Clock;
}

/**
 * A token bucket of capacity one: slots are `1000 / perSecond` ms apart, so no window of one second ever holds more
 * than `perSecond` requests (a larger bucket would let a burst after an idle spell exceed the quota). Slots are
 * reserved synchronously, so concurrent callers queue in call order.
 */
export function createRateLimiter({ perSecond, clock }: RateLimiterOptions): RateLimiter {
  const spacing = 1000 / perSecond;
  let next = Number.NEGATIVE_INFINITY;
  return {
    async acquire(signal) {
      const now = clock.now();
      const at = Math.max(now, next);
      next = at + spacing;
      if (at > now) await clock.sleep(at - now, signal);
    },
  };
}

/** No limit: the benchmark uses it to measure the client-side cost alone. */
export const unlimited: RateLimiter = { acquire: async () => {} };

/**
 * One limiter per region, shared by everything in the process that calls LookupEvents (the poller and a one-off
 * pull), because the quota is per account and region. deniedby runs with one account's credentials.
 */
export function createRegionLimiters(options: RateLimiterOptions | { disabled: true }) {
  const limiters = new Map<string, RateLimiter>();
  return {
    forRegion(region: string): RateLimiter {
      if ("disabled" in options) return unlimited;
      let limiter = limiters.get(region);
      if (!limiter) {
        limiter = createRateLimiter(options);
        limiters.set(region, limiter);
      }
      return limiter;
    },
  };
}
export type RegionLimiters = ReturnType<typeof createRegionLimiters>;
