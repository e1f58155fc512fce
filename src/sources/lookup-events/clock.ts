import { setTimeout as sleepTimer } from "node:timers/promises";

/**
 * Time for the live sources: the limiter, backoff, polling and lag all read it, so tests drive them with a
 * virtual clock instead of waiting.
 */
export interface Clock {
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

/** True for the rejection of an aborted sleep or request. */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === "AbortError" || error.name === "ABORT_ERR");
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(m|min|h|d)$/;
const UNIT_MS = { m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * Parses `--since`: a duration back from now (`90m`, `24h`, `7d`) or an ISO-8601 instant. Null when it is neither.
 */
export function parseSince(text: string, now: number): number | null {
  const m = DURATION.exec(text.trim());
  if (m) {
    const unit = m[2] as keyof typeof UNIT_MS;
    return now - Number(m[1]) * UNIT_MS[unit];
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return null;
  const t = Date.parse(text);
  return Number.isNaN(t) ? null : t;
}
