import { WindowError } from "./report.errors.js";
import type { ReportWindow } from "./report.schemas.js";

const DAY_MS = 86_400_000;
/** Longer windows make reports nobody reads and queries nobody waits for; a quarter covers monthly jobs. */
export const MAX_WINDOW_DAYS = 92;
export const DEFAULT_WINDOW_DAYS = 7;

/** A window of whole UTC days and the same-length window just before it (for the week-over-week comparison). */
export interface ResolvedWindow {
  current: ReportWindow;
  previous: ReportWindow;
  /** Epoch ms: start of `current.from`, end (exclusive) of `current.to`, start of `previous.from`. */
  startMs: number;
  endMs: number;
  previousStartMs: number;
}

/** Epoch ms of a 'YYYY-MM-DD' UTC day, or undefined when it is not a real calendar day. */
export function parseDay(day: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (!Number.isFinite(ms)) return undefined;
  // Date.parse rolls 2026-02-30 over to March: reject days that do not round-trip.
  return new Date(ms).toISOString().slice(0, 10) === day ? ms : undefined;
}

export function formatDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Every day of a window, in order. */
export function daysOf(window: ReportWindow): string[] {
  const start = parseDay(window.from) ?? 0;
  return Array.from({ length: window.days }, (_, i) => formatDay(start + i * DAY_MS));
}

/**
 * The report window from optional `from`/`to` days (inclusive). Default: the last 7 full UTC days before `now`.
 * Only `from`: 7 days from it; only `to`: the 7 days ending with it. Throws WindowError for bad input.
 */
export function resolveWindow(
  options: { from?: string | undefined; to?: string | undefined },
  now: number,
): ResolvedWindow {
  const parse = (field: "from" | "to", value: string | undefined) => {
    if (value === undefined) return undefined;
    const ms = parseDay(value);
    if (ms === undefined)
      throw new WindowError(field, `${field} must be a UTC day as YYYY-MM-DD, not '${value}'`);
    return ms;
  };
  const from = parse("from", options.from);
  const to = parse("to", options.to);
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const span = (DEFAULT_WINDOW_DAYS - 1) * DAY_MS;
  const start = from ?? (to !== undefined ? to - span : today - DEFAULT_WINDOW_DAYS * DAY_MS);
  const end = to ?? start + span;
  if (start > end)
    throw new WindowError("from", `from (${formatDay(start)}) is after to (${formatDay(end)})`);
  const days = Math.round((end - start) / DAY_MS) + 1;
  if (days > MAX_WINDOW_DAYS)
    throw new WindowError("to", `the window is ${days} days; at most ${MAX_WINDOW_DAYS} days are allowed`);
  const previousStart = start - days * DAY_MS;
  return {
    current: { from: formatDay(start), to: formatDay(end), days },
    previous: { from: formatDay(previousStart), to: formatDay(start - DAY_MS), days },
    startMs: start,
    endMs: end + DAY_MS,
    previousStartMs: previousStart,
  };
}
