import { and, desc, eq, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import type { KindAssessment, RoleCatalogEntry, RoleKind } from "../classify/kinds.js";
import type { CloudTrailRecord } from "../cloudtrail/record.js";
import { analyseDenial, type DenialAnalysis, type Explanation, explainDenial } from "../explain/explain.js";
import { resourcePattern } from "../explain/incident.js";
import type { Db } from "./client.js";
import {
  type DenialRow,
  denials,
  type IncidentRow,
  incidents,
  type RoleCatalogRow,
  roleCatalog,
} from "./schema.js";

const SAMPLE_IDS = 5;
const SAMPLE_SESSIONS = 10;
const BATCH = 5_000;

function toEntry(row: RoleCatalogRow): RoleCatalogEntry {
  let kinds: KindAssessment[] = [];
  try {
    const parsed = JSON.parse(row.kinds) as unknown;
    if (Array.isArray(parsed)) kinds = parsed as KindAssessment[];
  } catch {
    kinds = [];
  }
  if (kinds.length === 0) kinds = [{ kind: row.kind as RoleKind, confidence: row.confidence, evidence: [] }];
  return {
    roleArn: row.roleArn,
    accountId: row.accountId,
    roleName: row.roleName,
    kinds,
    dualUse: row.dualUse,
    firstSeen: row.firstSeen,
    lastSeen: row.lastSeen,
  };
}

/** The stored role catalogue as a lookup function, loaded once. */
export function loadCatalog(db: Db): (roleArn: string) => RoleCatalogEntry | undefined {
  const map = new Map(
    db
      .select()
      .from(roleCatalog)
      .all()
      .map((r) => [r.roleArn, toEntry(r)]),
  );
  return (arn) => map.get(arn);
}

/** Explains a stored denial from its raw record, with the catalogue as context. */
export function explainStoredDenial(
  row: DenialRow,
  catalog: (roleArn: string) => RoleCatalogEntry | undefined,
): Explanation {
  return explainDenial(JSON.parse(row.raw) as CloudTrailRecord, { catalog });
}

function mergeBounded(a: string[], b: string[], bound: number): string[] {
  // Sorted, so the kept sample does not depend on the order events arrived in.
  return [...new Set([...a, ...b])].sort().slice(0, bound);
}

function parseList(json: string): string[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

/**
 * Explains every stored denial not yet analysed (action IS NULL), fills its analysis columns and folds it into its
 * incident, one transaction per batch. Idempotent: analysed rows are never counted again.
 */
export function analysePendingDenials(db: Db): { analysed: number; incidents: number } {
  const catalog = loadCatalog(db);
  const updateAnalysis = db.$client.prepare(
    "UPDATE denials SET action = ?, resource = ?, denied_by = ?, policy_arn = ?, incident_id = ? WHERE event_id = ?",
  );
  let analysed = 0;
  let after: { time: number; id: string } | undefined;
  const touched = new Set<string>();
  for (;;) {
    const rows = db
      // Only the columns analysis needs: mapping all 21 columns per row took longer than explaining the rows.
      .select({
        eventId: denials.eventId,
        eventTime: denials.eventTime,
        accountId: denials.accountId,
        sessionName: denials.sessionName,
        raw: denials.raw,
      })
      .from(denials)
      // Walk denials_time_idx once in key order: re-querying "action IS NULL ORDER BY time" per batch rescanned
      // and re-sorted the whole table every time.
      .where(
        after
          ? and(
              isNull(denials.action),
              sql`(${denials.eventTime}, ${denials.eventId}) > (${after.time}, ${after.id})`,
            )
          : isNull(denials.action),
      )
      .orderBy(denials.eventTime, denials.eventId)
      .limit(BATCH)
      .all();
    const lastRow = rows.at(-1);
    if (!lastRow) break;
    after = { time: lastRow.eventTime, id: lastRow.eventId };
    const groups = new Map<
      string,
      {
        e: DenialAnalysis;
        row: { accountId: string };
        count: number;
        first: number;
        last: number;
        latest: string;
        ids: string[];
        sessions: string[];
      }
    >();
    const updates: { id: string; e: DenialAnalysis }[] = [];
    for (const row of rows) {
      let e: DenialAnalysis;
      try {
        e = analyseDenial(JSON.parse(row.raw) as CloudTrailRecord, { catalog });
      } catch {
        // An unreadable raw record still gets analysis columns, so it is not retried forever.
        db.update(denials)
          .set({ action: "", deniedBy: "unknown", incidentId: null })
          .where(eq(denials.eventId, row.eventId))
          .run();
        continue;
      }
      updates.push({ id: row.eventId, e });
      const g = groups.get(e.incidentId);
      const session = row.sessionName ? [row.sessionName] : [];
      if (!g)
        groups.set(e.incidentId, {
          e,
          row,
          count: 1,
          first: row.eventTime,
          last: row.eventTime,
          latest: row.eventId,
          ids: [row.eventId],
          sessions: session,
        });
      else {
        g.count++;
        g.first = Math.min(g.first, row.eventTime);
        if (row.eventTime >= g.last) {
          g.last = row.eventTime;
          g.latest = row.eventId;
        }
        g.ids = mergeBounded(g.ids, [row.eventId], SAMPLE_IDS);
        g.sessions = mergeBounded(g.sessions, session, SAMPLE_SESSIONS);
      }
    }
    db.transaction((tx) => {
      // One prepared statement for the batch: building a drizzle query per row cost more than the analysis.
      for (const { id, e } of updates)
        updateAnalysis.run(
          e.action ?? "",
          e.resource,
          e.parsed.deniedBy,
          e.parsed.policyArn ?? null,
          e.incidentId,
          id,
        );
      for (const [id, g] of groups) {
        touched.add(id);
        const existing = tx.select().from(incidents).where(eq(incidents.id, id)).get();
        if (existing) {
          const newer =
            g.last > existing.lastSeen || (g.last === existing.lastSeen && g.latest > existing.latestEventId);
          tx.update(incidents)
            .set({
              count: existing.count + g.count,
              firstSeen: Math.min(existing.firstSeen, g.first),
              lastSeen: Math.max(existing.lastSeen, g.last),
              latestEventId: newer ? g.latest : existing.latestEventId,
              sampleEventIds: JSON.stringify(
                mergeBounded(parseList(existing.sampleEventIds), g.ids, SAMPLE_IDS),
              ),
              sessions: JSON.stringify(
                mergeBounded(parseList(existing.sessions), g.sessions, SAMPLE_SESSIONS),
              ),
            })
            .where(eq(incidents.id, id))
            .run();
        } else
          tx.insert(incidents)
            .values({
              id,
              principalArn: g.e.principal.arn,
              roleArn: g.e.principal.roleArn,
              accountId: g.row.accountId,
              action: g.e.action ?? "",
              resourcePattern: resourcePattern(g.e.resource),
              deniedBy: g.e.parsed.deniedBy,
              policyArn: g.e.parsed.policyArn ?? null,
              count: g.count,
              firstSeen: g.first,
              lastSeen: g.last,
              latestEventId: g.latest,
              sampleEventIds: JSON.stringify(g.ids),
              sessions: JSON.stringify(g.sessions),
              noise: g.e.noise !== null,
              noiseReason: g.e.noise,
            })
            .run();
      }
    });
    analysed += rows.length;
  }
  return { analysed, incidents: touched.size };
}

export interface ListDenialsOptions {
  since?: number;
  until?: number;
  roleArn?: string;
  kind?: RoleKind;
  action?: string;
  account?: string;
  incident?: string;
  includeNoise?: boolean;
  limit: number;
  cursor?: string;
}

export interface DenialListItem extends DenialRow {
  kind: string | null;
  noise: boolean;
}

function encodeCursor(time: number, id: string): string {
  return Buffer.from(`${time}:${id}`).toString("base64url");
}
function decodeCursor(cursor: string): { time: number; id: string } | undefined {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const colon = text.indexOf(":");
  const time = Number(text.slice(0, colon));
  return colon > 0 && Number.isFinite(time) ? { time, id: text.slice(colon + 1) } : undefined;
}

/** Denials newest first, keyset-paged on (event_time, event_id); `kind` comes from the role catalogue. */
export function listDenials(
  db: Db,
  o: ListDenialsOptions,
): { denials: DenialListItem[]; nextCursor: string | null } {
  const where: SQL[] = [];
  if (o.since !== undefined) where.push(sql`${denials.eventTime} >= ${o.since}`);
  if (o.until !== undefined) where.push(lt(denials.eventTime, o.until));
  if (o.roleArn) where.push(eq(denials.roleArn, o.roleArn));
  // The unary + keeps SQLite walking denials_time_idx newest first (stopping at the page) instead of gathering
  // every denial of every role of the kind through denials_role_time_idx and sorting them: 500 ms → 1 ms at 100k.
  if (o.kind)
    where.push(
      sql`+${denials.roleArn} IN (SELECT ${roleCatalog.roleArn} FROM ${roleCatalog} WHERE ${roleCatalog.kind} = ${o.kind})`,
    );
  if (o.action) where.push(eq(denials.action, o.action));
  if (o.account) where.push(eq(denials.accountId, o.account));
  if (o.incident) where.push(eq(denials.incidentId, o.incident));
  if (!o.includeNoise) where.push(sql`coalesce(${incidents.noise}, 0) = 0`);
  if (o.cursor) {
    const c = decodeCursor(o.cursor);
    if (c) {
      const keyset = or(
        lt(denials.eventTime, c.time),
        and(eq(denials.eventTime, c.time), lt(denials.eventId, c.id)),
      );
      if (keyset) where.push(keyset);
    }
  }
  const rows = db
    .select({ d: denials, kind: roleCatalog.kind, noise: incidents.noise })
    .from(denials)
    .leftJoin(roleCatalog, eq(roleCatalog.roleArn, denials.roleArn))
    .leftJoin(incidents, eq(incidents.id, denials.incidentId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(denials.eventTime), desc(denials.eventId))
    .limit(o.limit + 1)
    .all();
  const page = rows.slice(0, o.limit).map((r) => ({ ...r.d, kind: r.kind, noise: r.noise ?? false }));
  const last = page.at(-1);
  return {
    denials: page,
    nextCursor: rows.length > o.limit && last ? encodeCursor(last.eventTime, last.eventId) : null,
  };
}

export function getDenial(db: Db, eventId: string): DenialRow | undefined {
  return db.select().from(denials).where(eq(denials.eventId, eventId)).get();
}

export interface ListIncidentsOptions {
  roleArn?: string;
  /** Incidents active in [since, until): last seen at or after since, first seen before until. */
  since?: number;
  until?: number;
  kind?: RoleKind;
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
