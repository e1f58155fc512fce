import { and, gte, lt, lte, sql } from "drizzle-orm";
import type { RoleCatalogEntry } from "../classify/kinds.js";
import { execSwitchOf, taskDefinitionOf } from "../cloudtrail/ecs-task-records.js";
import type { Db } from "../db/client.js";
import { taskRecordsBefore } from "../db/ecs-tasks.repository.js";
import { denials, usageDaily } from "../db/schema.js";
import { listRoleEntries } from "../pipeline/catalog.js";
import type { ReportDenial, ReportInput, ReportUsage } from "./report.build.js";
import type { ResolvedWindow } from "./report.window.js";

function firstUserAgent(json: string): string | null {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) && typeof v[0] === "string" ? v[0] : null;
  } catch {
    return null;
  }
}

function allCatalog(db: Db): RoleCatalogEntry[] {
  const out: RoleCatalogEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = listRoleEntries(db, { limit: 10_000, ...(cursor === undefined ? {} : { cursor }) });
    out.push(...page.roles);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return out;
}

/**
 * Everything the report needs for a window and the one before it: usage aggregates and analysed denials of both,
 * and the role catalogue. With `role`, only that role's rows.
 */
export function loadReportInput(
  db: Db,
  window: ResolvedWindow,
  role: string | null,
): Omit<ReportInput, "grantsOf" | "modelRoles" | "verdictOf"> {
  const principal = sql<string>`coalesce(${usageDaily.roleArn}, ${usageDaily.principalArn})`;
  // usage_role_day_idx serves the role filter; the day range is a primary-key prefix scan otherwise.
  const usageRows = db
    .select({
      day: usageDaily.day,
      roleArn: principal,
      accountId: usageDaily.accountId,
      eventSource: usageDaily.eventSource,
      eventName: usageDaily.eventName,
      resource: usageDaily.resource,
      calls: usageDaily.calls,
      errors: usageDaily.errors,
      userAgents: usageDaily.userAgents,
    })
    .from(usageDaily)
    .where(
      and(
        gte(usageDaily.day, window.previous.from),
        lte(usageDaily.day, window.current.to),
        role === null ? undefined : sql`${principal} = ${role}`,
      ),
    )
    .all();
  const usage: ReportUsage[] = [];
  const previousUsage: ReportUsage[] = [];
  for (const { userAgents, ...r } of usageRows) {
    const row: ReportUsage = { ...r, userAgent: firstUserAgent(userAgents) };
    (r.day >= window.current.from ? usage : previousUsage).push(row);
  }
  const denialPrincipal = sql<string>`coalesce(${denials.roleArn}, ${denials.principalArn})`;
  const denialRows = db
    .select({
      eventId: denials.eventId,
      eventTime: denials.eventTime,
      roleArn: denialPrincipal,
      accountId: denials.accountId,
      eventSource: denials.eventSource,
      eventName: denials.eventName,
      action: denials.action,
      resource: denials.resource,
      deniedBy: denials.deniedBy,
      policyArn: denials.policyArn,
      userAgent: denials.userAgent,
      noise: denials.noise,
    })
    .from(denials)
    .where(
      and(
        gte(denials.eventTime, window.previousStartMs),
        lt(denials.eventTime, window.endMs),
        role === null ? undefined : sql`${denialPrincipal} = ${role}`,
      ),
    )
    .all();
  const current: ReportDenial[] = [];
  const previous: ReportDenial[] = [];
  for (const d of denialRows) (d.eventTime >= window.startMs ? current : previous).push(d);
  return {
    window: window.current,
    previousWindow: window.previous,
    role,
    catalog: allCatalog(db),
    usage,
    previousUsage,
    denials: current,
    previousDenials: previous,
    ...taskRecords(db, window.endMs),
  };
}

/** The task definitions and ECS Exec switches the trail holds up to `endMs`, oldest first. */
function taskRecords(db: Db, endMs: number): Pick<ReportInput, "definitions" | "switches"> {
  const definitions: ReportInput["definitions"] = [];
  const switches: ReportInput["switches"] = [];
  for (const raw of taskRecordsBefore(db, endMs)) {
    let record: unknown;
    try {
      record = JSON.parse(raw);
    } catch {
      continue;
    }
    const d = taskDefinitionOf(record);
    if (d) definitions.push(d);
    const s = execSwitchOf(record);
    if (s) switches.push(s);
  }
  return { definitions, switches };
}

/**
 * The last UTC day (YYYY-MM-DD) with any usage or denial, of one role or of all; null when the store holds none.
 * Both are index lookups: the usage primary key leads with the day (usage_role_day_idx for a role), denials_time_idx.
 */
export function latestActivityDay(db: Db, role: string | null): string | null {
  const c = db.$client;
  const usage = (
    role === null
      ? c.prepare("SELECT max(day) FROM usage_daily")
      : c.prepare("SELECT max(day) FROM usage_daily WHERE coalesce(role_arn, principal_arn) = ?")
  )
    .pluck()
    .get(...(role === null ? [] : [role])) as string | null;
  const denialMs = (
    role === null
      ? c.prepare("SELECT max(event_time) FROM denials")
      : c.prepare("SELECT max(event_time) FROM denials WHERE coalesce(role_arn, principal_arn) = ?")
  )
    .pluck()
    .get(...(role === null ? [] : [role])) as number | null;
  const denialDay = denialMs === null ? null : new Date(denialMs).toISOString().slice(0, 10);
  return (
    [usage, denialDay]
      .filter((d): d is string => d !== null)
      .sort()
      .at(-1) ?? null
  );
}
