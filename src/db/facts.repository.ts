import { randomBytes } from "node:crypto";
import { callAction } from "../cloudtrail/action.js";
import { validateRecord } from "../cloudtrail/normalise.js";
import type { CloudTrailRecord } from "../cloudtrail/record.js";
import type { Db } from "./client.js";
import type {
  AgentClassifier,
  ChainObservation,
  DenialObservation,
  SessionObservation,
  StoredFacts,
  StoredObservations,
  UsageFact,
  UsageObservation,
} from "./store.types.js";

/** User agents kept per (principal, API call) after merging days; the classifier only looks for a few markers. */
const MAX_USER_AGENTS = 20;
/** Distinct user-agent cells remembered per load; a store holds few (an agent or SDK per service). */
const SINGLE_CELL_CACHE = 10_000;

/** One principal's usage rows as they are read: cells per IAM action, and the time span. */
interface UsageGroup {
  principal: string;
  firstSeen: number;
  lastSeen: number;
  /** By IAM action (`ecr:BatchGetImage`): the user-agent cells of its rows. */
  cells: Map<string, string | string[]>;
}

/** Usage rows read so far, by principal, and the last principal's group (rows come in runs of one principal). */
interface UsageGroups {
  groups: Map<string, UsageGroup>;
  last: UsageGroup | null;
  /** `<event source> <event name>` → its IAM action (callAction), derived once per query: few APIs fill the table. */
  actions: Map<string, string>;
}

/** The parsed evidence records, the last rowid read, and the table's generation when read. */
interface EvidenceCache {
  generation: number;
  lastRowid: number;
  /** Rows read, the malformed ones included: compared with the table's row count. */
  rows: number;
  records: CloudTrailRecord[];
}

/**
 * The evidence records, parsed. evidence_events only gains rows, so only rowids past the last one seen are read:
 * parsing every stored record again cost more than classifying them. Starts over when the table's generation
 * moved (a row updated or deleted, migration 0007) or the row count disagrees (a VACUUM may renumber rowids).
 */
function readEvidence(c: Db["$client"], kept: EvidenceCache | null): EvidenceCache {
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
  return c.transaction(() => {
    const generation = c
      .prepare("SELECT generation FROM table_generations WHERE table_name = 'evidence_events'")
      .pluck()
      .get() as number;
    const empty = (): EvidenceCache => ({ generation, lastRowid: 0, rows: 0, records: [] });
    const read = readNewRows(kept?.generation === generation ? kept : empty());
    const count = c.prepare("SELECT count(*) FROM evidence_events").pluck().get();
    return read.rows === count ? read : readNewRows(empty());
  })();
}

function readSessions(c: Db["$client"]): SessionObservation[] {
  return (
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
}

function readDenials(c: Db["$client"]): DenialObservation[] {
  return (
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
}

/**
 * Roles that role sessions assumed: AssumeRole calls that succeeded at least once, whose usage rows name the
 * assumed role as their resource (the record's resources list, or requestParameters.roleArn).
 */
function readChains(c: Db["$client"]): ChainObservation[] {
  return (
    c
      .prepare(
        `SELECT role_arn, resource, min(first_seen), max(last_seen) FROM usage_daily
         WHERE event_source = 'sts.amazonaws.com' AND event_name = 'AssumeRole' AND role_arn IS NOT NULL
           AND resource LIKE 'arn:%:role/%' AND calls > errors
         GROUP BY role_arn, resource`,
      )
      .raw(true)
      .all() as [string, string, number, number][]
  ).map((r) => ({ callerRoleArn: r[0], assumedRoleArn: r[1], firstSeen: r[2], lastSeen: r[3] }));
}

/** Usage folded over days and resources per (principal, API call), with the user agents merged. */
function readUsage(c: Db["$client"]): UsageObservation[] {
  const merge = userAgentMerger();
  return (
    c
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
}

/** Where a usage aggregate puts the facts of the query running now, and the classifier it uses. */
interface UsageSink {
  facts: UsageFact[];
  classify: AgentClassifier;
}

/** Registers the SQLite aggregate `name` that folds usage rows into facts, with `classify` for the agent classes. */
function registerUsageAggregate(c: Db["$client"], name: string, classify: AgentClassifier): UsageSink {
  const sink: UsageSink = { facts: [], classify };
  const merge = userAgentMerger();
  const classes = new Map<string, number>();
  const classOf = (cells: string | string[]): number => {
    // The merged list does not depend on cell order (a set, sorted): sort so equal groups share a cache key.
    const key = typeof cells === "string" ? cells : cells.sort().join("\n");
    let bits = classes.get(key);
    if (bits === undefined) {
      bits = classify(merge(key));
      if (classes.size < SINGLE_CELL_CACHE) classes.set(key, bits);
    }
    return bits;
  };
  c.aggregate(name, {
    start: (): UsageGroups => ({ groups: new Map(), last: null, actions: new Map() }),
    // better-sqlite3's typings give step one argument after the accumulator; SQLite passes all five columns.
    step: foldUsageRow as unknown as (acc: UsageGroups, row: unknown) => UsageGroups,
    result: (acc: UsageGroups) => {
      for (const g of acc.groups.values()) sink.facts.push(...factsOf(g, classOf));
      return acc.groups.size;
    },
  });
  return sink;
}

/**
 * Reads everything the classifier needs from the store. Holds what it parsed before (the evidence records) and the
 * SQLite aggregate it registered on the connection, so it lives as long as the store that owns it.
 */
export function createFactsReader(db: Db) {
  const c = db.$client;
  // Its own SQL function name: another reader on the same connection registers its own aggregate.
  const aggregate = `deniedby_usage_${randomBytes(6).toString("hex")}`;
  let evidence: EvidenceCache | null = null;
  let usageSink: UsageSink | null = null;
  const loadObservations = (): Omit<StoredObservations, "usage"> => {
    evidence = readEvidence(c, evidence);
    return {
      evidence: evidence.records.slice(),
      sessions: readSessions(c),
      denials: readDenials(c),
      chains: readChains(c),
    };
  };

  return {
    /**
     * Everything stored about roles: the raw evidence records, the session observations, usage folded over days
     * and resources per (principal, API call) with merged user agents, and the denials. IAM users and root appear
     * under their own ARN (usage and denials carry no role ARN for them). Rows are read as arrays: mapping them
     * through drizzle cost more than classifying them.
     */
    loadObservations(): StoredObservations {
      return { ...loadObservations(), usage: readUsage(c) };
    },

    /**
     * loadObservations with usage folded into one fact per (principal, agent class), listing its actions. A JS
     * aggregate over the whole table reads each row's strings straight into per-principal groups (no row objects,
     * no GROUP BY sort); the agent class of a (principal, API) is that of the same merged, capped agent list
     * loadObservations would give, computed once per distinct list of cells.
     */
    loadFacts(classify: AgentClassifier): StoredFacts {
      const observations = loadObservations();
      if (usageSink?.classify !== classify) usageSink = registerUsageAggregate(c, aggregate, classify);
      const sink = usageSink;
      const usage: UsageFact[] = [];
      sink.facts = usage;
      try {
        c.prepare(
          // `<event source> <event name>` built by SQLite: one string per row reaches JS instead of two.
          `SELECT ${aggregate}(coalesce(role_arn, principal_arn), event_source || ' ' || event_name, user_agents,
             first_seen, last_seen) FROM usage_daily`,
        )
          .pluck()
          .get();
      } finally {
        sink.facts = [];
      }
      return { ...observations, usage };
    },
  };
}

export type FactsReader = ReturnType<typeof createFactsReader>;

/** The aggregate's step: one usage row into its principal's group. */
function foldUsageRow(
  acc: UsageGroups,
  principal: string,
  call: string,
  cell: string | null,
  first: number,
  last: number,
): UsageGroups {
  // The action as the classifier counts every call (callAction), so stored and in-memory facts agree.
  let action = acc.actions.get(call);
  if (action === undefined) {
    const space = call.indexOf(" ");
    action = callAction({ eventSource: call.slice(0, space), eventName: call.slice(space + 1) });
    acc.actions.set(call, action);
  }
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
}

/** One principal's group as facts: its actions grouped by the agent class of their cells. */
function factsOf(g: UsageGroup, classOf: (cells: string | string[]) => number): UsageFact[] {
  const byClass = new Map<number, string[]>();
  for (const [action, cells] of g.cells) {
    const bits = classOf(cells);
    const actions = byClass.get(bits);
    if (actions) actions.push(action);
    else byClass.set(bits, [action]);
  }
  return [...byClass].map(([agents, actions]) => ({
    roleArn: g.principal,
    agents,
    actions,
    firstSeen: g.firstSeen,
    lastSeen: g.lastSeen,
  }));
}

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
