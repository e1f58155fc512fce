const DURATION = /^(\d+)(m|min|h|d)$/;
const UNIT_MS = { m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/** The forms parseTime accepts, for usage lines and the OpenAPI document. */
export const TIME_FORMS =
  "a duration back from now (30m, 24h, 7d), an ISO-8601 date (2026-11-16, midnight UTC) or an ISO-8601 date-time with Z or an offset (2026-11-16T10:00:00Z)";

/** True when year-month-day names a day of the calendar (Date.parse rolls 2026-02-30 over to March 2). */
function isCalendarDay(y: string, m: string, d: string): boolean {
  const day = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return (
    day.getUTCFullYear() === Number(y) &&
    day.getUTCMonth() === Number(m) - 1 &&
    day.getUTCDate() === Number(d)
  );
}

/**
 * THE time parser of every time the user gives, on the command line and in the API's query parameters: a duration
 * back from `now` (`30m`, `24h`, `7d`), an ISO-8601 date (midnight UTC) or an ISO-8601 date-time with `Z` or an
 * offset. Null for anything else, including days the calendar lacks and date-times without a zone (whose meaning
 * would depend on the machine's time zone).
 */
export function parseTime(text: string, now: number): number | null {
  const duration = DURATION.exec(text);
  if (duration) return now - Number(duration[1]) * UNIT_MS[duration[2] as keyof typeof UNIT_MS];
  const date = DATE.exec(text) ?? DATE_TIME.exec(text);
  if (!date) return null;
  const [, y = "", m = "", d = "", hh = "00", mm = "00", ss = "00"] = date;
  if (!isCalendarDay(y, m, d) || Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) return null;
  const t = Date.parse(date.length > 4 ? text : `${text}T00:00:00Z`);
  return Number.isNaN(t) ? null : t;
}

/**
 * An instant as it appears in every response and JSON output: ISO-8601 in UTC with milliseconds,
 * `2026-11-16T10:00:00.000Z` (what Date.prototype.toISOString writes).
 */
export function isoTime(t: number): string {
  return new Date(t).toISOString();
}

/** A time text from a record (CloudTrail writes `2026-11-16T10:00:00Z`) in the response format; as is if unreadable. */
export function isoTimeOf(text: string): string {
  const t = Date.parse(text);
  return Number.isNaN(t) ? text : isoTime(t);
}

const DAY = 86_400_000;

/** The UTC day of an instant, 'YYYY-MM-DD'. */
export function dayOf(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

/** The UTC day `n` days after `day` ('YYYY-MM-DD'). */
export function addDays(day: string, n: number): string {
  return dayOf(Date.parse(`${day}T00:00:00Z`) + n * DAY);
}

/** An instant as ISO-8601 for people: '-' when there is none. */
export function formatDate(t: number | null): string {
  return t === null ? "-" : isoTime(t);
}

/** An instant as ISO-8601, or null. */
export function isoOrNull(t: number | null): string | null {
  return t === null ? null : isoTime(t);
}
