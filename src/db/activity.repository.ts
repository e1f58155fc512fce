import { desc, eq } from "drizzle-orm";
import type { Db } from "./client.js";
import { type RoleSessionRow, roleSessions } from "./schema.js";

const HOUR_MS = 3_600_000;

/**
 * Denials per hour of each incident over the `hours` hours ending at `endMs`: counts[i] covers
 * [endMs - (hours - i) h, endMs - (hours - i - 1) h). Served by denials_incident_time_idx (incident, time).
 */
export function denialsPerHour(
  db: Db,
  incidentIds: string[],
  endMs: number,
  hours = 24,
): Map<string, number[]> {
  const out = new Map(incidentIds.map((id) => [id, Array.from({ length: hours }, () => 0)]));
  if (incidentIds.length === 0) return out;
  const startMs = endMs - hours * HOUR_MS;
  const rows = db.$client
    .prepare(
      `SELECT incident_id AS id, CAST((event_time - ?) / ${HOUR_MS} AS INTEGER) AS slot, count(*) AS n FROM denials
       WHERE incident_id IN (${incidentIds.map(() => "?").join(",")}) AND event_time >= ? AND event_time < ?
       GROUP BY incident_id, slot`,
    )
    // CAST: a JS number may bind as REAL, and REAL division gives fractional slots.
    .all(startMs, ...incidentIds, startMs, endMs) as { id: string; slot: number; n: number }[];
  for (const r of rows) {
    const counts = out.get(r.id);
    if (counts && r.slot >= 0 && r.slot < hours) counts[r.slot] = r.n;
  }
  return out;
}

/** The time of the newest stored denial (epoch ms), or null when there is none. */
export function latestDenialTime(db: Db): number | null {
  return db.$client.prepare("SELECT max(event_time) FROM denials").pluck().get() as number | null;
}

/** How a role's sessions looked (shape, IMDS delivery, provider, invoking service), busiest first. */
export function sessionsOfRole(db: Db, roleArn: string, limit = 50): RoleSessionRow[] {
  return db
    .select()
    .from(roleSessions)
    .where(eq(roleSessions.roleArn, roleArn))
    .orderBy(desc(roleSessions.calls))
    .limit(limit)
    .all();
}

export interface RoleUsage {
  eventSource: string;
  eventName: string;
  calls: number;
  errors: number;
  lastSeen: number;
}

/** A role's successful calls, all days folded, busiest first. Served by usage_role_day_idx. */
export function usageOfRole(db: Db, roleArn: string, limit = 50): RoleUsage[] {
  return db.$client
    .prepare(
      `SELECT event_source AS eventSource, event_name AS eventName, sum(calls) AS calls, sum(errors) AS errors,
         max(last_seen) AS lastSeen
       FROM usage_daily WHERE role_arn = ? GROUP BY event_source, event_name ORDER BY calls DESC, eventName LIMIT ?`,
    )
    .all(roleArn, limit) as RoleUsage[];
}
