import { and, asc, eq, gt } from "drizzle-orm";
import { agentClass } from "../classify/calls.js";
import { classifyFacts } from "../classify/classify.js";
import type {
  ClassifierFacts,
  ClassifierInput,
  DenialObservation,
  SessionObservation,
  UsageFact,
  UsageObservation,
} from "../classify/classify.types.js";
import type { KindAssessment, RoleCatalogEntry } from "../classify/kinds.js";
import { validateRecord } from "../cloudtrail/normalise.js";
import type { CloudTrailRecord } from "../cloudtrail/record.js";
import type { Db } from "./client.js";
import { type RoleCatalogRow, roleCatalog } from "./schema.js";

/** User agents kept per (principal, API call) after merging days; the classifier only looks for a few markers. */
const MAX_USER_AGENTS = 20;

/**
 * Reads everything the classifier needs from the store: the raw evidence records, the session observations, usage
 * folded over days and resources per (principal, API call) with merged user agents, and the denials. IAM users and
 * root appear under their own ARN (usage and denials carry no role ARN for them).
 *
 * Prepared statements returning arrays rather than drizzle queries: mapping ~150,000 rows into objects through
 * drizzle (and the garbage it left) took longer than classifying them.
 */
export function loadClassifierInput(db: Db): ClassifierInput {
  const { evidence, sessions, denials } = loadObservations(db);
  const merge = userAgentMerger();
  const usage: UsageObservation[] = (
    db.$client
      .prepare(
        // JSON arrays never hold a raw newline, so a newline separates them safely.
        `SELECT coalesce(role_arn, principal_arn), event_source, event_name, sum(calls), min(first_seen),
           max(last_seen), group_concat(user_agents, char(10)) FROM usage_daily
         GROUP BY coalesce(role_arn, principal_arn), event_source, event_name`,
      )
      .raw(true)
      .all() as [string, string, string, number, number, number, string | null][]
  ).map((u) => ({
    roleArn: u[0],
    eventSource: u[1],
    eventName: u[2],
    calls: Number(u[3]),
    firstSeen: Number(u[4]),
    lastSeen: Number(u[5]),
    userAgents: merge(u[6]),
  }));
  return { evidence, sessions, usage, denials };
}

/** One principal's usage rows as they are read: cells per event source and name, and the time span. */
interface UsageGroup {
  principal: string;
  firstSeen: number;
  lastSeen: number;
  /** By IAM action (`ecr:BatchGetImage`): the user-agent cells of its rows. */
  cells: Map<string, string | string[]>;
}

/** Per connection: where the `deniedby_usage` aggregate puts the facts of the query running now. */
const usageSinks = new WeakMap<object, { facts: UsageFact[] }>();

/** Usage rows read so far, by principal, and the last principal's group (rows come in runs of one principal). */
interface UsageGroups {
  groups: Map<string, UsageGroup>;
  last: UsageGroup | null;
}

/**
 * What `refreshCatalog` classifies: loadClassifierInput with usage folded into one fact per (principal, agent
 * class), listing its actions. Reading 100,000 (principal, API) rows as objects with agent arrays cost more than
 * classifying them. A JS aggregate over the whole table reads each row's strings straight into per-principal groups
 * (no row objects, no concatenated text to split again); grouping in JS rather than with GROUP BY spares SQLite a
 * sort of every row (half of the load). The agent class of a (principal, API) is that of the same merged, capped
 * agent list loadClassifierInput would give, computed once per distinct list of cells.
 */
export function loadClassifierFacts(db: Db): ClassifierFacts {
  const { evidence, sessions, denials } = loadObservations(db);
  const c = db.$client;
  let sink = usageSinks.get(c);
  if (sink === undefined) {
    const registered = { facts: [] as UsageFact[] };
    sink = registered;
    const merge = userAgentMerger();
    const classes = new Map<string, number>();
    const classOf = (cells: string | string[]): number => {
      // The merged list does not depend on cell order (a set, sorted): sort so equal groups share a cache key.
      const key = typeof cells === "string" ? cells : cells.sort().join("\n");
      let bits = classes.get(key);
      if (bits === undefined) {
        bits = agentClass(merge(key));
        if (classes.size < SINGLE_CELL_CACHE) classes.set(key, bits);
      }
      return bits;
    };
    c.aggregate("deniedby_usage", {
      start: (): UsageGroups => ({ groups: new Map(), last: null }),
      // better-sqlite3's typings give step one argument after the accumulator; SQLite passes all five columns.
      step: ((
        acc: UsageGroups,
        principal: string,
        action: string,
        cell: string | null,
        first: number,
        last: number,
      ) => {
        let g = acc.last;
        if (g === null || g.principal !== principal) {
          g = acc.groups.get(principal) ?? null;
          if (g === null) {
            g = { principal, firstSeen: first, lastSeen: last, cells: new Map() };
            acc.groups.set(principal, g);
          }
          acc.last = g;
        }
        if (first < g.firstSeen) g.firstSeen = first;
        if (last > g.lastSeen) g.lastSeen = last;
        const text = cell ?? "";
        // One cell (the same text every day) stays a string; an array only when the days differ.
        const prev = g.cells.get(action);
        if (prev === undefined) g.cells.set(action, text);
        else if (typeof prev === "string") {
          if (prev !== text) g.cells.set(action, [prev, text]);
        } else if (!prev.includes(text)) prev.push(text);
        return acc;
      }) as unknown as (acc: UsageGroups, row: unknown) => UsageGroups,
      result: (acc: UsageGroups) => {
        for (const g of acc.groups.values()) {
          const byClass = new Map<number, string[]>();
          for (const [action, cells] of g.cells) {
            const bits = classOf(cells);
            const actions = byClass.get(bits);
            if (actions) actions.push(action);
            else byClass.set(bits, [action]);
          }
          for (const [agents, actions] of byClass)
            registered.facts.push({
              roleArn: g.principal,
              agents,
              actions,
              firstSeen: g.firstSeen,
              lastSeen: g.lastSeen,
            });
        }
        return acc.groups.size;
      },
    });
    usageSinks.set(c, sink);
  }
  const usage: UsageFact[] = [];
  sink.facts = usage;
  try {
    c.prepare(
      // The action as actionOf spells it (the event source up to its first dot, a colon, the event name), built by
      // SQLite: one string per row reaches JS instead of two.
      `SELECT deniedby_usage(coalesce(role_arn, principal_arn),
         substr(event_source, 1, instr(event_source || '.', '.') - 1) || ':' || event_name, user_agents, first_seen,
         last_seen) FROM usage_daily`,
    )
      .pluck()
      .get();
  } finally {
    sink.facts = [];
  }
  return { evidence, sessions, usage, denials };
}

/** One connection's parsed evidence records, the last rowid read, and the table's generation when read. */
interface EvidenceCache {
  generation: number;
  lastRowid: number;
  /** Rows read, the malformed ones included: compared with the table's row count. */
  rows: number;
  records: CloudTrailRecord[];
}

const evidenceCaches = new WeakMap<object, EvidenceCache>();

/**
 * The evidence records, parsed. evidence_events only gains rows, so a connection keeps what it parsed and reads only
 * rowids past the last one it saw: parsing every stored record again cost more than classifying them. It starts
 * over when the table's generation moved (a row updated or deleted, migration 0007) or the row count disagrees (a
 * VACUUM may renumber rowids).
 */
function loadEvidence(c: Db["$client"]): CloudTrailRecord[] {
  const readNewRows = (cache: EvidenceCache): EvidenceCache => {
    for (const [rowid, raw] of c
      .prepare("SELECT rowid, raw FROM evidence_events WHERE rowid > ? ORDER BY rowid")
      .raw(true)
      .iterate(cache.lastRowid) as IterableIterator<[number, string]>) {
      cache.lastRowid = rowid;
      cache.rows += 1;
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        continue;
      }
      const valid = validateRecord(parsed);
      if ("record" in valid) cache.records.push(valid.record);
    }
    return cache;
  };
  // One read transaction: the generation, the rows and the count are of the same snapshot.
  const cache = c.transaction(() => {
    const generation = c
      .prepare("SELECT generation FROM table_generations WHERE table_name = 'evidence_events'")
      .pluck()
      .get() as number;
    const empty = (): EvidenceCache => ({ generation, lastRowid: 0, rows: 0, records: [] });
    const kept = evidenceCaches.get(c);
    const read = readNewRows(kept?.generation === generation ? kept : empty());
    const count = c.prepare("SELECT count(*) FROM evidence_events").pluck().get();
    return read.rows === count ? read : readNewRows(empty());
  })();
  evidenceCaches.set(c, cache);
  return cache.records.slice();
}

/** Evidence, sessions and denials: read the same way for the classifier input and for its facts. */
function loadObservations(db: Db): Omit<ClassifierInput, "usage"> {
  const c = db.$client;
  const evidence = loadEvidence(c);

  const sessions: SessionObservation[] = (
    c
      .prepare(
        `SELECT role_arn, session_shape, ec2_role_delivery, federated_provider, invoked_by, sample_session, calls,
           first_seen, last_seen FROM role_sessions`,
      )
      .raw(true)
      .all() as [string, string, string, string, string, string, number, number, number][]
  ).map((r) => ({
    roleArn: r[0],
    sessionShape: r[1],
    ec2RoleDelivery: r[2],
    federatedProvider: r[3],
    invokedBy: r[4],
    sampleSession: r[5],
    calls: r[6],
    firstSeen: r[7],
    lastSeen: r[8],
  }));

  const denialRows: DenialObservation[] = (
    c
      .prepare(
        `SELECT coalesce(role_arn, principal_arn), event_source, event_name, user_agent, session_name, event_time,
           error_message FROM denials`,
      )
      .raw(true)
      .all() as [string, string, string, string | null, string | null, number, string | null][]
  ).map((d) => ({
    roleArn: d[0],
    eventSource: d[1],
    eventName: d[2],
    userAgent: d[3],
    sessionName: d[4],
    eventTime: d[5],
    errorMessage: d[6],
  }));

  return { evidence, sessions, denials: denialRows };
}

/** Distinct user-agent cells remembered per load; a store holds few (an agent or SDK per service). */
const SINGLE_CELL_CACHE = 10_000;

/**
 * The user agents of one (principal, API call), as cells of JSON arrays separated by newlines. Most groups are a
 * single cell whose text repeats across thousands of rows (the same SDK everywhere): those are parsed once per
 * load and copied, instead of a JSON.parse, a Set and a sort per row.
 */
function userAgentMerger(): (concatenated: string | null) => string[] {
  const single = new Map<string, string[]>();
  return (concatenated) => {
    if (concatenated === null || concatenated.includes("\n")) return mergeUserAgents(concatenated);
    let merged = single.get(concatenated);
    if (merged === undefined) {
      merged = mergeUserAgents(concatenated);
      if (single.size < SINGLE_CELL_CACHE) single.set(concatenated, merged);
    }
    return merged.slice();
  };
}

/** The user agents of one (principal, API call), as cells of JSON arrays separated by newlines. */
function mergeUserAgents(concatenated: string | null): string[] {
  const merged = new Set<string>();
  for (const line of (concatenated ?? "").split("\n")) {
    if (!line) continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (Array.isArray(parsed)) for (const ua of parsed) if (typeof ua === "string") merged.add(ua);
    } catch {
      // A malformed cell loses only its user agents, not the usage row.
    }
  }
  return [...merged].sort().slice(0, MAX_USER_AGENTS);
}

/** role_catalog's columns in the order saveCatalog reads and writes them; role_arn first. */
type CatalogCells = [string, string, string, string, number, string, number, number | null, number | null];

function cellsOf(e: RoleCatalogEntry): CatalogCells {
  return [
    e.roleArn,
    e.accountId,
    e.roleName,
    e.kinds[0]?.kind ?? "unknown",
    e.kinds[0]?.confidence ?? 0,
    JSON.stringify(e.kinds),
    e.dualUse ? 1 : 0,
    e.firstSeen,
    e.lastSeen,
  ];
}

/** What one connection last wrote to role_catalog, and the table generation its write left behind. */
interface SavedCatalog {
  generation: number;
  entries: Map<string, RoleCatalogEntry>;
}

const savedCatalogs = new WeakMap<object, SavedCatalog>();

/**
 * Makes the stored catalogue equal to `entries`, in one transaction (readers see the old or the new, never half).
 * After a batch most roles are unchanged, so only new, changed and vanished roles are written. The rows are compared
 * with what this connection saved last time when the table's generation says nobody else wrote since (no read at
 * all), otherwise with the stored rows. The entries saved are remembered: do not change them afterwards.
 */
export function saveCatalog(db: Db, entries: RoleCatalogEntry[]): { written: number; deleted: number } {
  const c = db.$client;
  const upsert = c.prepare(
    `INSERT INTO role_catalog (role_arn, account_id, role_name, kind, confidence, kinds, dual_use, first_seen,
       last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (role_arn) DO UPDATE SET account_id = excluded.account_id, role_name = excluded.role_name,
       kind = excluded.kind, confidence = excluded.confidence, kinds = excluded.kinds, dual_use = excluded.dual_use,
       first_seen = excluded.first_seen, last_seen = excluded.last_seen`,
  );
  const remove = c.prepare("DELETE FROM role_catalog WHERE role_arn = ?");
  const generation = c
    .prepare("SELECT generation FROM table_generations WHERE table_name = 'role_catalog'")
    .pluck();
  let written = 0;
  let deleted = 0;
  // Immediate: the rows compared are the rows overwritten, even with another writer (a CLI ingest) about.
  const after = c
    .transaction(() => {
      const saved = savedCatalogs.get(c);
      const fresh = saved !== undefined && saved.generation === generation.get() ? saved : null;
      const stored = fresh === null ? storedRows(c) : null;
      // The row to write for an entry, or null when the stored one is the same.
      const changed = (e: RoleCatalogEntry): CatalogCells | null => {
        if (fresh !== null) {
          const old = fresh.entries.get(e.roleArn);
          return old !== undefined && sameEntry(old, e) ? null : cellsOf(e);
        }
        const cells = cellsOf(e);
        const old = stored?.get(e.roleArn);
        return old !== undefined && cells.every((v, i) => v === old[i]) ? null : cells;
      };
      const gone = new Set((fresh?.entries ?? stored ?? new Map()).keys());
      for (const e of entries) {
        gone.delete(e.roleArn);
        const cells = changed(e);
        if (cells === null) continue;
        upsert.run(...cells);
        written += 1;
      }
      for (const arn of gone) {
        remove.run(arn);
        deleted += 1;
      }
      return generation.get() as number;
    })
    .immediate();
  // Remembered only once committed: a failed commit must not leave a memory of rows that are not there.
  savedCatalogs.set(c, { generation: after, entries: new Map(entries.map((e) => [e.roleArn, e])) });
  return { written, deleted };
}

/** The stored catalogue rows by role ARN, as cells in cellsOf's order (kinds as their JSON text). */
function storedRows(c: Db["$client"]): Map<string, unknown[]> {
  const rows = new Map<string, unknown[]>();
  for (const row of c
    .prepare(
      `SELECT role_arn, account_id, role_name, kind, confidence, kinds, dual_use, first_seen, last_seen
       FROM role_catalog`,
    )
    .raw(true)
    .all() as unknown[][])
    rows.set(row[0] as string, row);
  return rows;
}

function sameEntry(a: RoleCatalogEntry, b: RoleCatalogEntry): boolean {
  if (
    a.accountId !== b.accountId ||
    a.roleName !== b.roleName ||
    a.dualUse !== b.dualUse ||
    a.firstSeen !== b.firstSeen ||
    a.lastSeen !== b.lastSeen ||
    a.kinds.length !== b.kinds.length
  )
    return false;
  return a.kinds.every((k, i) => {
    const o = b.kinds[i];
    return (
      o !== undefined &&
      k.kind === o.kind &&
      k.confidence === o.confidence &&
      k.evidence.length === o.evidence.length &&
      k.evidence.every((e, j) => {
        const p = o.evidence[j];
        return p !== undefined && e.signal === p.signal && e.detail === p.detail && e.weight === p.weight;
      })
    );
  });
}

function toEntry(row: RoleCatalogRow): RoleCatalogEntry {
  return {
    roleArn: row.roleArn,
    accountId: row.accountId,
    roleName: row.roleName,
    kinds: JSON.parse(row.kinds) as KindAssessment[],
    dualUse: row.dualUse,
    firstSeen: row.firstSeen,
    lastSeen: row.lastSeen,
  };
}

export interface ListCatalogOptions {
  /** Only entries whose leading kind is this one. */
  kind?: string;
  limit?: number;
  /** The roleArn of the last entry of the previous page. */
  cursor?: string;
}

export interface CatalogPage {
  roles: RoleCatalogEntry[];
  nextCursor: string | null;
}

/** Catalogue entries in role-ARN order, paged by the last ARN seen. */
export function listCatalog(db: Db, options: ListCatalogOptions = {}): CatalogPage {
  const limit = Math.max(1, Math.min(options.limit ?? 100, 10_000));
  const rows = db
    .select()
    .from(roleCatalog)
    .where(
      and(
        options.kind === undefined ? undefined : eq(roleCatalog.kind, options.kind),
        options.cursor === undefined ? undefined : gt(roleCatalog.roleArn, options.cursor),
      ),
    )
    .orderBy(asc(roleCatalog.roleArn))
    .limit(limit + 1)
    .all();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { roles: page.map(toEntry), nextCursor: rows.length > limit && last ? last.roleArn : null };
}

export function getCatalogEntry(db: Db, roleArn: string): RoleCatalogEntry | null {
  const row = db.select().from(roleCatalog).where(eq(roleCatalog.roleArn, roleArn)).get();
  return row ? toEntry(row) : null;
}

/** Recomputes the whole catalogue from the store: call after every ingested batch, from any source. */
export function refreshCatalog(db: Db): { roles: number } {
  const entries = classifyFacts(loadClassifierFacts(db));
  saveCatalog(db, entries);
  return { roles: entries.length };
}
