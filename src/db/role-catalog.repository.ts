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

/** Connections that have the `deniedby_agents` aggregate registered. */
const withAgentAggregate = new WeakSet<object>();

/**
 * What `refreshCatalog` classifies: loadClassifierInput with usage folded in SQL into one fact per (principal,
 * agent class), listing its actions. Reading 100,000 (principal, API) rows as objects with agent arrays cost more
 * than classifying them; this returns about one row per role. The agent class of a (principal, API) is that of the
 * same merged, capped agent list loadClassifierInput would give, computed once per distinct list.
 */
export function loadClassifierFacts(db: Db): ClassifierFacts {
  const { evidence, sessions, denials } = loadObservations(db);
  const c = db.$client;
  if (!withAgentAggregate.has(c)) {
    const merge = userAgentMerger();
    const classes = new Map<string, number>();
    // Collects the distinct user_agents cells of a group (usually one, the same text on every day) and gives
    // agentClass of their merged list. A JS aggregate: SQLite alone cannot parse the cells or match the agents.
    c.aggregate("deniedby_agents", {
      start: () => [] as string[],
      step: (cells: string[], cell: string | null) => {
        const text = cell ?? "";
        if (!cells.includes(text)) cells.push(text);
      },
      result: (cells: string[]) => {
        // The merged list does not depend on cell order (a set, sorted): sort so equal groups share a cache key.
        const key = cells.length === 1 ? (cells[0] ?? "") : cells.sort().join("\n");
        let bits = classes.get(key);
        if (bits === undefined) {
          bits = agentClass(merge(key));
          if (classes.size < SINGLE_CELL_CACHE) classes.set(key, bits);
        }
        return bits;
      },
    });
    withAgentAggregate.add(c);
  }
  const rows = c
    .prepare(
      // actions joined by a newline, which neither event sources nor event names hold.
      `SELECT principal, agents, min(first_seen), max(last_seen), group_concat(action, char(10)) FROM (
         SELECT coalesce(role_arn, principal_arn) AS principal,
           CASE instr(event_source, '.') WHEN 0 THEN event_source
             ELSE substr(event_source, 1, instr(event_source, '.') - 1) END || ':' || event_name AS action,
           min(first_seen) AS first_seen, max(last_seen) AS last_seen, deniedby_agents(user_agents) AS agents
         FROM usage_daily GROUP BY coalesce(role_arn, principal_arn), event_source, event_name)
       GROUP BY principal, agents`,
    )
    .raw(true)
    .all() as [string, number, number, number, string][];
  const usage: UsageFact[] = rows.map((r) => ({
    roleArn: r[0],
    agents: Number(r[1]),
    actions: r[4].split("\n"),
    firstSeen: Number(r[2]),
    lastSeen: Number(r[3]),
  }));
  return { evidence, sessions, usage, denials };
}

/** Evidence, sessions and denials: read the same way for the classifier input and for its facts. */
function loadObservations(db: Db): Omit<ClassifierInput, "usage"> {
  const c = db.$client;
  const evidence: ClassifierInput["evidence"] = [];
  for (const raw of c.prepare("SELECT raw FROM evidence_events").pluck().all() as string[]) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      continue;
    }
    const valid = validateRecord(parsed);
    if ("record" in valid) evidence.push(valid.record);
  }

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

/**
 * Replaces the stored catalogue with `entries`, in one transaction (readers see the old or the new, never half).
 * One prepared INSERT run per entry: drizzle's 500-row multi-value inserts spent their time building SQL.
 */
export function saveCatalog(db: Db, entries: RoleCatalogEntry[]): void {
  const c = db.$client;
  const insert = c.prepare(
    `INSERT INTO role_catalog (role_arn, account_id, role_name, kind, confidence, kinds, dual_use, first_seen,
       last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const clear = c.prepare("DELETE FROM role_catalog");
  c.transaction(() => {
    clear.run();
    for (const e of entries)
      insert.run(
        e.roleArn,
        e.accountId,
        e.roleName,
        e.kinds[0]?.kind ?? "unknown",
        e.kinds[0]?.confidence ?? 0,
        JSON.stringify(e.kinds),
        e.dualUse ? 1 : 0,
        e.firstSeen,
        e.lastSeen,
      );
  })();
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
