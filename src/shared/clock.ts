import { setTimeout as sleepTimer } from "node:timers/promises";

/**
 * Time for everything that waits or stamps: rate limiters, backoff, pollers, lag, the Slack quiet period. Built once
 * in buildDeps; tests pass a virtual clock instead of waiting.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms`; rejects with an AbortError when the signal fires first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    await sleepTimer(Math.max(0, ms), undefined, signal ? { signal } : {});
  },
};

/** A clock whose time is `now()` and whose sleeps are real: the app's own clock under test. */
export function clockAt(now: () => number): Clock {
  return { now, sleep: systemClock.sleep };
}

/** True for the rejection of an aborted sleep or request. */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === "AbortError" || error.name === "ABORT_ERR");
}
