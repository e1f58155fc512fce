import type { Clock } from "../../shared/clock.js";

/** Hands out request slots; a caller awaits `acquire` before each request. */
export interface RateLimiter {
  /** Waits for the next slot; returns its time (epoch ms), or null when nothing limits (no slot to remember). */
  acquire(signal?: AbortSignal): Promise<number | null>;
  /**
   * The last slot an earlier process took (remembered with a checkpoint): no slot is handed out closer to it than
   * the spacing, so a restart does not burst.
   */
  restore(lastSlot: number): void;
}

export interface RateLimiterOptions {
  /** Requests per second. LookupEvents allows 2 per account and region, and the quota cannot be raised. */
  perSecond: number;
  /**
   * Added to the spacing, for the jitter between a slot and the request's arrival (the checkpoint's commit, the
   * network): two requests in any second on arrival need three in a row to span a second there. Default 0.
   */
  marginMs?: number;
  clock: Clock;
}

/**
 * A token bucket of capacity one: slots are `1000 / perSecond` ms apart, so no window of one second ever holds more
 * than `perSecond` requests (a larger bucket would let a burst after an idle spell exceed the quota). Slots are
 * reserved synchronously, so concurrent callers queue in call order.
 */
export function createRateLimiter({ perSecond, clock, marginMs = 0 }: RateLimiterOptions): RateLimiter {
  const spacing = 1000 / perSecond + marginMs;
  let next = Number.NEGATIVE_INFINITY;
  return {
    async acquire(signal) {
      const now = clock.now();
      const at = Math.max(now, next);
      next = at + spacing;
      if (at > now) await clock.sleep(at - now, signal);
      return at;
    },
    restore(lastSlot) {
      next = Math.max(next, lastSlot + spacing);
    },
  };
}

/** No limit: the benchmark uses it to measure the client-side cost alone. */
export const unlimited: RateLimiter = { acquire: async () => null, restore: () => {} };

/**
 * One limiter per account and region, shared by everything in the process that calls LookupEvents (the poller and a
 * one-off pull), because the quota is per account and region.
 */
export function createLimiters(options: RateLimiterOptions | { disabled: true }) {
  const limiters = new Map<string, RateLimiter>();
  return {
    /** `account` is null for the process's own credentials. */
    for(region: string, account: string | null = null): RateLimiter {
      if ("disabled" in options) return unlimited;
      const key = `${account ?? ""}/${region}`;
      let limiter = limiters.get(key);
      if (!limiter) {
        limiter = createRateLimiter(options);
        limiters.set(key, limiter);
      }
      return limiter;
    },
  };
}
export type Limiters = ReturnType<typeof createLimiters>;
