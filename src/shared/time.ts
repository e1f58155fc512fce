const DURATION = /^(\d+(?:\.\d+)?)\s*(m|min|h|d)$/;
const UNIT_MS = { m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * Parses a start time given on a command line: a duration back from now (`90m`, `24h`, `7d`) or an ISO-8601
 * instant. Null when it is neither.
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
  return t === null ? "-" : new Date(t).toISOString();
}

/** An instant as ISO-8601, or null. */
export function isoOrNull(t: number | null): string | null {
  return t === null ? null : new Date(t).toISOString();
}
