import { and, desc, eq, lt, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "./client.js";
import { decodeCursor, encodeCursor, type FindFilters, findClauses } from "./denial-pages.repository.js";
import { type DenialRow, denialRaw, denials, type IncidentRow, incidents, roleCatalog } from "./schema.js";

/** A stored denial with its raw record and its incident's noise reason (when it has one). */
export function getDenial(db: Db, eventId: string): DenialRow | undefined {
  const row = db
    .select({ d: denials, raw: denialRaw.raw, noiseReason: incidents.noiseReason })
    .from(denials)
    .innerJoin(denialRaw, eq(denialRaw.eventId, denials.eventId))
    .leftJoin(incidents, eq(incidents.id, denials.incidentId))
    .where(eq(denials.eventId, eventId))
    .get();
  return row ? { ...row.d, raw: row.raw, noiseReason: row.noiseReason } : undefined;
}

/** A condition written with `?` placeholders, as drizzle SQL with its parameters bound in their places. */
function bound(clause: string, params: readonly unknown[]): SQL {
  const parts = clause.split("?");
  return sql.join(parts.map((p, i) => (i < params.length ? sql`${sql.raw(p)}${params[i]}` : sql.raw(p))));
}

/**
 * Incidents that hold a denial the find filters match: the denials are found through their own indexes (see
 * findClauses), then their incidents by primary key. Free text alone matches every denial once per request (a probe
 * of each incident's denials instead was faster for common text but far slower for rare text: docs/performance.md).
 */
function incidentsFound(f: FindFilters): SQL | undefined {
  const clauses = findClauses(f);
  if (clauses.length === 0) return undefined;
  const where = sql.join(
    clauses.map((c) => bound(c.clause, c.params)),
    sql` AND `,
  );
  return sql`${incidents.id} IN (SELECT d.incident_id FROM denials d WHERE d.incident_id IS NOT NULL AND ${where})`;
}

export interface ListIncidentsOptions extends FindFilters {
  roleArn?: string;
  /** Incidents active in [since, until): last seen at or after since, first seen before until. */
  since?: number;
  until?: number;
  kind?: string;
  action?: string;
  account?: string;
  incident?: string;
  includeNoise?: boolean;
  limit: number;
  cursor?: string;
}

/** Incidents by most recent activity, keyset-paged on (last_seen, id); filterable like denials. */
export function listIncidents(
  db: Db,
  o: ListIncidentsOptions,
): { incidents: IncidentRow[]; nextCursor: string | null } {
  const where: SQL[] = [];
  if (o.roleArn) where.push(eq(incidents.roleArn, o.roleArn));
  if (o.since !== undefined) where.push(sql`${incidents.lastSeen} >= ${o.since}`);
  if (o.until !== undefined) where.push(lt(incidents.firstSeen, o.until));
  if (o.kind) where.push(eq(roleCatalog.kind, o.kind));
  if (o.action) where.push(eq(incidents.action, o.action));
  if (o.account) where.push(eq(incidents.accountId, o.account));
  if (o.incident) where.push(eq(incidents.id, o.incident));
  if (!o.includeNoise) where.push(eq(incidents.noise, false));
  const found = incidentsFound(o);
  if (found) where.push(found);
  if (o.cursor) {
    const c = decodeCursor(o.cursor);
    const keyset =
      c && or(lt(incidents.lastSeen, c.time), and(eq(incidents.lastSeen, c.time), lt(incidents.id, c.id)));
    if (keyset) where.push(keyset);
  }
  const rows = db
    .select({ i: incidents })
    .from(incidents)
    .leftJoin(roleCatalog, eq(roleCatalog.roleArn, incidents.roleArn))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(incidents.lastSeen), desc(incidents.id))
    .limit(o.limit + 1)
    .all()
    .map((r) => r.i);
  const page = rows.slice(0, o.limit);
  const last = page.at(-1);
  return {
    incidents: page,
    nextCursor: rows.length > o.limit && last ? encodeCursor(last.lastSeen, last.id) : null,
  };
}

export function getIncident(db: Db, id: string): IncidentRow | undefined {
  return db.select().from(incidents).where(eq(incidents.id, id)).get();
}
