import type { Db } from "./client.js";
import type { AnalysedDenial, DenialToAnalyse, IncidentKey } from "./store.types.js";

const SAMPLE_IDS = 5;
const SAMPLE_SESSIONS = 10;

/**
 * Adds `value` to `sample`, a sorted list of at most `bound` distinct values, in place: the sample stays the
 * `bound` smallest values ever seen, so it does not depend on the order events arrived in.
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

/** An incident's list column (sample_event_ids, sessions: JSON arrays of strings written here); damaged reads as []. */
export function incidentList(json: string): string[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

/** One incident's part of the current write, folded in memory and written once. */
interface IncidentFold {
  key: IncidentKey;
  accountId: string;
  count: number;
  first: number;
  last: number;
  latest: string;
  ids: string[];
  sessions: string[];
}

interface StoredIncident {
  count: number;
  firstSeen: number;
  lastSeen: number;
  latestEventId: string;
  sampleEventIds: string;
  sessions: string;
}

function foldInto(folds: Map<string, IncidentFold>, key: IncidentKey, d: DenialToAnalyse): void {
  const g = folds.get(key.id);
  if (!g) {
    folds.set(key.id, {
      key,
      accountId: d.accountId,
      count: 1,
      first: d.eventTime,
      last: d.eventTime,
      latest: d.eventId,
      ids: [d.eventId],
      sessions: d.sessionName ? [d.sessionName] : [],
    });
    return;
  }
  g.count++;
  g.first = Math.min(g.first, d.eventTime);
  // Denials come in (event_time, event_id) order, so on a tie the later id wins.
  if (d.eventTime >= g.last) {
    g.last = d.eventTime;
    g.latest = d.eventId;
  }
  addToSample(g.ids, d.eventId, SAMPLE_IDS);
  if (d.sessionName) addToSample(g.sessions, d.sessionName, SAMPLE_SESSIONS);
}

/** One write of analyses (see `begin`). */
export interface AnalysisWrite {
  add(analysed: AnalysedDenial[]): void;
  /** Writes the incidents folded so far; returns their ids. */
  finish(): { incidents: string[] };
}

/** A stored denial as read for analysis: [event_id, event_time, account_id, session_name, raw, rowid]. */
type PendingRow = [string, number, string, string | null, string, number];

const toDenial = (r: PendingRow): DenialToAnalyse => ({
  eventId: r[0],
  eventTime: r[1],
  accountId: r[2],
  sessionName: r[3],
  raw: r[4],
  rowid: r[5],
});

const PENDING_COLUMNS = "d.event_id, d.event_time, d.account_id, d.session_name, r.raw, d.rowid";

/** The statements of the analysis stage, prepared once per store. */
function analysisStatements(c: Db["$client"]) {
  return {
    // Walks denials_time_idx once in key order, only the columns analysis needs, as arrays.
    pendingFirst: c
      .prepare(
        `SELECT ${PENDING_COLUMNS} FROM denials d JOIN denial_raw r ON r.event_id = d.event_id
         WHERE d.action IS NULL ORDER BY d.event_time, d.event_id LIMIT ?`,
      )
      .raw(true),
    pendingAfter: c
      .prepare(
        `SELECT ${PENDING_COLUMNS} FROM denials d JOIN denial_raw r ON r.event_id = d.event_id
         WHERE d.action IS NULL AND (d.event_time, d.event_id) > (?, ?) ORDER BY d.event_time, d.event_id LIMIT ?`,
      )
      .raw(true),
    // denials_role_time_idx serves a role's denials in listing order.
    ofRole: c
      .prepare(
        `SELECT ${PENDING_COLUMNS} FROM denials d JOIN denial_raw r ON r.event_id = d.event_id
         WHERE d.role_arn = ? ORDER BY d.event_time, d.event_id`,
      )
      .raw(true),
    roleHasIncidents: c.prepare("SELECT 1 FROM incidents WHERE role_arn = ? LIMIT 1").pluck(),
    deleteRoleIncidents: c.prepare("DELETE FROM incidents WHERE role_arn = ?"),
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
    // One row moved per write, not per denial: readers that cache what they derive from the analysis (explanation
    // bodies) start over when it moves.
    bumpGeneration: c.prepare(
      `INSERT INTO table_generations (table_name, generation) VALUES ('denial_analysis', 1)
       ON CONFLICT (table_name) DO UPDATE SET generation = generation + 1`,
    ),
  };
}
type AnalysisStatements = ReturnType<typeof analysisStatements>;

/** Adds the folded incidents to the stored ones: one read and one write per incident. */
function writeIncidents(s: AnalysisStatements, folds: Map<string, IncidentFold>): void {
  for (const [id, g] of folds) {
    const existing = s.getIncident.get(id) as StoredIncident | undefined;
    if (existing) {
      const newer =
        g.last > existing.lastSeen || (g.last === existing.lastSeen && g.latest > existing.latestEventId);
      const ids = [...new Set(incidentList(existing.sampleEventIds))].sort();
      for (const x of g.ids) addToSample(ids, x, SAMPLE_IDS);
      const sessions = [...new Set(incidentList(existing.sessions))].sort();
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
        g.key.principalArn,
        g.key.roleArn,
        g.accountId,
        g.key.action,
        g.key.resourcePattern,
        g.key.deniedBy,
        g.key.policyArn,
        g.count,
        g.first,
        g.last,
        g.latest,
        JSON.stringify(g.ids),
        JSON.stringify(g.sessions),
        g.key.noiseReason !== null ? 1 : 0,
        g.key.noiseReason,
      );
  }
}

/** See `begin` below. */
function beginWrite(s: AnalysisStatements, replacing: string | undefined): AnalysisWrite {
  if (replacing !== undefined) s.deleteRoleIncidents.run(replacing);
  const folds = new Map<string, IncidentFold>();
  const noiseOf = new Map<string, boolean>();
  const incidentNoise = (key: IncidentKey): boolean => {
    let noise = noiseOf.get(key.id);
    if (noise === undefined) {
      const stored = s.getIncidentNoise.get(key.id) as number | undefined;
      noise = stored === undefined ? key.noiseReason !== null : stored === 1;
      noiseOf.set(key.id, noise);
    }
    return noise;
  };
  let written = replacing !== undefined;
  return {
    add(analysed) {
      for (const { denial: d, analysis: a } of analysed) {
        written = true;
        // An unreadable raw record still gets analysis columns, so it is not retried forever.
        if (a === null) s.setAnalysis.run("", null, "unknown", null, null, 0, d.rowid);
        else {
          const noise = incidentNoise(a.incident) ? 1 : 0;
          s.setAnalysis.run(a.action, a.resource, a.deniedBy, a.policyArn, a.incident.id, noise, d.rowid);
          foldInto(folds, a.incident, d);
        }
      }
    },
    finish() {
      writeIncidents(s, folds);
      if (written) s.bumpGeneration.run();
      return { incidents: [...folds.keys()] };
    },
  };
}

/**
 * Where the analysis stage reads denials and writes what it made of them: the analysis columns of each denial and
 * the incidents they fold into. Statements over arrays, since this runs once per denial.
 */
export function createDenialAnalysisRepository(db: Db) {
  const s = analysisStatements(db.$client);
  const generation = db.$client
    .prepare("SELECT generation FROM table_generations WHERE table_name = 'denial_analysis'")
    .pluck();
  return {
    /** Up to `limit` denials not analysed yet (action IS NULL) after `after`, in (event_time, event_id) order. */
    pending(after: { time: number; id: string } | undefined, limit: number): DenialToAnalyse[] {
      const rows = (
        after ? s.pendingAfter.all(after.time, after.id, limit) : s.pendingFirst.all(limit)
      ) as PendingRow[];
      return rows.map(toDenial);
    },
    /** Every denial of a role, analysed or not, in (event_time, event_id) order. */
    ofRole(roleArn: string): DenialToAnalyse[] {
      return (s.ofRole.all(roleArn) as PendingRow[]).map(toDenial);
    },
    /** True when some denial of the role was analysed already (its analysis made an incident). */
    hasIncidents(roleArn: string): boolean {
      return s.roleHasIncidents.get(roleArn) !== undefined;
    },
    /**
     * Starts writing analyses: each denial's columns at once, its incident folded in memory and written by
     * `finish`, once per incident. Each denial carries its incident's noise flag: the stored incident's, or for an
     * incident this write creates, its first denial's. With `replacing`, the role's incidents are rebuilt from the
     * denials added (which must be all of the role's). Use inside a transaction that also read the denials, so
     * they are the ones overwritten.
     */
    begin(options: { replacing?: string } = {}): AnalysisWrite {
      return beginWrite(s, options.replacing);
    },
    /** Moves whenever analysis columns or incidents are written. */
    generation(): number {
      return (generation.get() as number | undefined) ?? 0;
    },
  };
}

export type DenialAnalysisRepository = ReturnType<typeof createDenialAnalysisRepository>;
