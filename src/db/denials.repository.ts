import { and, desc, eq, lt, or, type SQL, sql } from "drizzle-orm";
import type { KindAssessment, RoleCatalogEntry, RoleKind } from "../classify/kinds.js";
import type { CloudTrailRecord } from "../cloudtrail/record.js";
import { analyseDenial, type DenialAnalysis, type Explanation, explainDenial } from "../explain/explain.js";
import { resourcePattern } from "../explain/incident.js";
import type { Db } from "./client.js";
import { decodeCursor, encodeCursor } from "./denial-pages.repository.js";
import {
  type DenialRow,
  denialRaw,
  denials,
  type IncidentRow,
  incidents,
  type RoleCatalogRow,
  roleCatalog,
} from "./schema.js";

const SAMPLE_IDS = 5;
const SAMPLE_SESSIONS = 10;

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
  row: Pick<DenialRow, "raw">,
  catalog: (roleArn: string) => RoleCatalogEntry | undefined,
): Explanation {
  return explainDenial(JSON.parse(row.raw) as CloudTrailRecord, { catalog });
}

/**
 * Adds `value` to `sample`, a sorted list of at most `bound` distinct values, in place: the sample stays the
 * `bound` smallest values ever seen, so it does not depend on the order events arrived in. One comparison per
 * event instead of building, sorting and slicing a new array per event.
 */
function addToSample(sample: string[], value: string, bound: number): void {
  const last = sample[sample.length - 1];
  if (sample.length >= bound && last !== undefined && value >= last) return;
  let i = sample.length;
  while (i > 0 && (sample[i - 1] as string) > value) i--;
  if (i > 0 && sample[i - 1] === value) return;
  sample.splice(i, 0, value);
  if (sample.length > bound) sample.pop();
}

function parseList(json: string): string[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

/** Rows read per query; the whole run is still one transaction. */
const READ_BATCH = 5_000;
/** Rows per transaction: bounds the WAL and the in-memory fold on a large backlog. */
const COMMIT_EVERY = 50_000;

/** One incident's part of the current transaction, folded in memory and written once. */
interface IncidentFold {
  e: DenialAnalysis;
  accountId: string;
  count: number;
  first: number;
  last: number;
  latest: string;
  ids: string[];
  sessions: string[];
}

/** A stored denial as read for analysis: [event_id, event_time, account_id, session_name, raw, rowid]. */
type PendingRow = [string, number, string, string | null, string, number];

function foldInto(folds: Map<string, IncidentFold>, e: DenialAnalysis, row: PendingRow): void {
  const [eventId, eventTime, accountId, sessionName] = row;
  const g = folds.get(e.incidentId);
  if (!g) {
    folds.set(e.incidentId, {
      e,
      accountId,
      count: 1,
      first: eventTime,
      last: eventTime,
      latest: eventId,
      ids: [eventId],
      sessions: sessionName ? [sessionName] : [],
    });
    return;
  }
  g.count++;
  g.first = Math.min(g.first, eventTime);
  // Rows come in (event_time, event_id) order, so on a tie the later id wins, as it always has.
  if (eventTime >= g.last) {
    g.last = eventTime;
    g.latest = eventId;
  }
  addToSample(g.ids, eventId, SAMPLE_IDS);
  if (sessionName) addToSample(g.sessions, sessionName, SAMPLE_SESSIONS);
}

/** The statements of one analysis run, prepared once: drizzle built and prepared a new query per row and incident. */
function analysisStatements(db: Db) {
  const c = db.$client;
  return {
    // Walks denials_time_idx once in key order: re-querying "action IS NULL ORDER BY time" per batch rescanned and
    // re-sorted the whole table every time. Only the columns analysis needs, as arrays (no per-row objects).
    // The raw record comes from denial_raw by its primary key; the denial row itself is narrow (see schema.ts).
    pendingFirst: c
      .prepare(
        `SELECT d.event_id, d.event_time, d.account_id, d.session_name, r.raw, d.rowid FROM denials d
         JOIN denial_raw r ON r.event_id = d.event_id
         WHERE d.action IS NULL ORDER BY d.event_time, d.event_id LIMIT ?`,
      )
      .raw(true),
    pendingAfter: c
      .prepare(
        `SELECT d.event_id, d.event_time, d.account_id, d.session_name, r.raw, d.rowid FROM denials d
         JOIN denial_raw r ON r.event_id = d.event_id
         WHERE d.action IS NULL AND (d.event_time, d.event_id) > (?, ?) ORDER BY d.event_time, d.event_id LIMIT ?`,
      )
      .raw(true),
    // By rowid, read with the row in the same transaction: saves a lookup in the event_id index per denial.
    setAnalysis: c.prepare(
      `UPDATE denials SET action = ?, resource = ?, denied_by = ?, policy_arn = ?, incident_id = ?, noise = ?
       WHERE rowid = ?`,
    ),
    getIncidentNoise: c.prepare("SELECT noise FROM incidents WHERE id = ?").pluck(),
    getIncident: c.prepare(
      `SELECT count, first_seen AS firstSeen, last_seen AS lastSeen, latest_event_id AS latestEventId,
         sample_event_ids AS sampleEventIds, sessions FROM incidents WHERE id = ?`,
    ),
    updateIncident: c.prepare(
      `UPDATE incidents SET count = ?, first_seen = ?, last_seen = ?, latest_event_id = ?, sample_event_ids = ?,
         sessions = ? WHERE id = ?`,
    ),
    insertIncident: c.prepare(
      `INSERT INTO incidents (id, principal_arn, role_arn, account_id, action, resource_pattern, denied_by,
         policy_arn, count, first_seen, last_seen, latest_event_id, sample_event_ids, sessions, noise, noise_reason)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
  };
}
type AnalysisStatements = ReturnType<typeof analysisStatements>;

interface StoredIncident {
  count: number;
  firstSeen: number;
  lastSeen: number;
  latestEventId: string;
  sampleEventIds: string;
  sessions: string;
}

/** Adds the folded incidents to the stored ones: one read and one write per incident per transaction. */
function writeIncidents(s: AnalysisStatements, folds: Map<string, IncidentFold>): void {
  for (const [id, g] of folds) {
    const existing = s.getIncident.get(id) as StoredIncident | undefined;
    if (existing) {
      const newer =
        g.last > existing.lastSeen || (g.last === existing.lastSeen && g.latest > existing.latestEventId);
      const ids = [...new Set(parseList(existing.sampleEventIds))].sort();
      for (const x of g.ids) addToSample(ids, x, SAMPLE_IDS);
      const sessions = [...new Set(parseList(existing.sessions))].sort();
      for (const x of g.sessions) addToSample(sessions, x, SAMPLE_SESSIONS);
      s.updateIncident.run(
        existing.count + g.count,
        Math.min(existing.firstSeen, g.first),
        Math.max(existing.lastSeen, g.last),
        newer ? g.latest : existing.latestEventId,
        JSON.stringify(ids.slice(0, SAMPLE_IDS)),
        JSON.stringify(sessions.slice(0, SAMPLE_SESSIONS)),
        id,
      );
    } else
      s.insertIncident.run(
        id,
        g.e.principal.arn,
        g.e.principal.roleArn,
        g.accountId,
        g.e.action ?? "",
        resourcePattern(g.e.resource),
        g.e.parsed.deniedBy,
        g.e.parsed.policyArn ?? null,
        g.count,
        g.first,
        g.last,
        g.latest,
        JSON.stringify(g.ids),
        JSON.stringify(g.sessions),
        g.e.noise !== null ? 1 : 0,
        g.e.noise,
      );
  }
}

/**
 * Analyses up to COMMIT_EVERY pending rows after `after` and folds them into their incidents, in one transaction.
 * Returns how many rows were read and the last key, to continue from.
 */
function analyseChunk(
  s: AnalysisStatements,
  catalog: (roleArn: string) => RoleCatalogEntry | undefined,
  after: { time: number; id: string } | undefined,
  touched: Set<string>,
): { rows: number; after: { time: number; id: string } | undefined } {
  const folds = new Map<string, IncidentFold>();
  // Each denial carries its incident's noise flag: the stored incident's, or for an incident this chunk creates, its
  // first denial's, as writeIncidents stores it. Looked up once per incident per chunk.
  const noiseOf = new Map<string, boolean>();
  const incidentNoise = (e: DenialAnalysis): boolean => {
    let noise = noiseOf.get(e.incidentId);
    if (noise === undefined) {
      const stored = s.getIncidentNoise.get(e.incidentId) as number | undefined;
      noise = stored === undefined ? e.noise !== null : stored === 1;
      noiseOf.set(e.incidentId, noise);
    }
    return noise;
  };
  let rowsRead = 0;
  let cursor = after;
  while (rowsRead < COMMIT_EVERY) {
    const rows = (
      cursor ? s.pendingAfter.all(cursor.time, cursor.id, READ_BATCH) : s.pendingFirst.all(READ_BATCH)
    ) as PendingRow[];
    const lastRow = rows.at(-1);
    if (!lastRow) break;
    cursor = { time: lastRow[1], id: lastRow[0] };
    rowsRead += rows.length;
    for (const row of rows) {
      let e: DenialAnalysis;
      try {
        e = analyseDenial(JSON.parse(row[4]) as CloudTrailRecord, { catalog });
      } catch {
        // An unreadable raw record still gets analysis columns, so it is not retried forever.
        s.setAnalysis.run("", null, "unknown", null, null, 0, row[5]);
        continue;
      }
      s.setAnalysis.run(
        e.action ?? "",
        e.resource,
        e.parsed.deniedBy,
        e.parsed.policyArn ?? null,
        e.incidentId,
        incidentNoise(e) ? 1 : 0,
        row[5],
      );
      foldInto(folds, e, row);
    }
    if (rows.length < READ_BATCH) break;
  }
  writeIncidents(s, folds);
  for (const id of folds.keys()) touched.add(id);
  return { rows: rowsRead, after: cursor };
}

/**
 * Explains every stored denial not yet analysed (action IS NULL), fills its analysis columns and folds it into its
 * incident. Each transaction covers up to COMMIT_EVERY denials and writes each incident once, so the analysis
 * columns and the incident counts always commit together. Idempotent: analysed rows are never counted again.
 */
export function analysePendingDenials(db: Db): { analysed: number; incidents: number } {
  const catalog = loadCatalog(db);
  const s = analysisStatements(db);
  const touched = new Set<string>();
  const chunk = db.$client.transaction(analyseChunk);
  let analysed = 0;
  let after: { time: number; id: string } | undefined;
  for (;;) {
    const r = chunk(s, catalog, after, touched);
    analysed += r.rows;
    after = r.after;
    if (r.rows < COMMIT_EVERY) break;
  }
  return { analysed, incidents: touched.size };
}

export function getDenial(db: Db, eventId: string): DenialRow | undefined {
  const row = db
    .select({ d: denials, raw: denialRaw.raw })
    .from(denials)
    .innerJoin(denialRaw, eq(denialRaw.eventId, denials.eventId))
    .where(eq(denials.eventId, eventId))
    .get();
  return row ? { ...row.d, raw: row.raw } : undefined;
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
