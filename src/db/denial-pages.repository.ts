import type { Statement } from "better-sqlite3";
import { InvalidInputError } from "../shared/errors.js";
import type { Db } from "./client.js";
import type { DenialRow } from "./schema.js";

/**
 * A find filter by what an ECS task has (its task definition, service or cluster): the store looks the matching tasks
 * up by index (ecs_tasks, ecs_credential_requests), and `roleArns` are the task roles that carry the value, which
 * match a denial whose task is not known by the same means.
 */
export interface TaskAttributeFilter {
  roleArns: string[];
}

/** The filters on-call finds denials by (and incidents, through their denials); they combine with AND. */
export interface FindFilters {
  /** The role session name: an ECS task role's is the task ID. */
  session?: string;
  taskDefinition?: TaskAttributeFilter & { family: string; revision: number | null };
  service?: TaskAttributeFilter & { name: string };
  /** The cluster's name, and its ARN when given: the agents' audit logs may name it either way. */
  cluster?: TaskAttributeFilter & { names: string[] };
  /** Case-insensitive substring of the message, resource, action, role or principal ARN (taken literally). */
  text?: string;
}

export interface DenialFilters extends FindFilters {
  since?: number;
  until?: number;
  roleArn?: string;
  kind?: string;
  action?: string;
  account?: string;
  incident?: string;
  includeNoise?: boolean;
}

/** A cursor that does not decode: the client sent something we never issued. */
export class InvalidCursorError extends InvalidInputError {
  constructor() {
    super("cursor", "cursor: not a cursor deniedby issued");
  }
}

export function encodeCursor(time: number, id: string): string {
  return Buffer.from(`${time}:${id}`).toString("base64url");
}

export function decodeCursor(cursor: string): { time: number; id: string } {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const colon = text.indexOf(":");
  const time = Number(text.slice(0, colon));
  if (colon <= 0 || !Number.isInteger(time) || colon === text.length - 1) throw new InvalidCursorError();
  return { time, id: text.slice(colon + 1) };
}

/** `text` as a LIKE pattern that matches it literally anywhere: `%`, `_` and the escape character are escaped. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Denials whose session is one of `tasks` (a subquery), or whose role is one of `roleArns` and whose task `unknown` holds. */
function taskClause(
  tasks: string,
  unknown: string,
  f: TaskAttributeFilter,
  params: unknown[],
): { clause: string; params: unknown[] } {
  if (f.roleArns.length === 0) return { clause: `d.session_name IN (${tasks})`, params };
  return {
    clause: `(d.session_name IN (${tasks}) OR (d.role_arn IN (SELECT value FROM json_each(?)) AND ${unknown}))`,
    params: [...params, JSON.stringify(f.roleArns)],
  };
}

// A role match counts only for a session named like a task ID (a person who assumed the task role is not the task),
// and only when the store does not know the task's own value.
const NO_LAUNCH = `length(d.session_name) IN (32, 36) AND d.session_name NOT GLOB '*[^0-9a-fA-F-]*'
  AND NOT EXISTS (SELECT 1 FROM ecs_tasks t WHERE t.task_id = d.session_name)`;
const NO_CLUSTER = `${NO_LAUNCH} AND NOT EXISTS (SELECT 1 FROM ecs_credential_requests c
  WHERE c.task_id = d.session_name AND c.cluster IS NOT NULL)`;

/**
 * The SQL conditions (over `denials d`) of the find filters, each with its parameters. Each selective one reaches
 * denials through an index: the session through denials_session_time_idx, a task attribute through the tasks it
 * names (and denials_role_time_idx for its roles). Free text cannot: it is a LIKE over the rows walked newest first.
 */
export function findClauses(f: FindFilters): { clause: string; params: unknown[] }[] {
  const out: { clause: string; params: unknown[] }[] = [];
  if (f.session) out.push({ clause: "d.session_name = ?", params: [f.session] });
  const td = f.taskDefinition;
  if (td) {
    const tasks = `SELECT task_id FROM ecs_tasks WHERE family = ?${td.revision === null ? "" : " AND revision = ?"}`;
    out.push(taskClause(tasks, NO_LAUNCH, td, td.revision === null ? [td.family] : [td.family, td.revision]));
  }
  if (f.service)
    out.push(
      taskClause("SELECT task_id FROM ecs_tasks WHERE service = ?", NO_LAUNCH, f.service, [f.service.name]),
    );
  if (f.cluster) {
    const tasks = `SELECT task_id FROM ecs_tasks WHERE cluster IN (SELECT value FROM json_each(?))
      UNION SELECT task_id FROM ecs_credential_requests WHERE cluster IN (SELECT value FROM json_each(?))`;
    const names = JSON.stringify(f.cluster.names);
    out.push(taskClause(tasks, NO_CLUSTER, f.cluster, [names, names]));
  }
  if (f.text) {
    const p = containsPattern(f.text);
    const columns = ["d.error_message", "d.resource", "d.action", "d.role_arn", "d.principal_arn"];
    out.push({
      clause: `(${columns.map((c) => `${c} LIKE ? ESCAPE '\\'`).join(" OR ")})`,
      params: columns.map(() => p),
    });
  }
  return out;
}

const COLUMNS = `d.event_id AS eventId, d.event_time AS eventTime, d.account_id AS accountId, d.region,
  d.event_source AS eventSource, d.event_name AS eventName, d.error_code AS errorCode,
  d.error_message AS errorMessage, d.principal_type AS principalType, d.principal_arn AS principalArn,
  d.role_arn AS roleArn, d.session_name AS sessionName, d.user_agent AS userAgent, d.source_ip AS sourceIp,
  d.source, r.raw, d.action, d.resource, d.denied_by AS deniedBy, d.policy_arn AS policyArn,
  d.incident_id AS incidentId, d.noise, i.noise_reason AS noiseReason`;

/**
 * The statement of a page of denial keys for `filters` after `cursor`, its parameters without the limit (the last
 * placeholder). Each filter shape gives its own SQL text, prepared once.
 */
export function pageQuery(filters: DenialFilters, cursor?: string): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, ...values: unknown[]) => {
    where.push(clause);
    params.push(...values);
  };
  if (filters.since !== undefined) add("d.event_time >= ?", filters.since);
  if (filters.until !== undefined) add("d.event_time < ?", filters.until);
  if (filters.roleArn) add("d.role_arn = ?", filters.roleArn);
  // Walk denials_time_idx newest first and stop at the page, probing each row's role in the catalogue by its
  // primary key, rather than gather every denial of every role of the kind through denials_role_time_idx and
  // sort them; the unary + keeps the planner off that index. An EXISTS probe per row beats `IN (SELECT …)`,
  // which builds its list each time (docs/performance.md).
  if (filters.kind)
    add(
      "EXISTS (SELECT 1 FROM role_catalog rc WHERE rc.role_arn = +d.role_arn AND rc.kind = ?)",
      filters.kind,
    );
  if (filters.action) add("d.action = ?", filters.action);
  if (filters.account) add("d.account_id = ?", filters.account);
  if (filters.incident) add("d.incident_id = ?", filters.incident);
  for (const f of findClauses(filters)) add(f.clause, ...f.params);
  // The incident's flag, stored on the row: a NOT EXISTS into incidents would cost two lookups per row walked.
  if (!filters.includeNoise) add("d.noise = 0");
  if (cursor) {
    const c = decodeCursor(cursor);
    add("(d.event_time < ? OR (d.event_time = ? AND d.event_id < ?))", c.time, c.time, c.id);
  }
  // LIMIT (SELECT ?), not LIMIT ?: SQLite plans with the value of a bare LIMIT parameter, so binding it would
  // expire the statement and every run would re-parse and re-plan it.
  const sql = `SELECT d.event_id, d.event_time FROM denials d
    ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
    ORDER BY d.event_time DESC, d.event_id DESC LIMIT (SELECT ?)`;
  return { sql, params };
}

/**
 * The API's hot path: pages of denial keys, newest first, then the rows it does not have explained yet.
 * Plain prepared statements, one per filter shape and reused: building and preparing the query per request cost
 * more than running it. Each shape walks an index that serves it (see schema.ts); the page stops at `limit`.
 */
export function createDenialPages(db: Db) {
  const sqlite = db.$client;
  const statements = new Map<string, Statement>();
  const prepared = (sql: string) => {
    let s = statements.get(sql);
    if (!s) {
      // Rows as [event_id, event_time] arrays: an object per row is a large share of a page's time.
      s = sqlite.prepare(sql).raw(true);
      statements.set(sql, s);
    }
    return s;
  };
  const rowsById = sqlite.prepare(
    // The raw record is kept in denial_raw (see schema.ts); every lookup is by primary key.
    `SELECT ${COLUMNS} FROM denials d JOIN denial_raw r ON r.event_id = d.event_id
     LEFT JOIN incidents i ON i.id = d.incident_id
     WHERE d.event_id IN (SELECT value FROM json_each(?))`,
  );

  return {
    page(
      filters: DenialFilters,
      limit: number,
      cursor?: string,
    ): { eventIds: string[]; nextCursor: string | null } {
      const { sql, params } = pageQuery(filters, cursor);
      const rows = prepared(sql).all(...params, limit + 1) as [string, number][];
      const last = rows.length > limit ? rows[limit - 1] : undefined;
      return {
        eventIds: rows.slice(0, limit).map((r) => r[0]),
        nextCursor: last ? encodeCursor(last[1], last[0]) : null,
      };
    },
    /** Full rows of the given denials, in no particular order. */
    rows(eventIds: string[]): DenialRow[] {
      if (eventIds.length === 0) return [];
      // SQLite hands the flag back as 0 or 1; DenialRow (drizzle's view of the table) has it as a boolean.
      return (rowsById.all(JSON.stringify(eventIds)) as (Omit<DenialRow, "noise"> & { noise: number })[]).map(
        (r) => ({ ...r, noise: r.noise === 1 }),
      );
    },
  };
}

export type DenialPages = ReturnType<typeof createDenialPages>;

/**
 * One page of full denial rows, newest first, through the same statements as the API: what `deniedby denials`
 * lists. A cursor that does not decode throws InvalidCursorError.
 */
export function listDenials(
  db: Db,
  options: DenialFilters & { limit: number; cursor?: string },
): { denials: DenialRow[]; nextCursor: string | null } {
  const pages = createDenialPages(db);
  const { eventIds, nextCursor } = pages.page(options, options.limit, options.cursor);
  const byId = new Map(pages.rows(eventIds).map((r) => [r.eventId, r]));
  return { denials: eventIds.flatMap((id) => byId.get(id) ?? []), nextCursor };
}
