import { and, asc, eq, gt, sql } from "drizzle-orm";
import { classifyRoles } from "../classify/classify.js";
import type { ClassifierInput, UsageObservation } from "../classify/classify.types.js";
import type { KindAssessment, RoleCatalogEntry } from "../classify/kinds.js";
import { validateRecord } from "../cloudtrail/normalise.js";
import type { Db } from "./client.js";
import {
  denials,
  evidenceEvents,
  type RoleCatalogRow,
  roleCatalog,
  roleSessions,
  usageDaily,
} from "./schema.js";

/** User agents kept per (principal, API call) after merging days; the classifier only looks for a few markers. */
const MAX_USER_AGENTS = 20;
/** Rows per INSERT: 10 columns each, well under SQLite's bound-parameter limit. */
const INSERT_CHUNK = 500;

/**
 * Reads everything the classifier needs from the store: the raw evidence records, the session observations, usage
 * folded over days and resources per (principal, API call) with merged user agents, and the denials. IAM users and
 * root appear under their own ARN (usage and denials carry no role ARN for them).
 */
export function loadClassifierInput(db: Db): ClassifierInput {
  const evidence: ClassifierInput["evidence"] = [];
  for (const row of db.select({ raw: evidenceEvents.raw }).from(evidenceEvents).all()) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(row.raw);
    } catch {
      continue;
    }
    const valid = validateRecord(parsed);
    if ("record" in valid) evidence.push(valid.record);
  }

  const sessions = db.select().from(roleSessions).all();

  const principal = sql<string>`coalesce(${usageDaily.roleArn}, ${usageDaily.principalArn})`;
  const usageRows = db
    .select({
      roleArn: principal,
      eventSource: usageDaily.eventSource,
      eventName: usageDaily.eventName,
      calls: sql<number>`sum(${usageDaily.calls})`,
      firstSeen: sql<number>`min(${usageDaily.firstSeen})`,
      lastSeen: sql<number>`max(${usageDaily.lastSeen})`,
      // JSON arrays never hold a raw newline, so a newline separates them safely.
      userAgents: sql<string>`group_concat(${usageDaily.userAgents}, char(10))`,
    })
    .from(usageDaily)
    .groupBy(principal, usageDaily.eventSource, usageDaily.eventName)
    .all();
  const usage: UsageObservation[] = usageRows.map((u) => ({
    roleArn: u.roleArn,
    eventSource: u.eventSource,
    eventName: u.eventName,
    calls: Number(u.calls),
    firstSeen: Number(u.firstSeen),
    lastSeen: Number(u.lastSeen),
    userAgents: mergeUserAgents(u.userAgents),
  }));

  const denialRows = db
    .select({
      roleArn: sql<string>`coalesce(${denials.roleArn}, ${denials.principalArn})`,
      eventSource: denials.eventSource,
      eventName: denials.eventName,
      userAgent: denials.userAgent,
      sessionName: denials.sessionName,
      eventTime: denials.eventTime,
      errorMessage: denials.errorMessage,
    })
    .from(denials)
    .all();

  return { evidence, sessions, usage, denials: denialRows };
}

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

/** Replaces the stored catalogue with `entries`, in one transaction (readers see the old or the new, never half). */
export function saveCatalog(db: Db, entries: RoleCatalogEntry[]): void {
  const rows = entries.map((e) => ({
    roleArn: e.roleArn,
    accountId: e.accountId,
    roleName: e.roleName,
    kind: e.kinds[0]?.kind ?? "unknown",
    confidence: e.kinds[0]?.confidence ?? 0,
    kinds: JSON.stringify(e.kinds),
    dualUse: e.dualUse,
    firstSeen: e.firstSeen,
    lastSeen: e.lastSeen,
  }));
  db.transaction((tx) => {
    tx.delete(roleCatalog).run();
    for (let i = 0; i < rows.length; i += INSERT_CHUNK)
      tx.insert(roleCatalog)
        .values(rows.slice(i, i + INSERT_CHUNK))
        .run();
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
  const entries = classifyRoles(loadClassifierInput(db));
  saveCatalog(db, entries);
  return { roles: entries.length };
}
