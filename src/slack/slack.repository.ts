import { and, desc, eq, gt, gte, isNull, lte, ne, or, sql } from "drizzle-orm";
import type { RoleCatalogEntry } from "../classify/kinds.js";
import type { Db } from "../db/client.js";
import {
  denials,
  type IncidentRow,
  incidents,
  roleCatalog,
  type SlackPostRow,
  slackPosts,
} from "../db/schema.js";
import { getRoleEntry } from "../pipeline/catalog.js";

export interface DueIncident {
  incident: IncidentRow;
  /** The previous post of this incident, when there was one. */
  post: SlackPostRow | null;
}

export interface DueIncidentsQuery {
  now: number;
  /** An incident posted before is posted again only when it grew and this long has passed since. */
  quietMs: number;
  /** Incidents whose last denial is older than this are old news, not alerts (a backfill, a first start). */
  since: number;
  includeNoise: boolean;
  limit: number;
}

/**
 * Incidents the notifier owes a post: never posted, or still being denied a quiet period after their last post.
 * The bundled example trail is never posted. Oldest first, so a backlog goes out in the order it happened.
 * Served by incidents_last_seen_idx (the since bound) and the slack_posts primary key.
 */
export function dueIncidents(db: Db, q: DueIncidentsQuery): DueIncident[] {
  const rows = db
    .select({ incident: incidents, post: slackPosts })
    .from(incidents)
    .leftJoin(slackPosts, eq(slackPosts.incidentId, incidents.id))
    .leftJoin(denials, eq(denials.eventId, incidents.latestEventId))
    .where(
      and(
        gte(incidents.lastSeen, q.since),
        q.includeNoise ? undefined : eq(incidents.noise, false),
        or(isNull(denials.source), ne(denials.source, "examples")),
        or(
          isNull(slackPosts.incidentId),
          // Posted before: again only when denials went on past the quiet period (event time) and the quiet
          // period has passed since the post (wall time). A burst that ended is not posted twice.
          and(
            gt(incidents.count, slackPosts.lastCount),
            gte(incidents.lastSeen, sql`${slackPosts.lastSeen} + ${q.quietMs}`),
            lte(slackPosts.postedAt, q.now - q.quietMs),
          ),
        ),
      ),
    )
    .orderBy(incidents.firstSeen, incidents.id)
    .limit(q.limit)
    .all();
  return rows.map((r) => ({ incident: r.incident, post: r.post }));
}

/** Records a post (or Slack's final refusal) of an incident at its current count. */
export function recordPost(
  db: Db,
  p: {
    incidentId: string;
    postedAt: number;
    count: number;
    lastSeen: number;
    outcome: "posted" | "rejected";
  },
): void {
  db.insert(slackPosts)
    .values({
      incidentId: p.incidentId,
      postedAt: p.postedAt,
      lastCount: p.count,
      lastSeen: p.lastSeen,
      posts: 1,
      outcome: p.outcome,
    })
    .onConflictDoUpdate({
      target: slackPosts.incidentId,
      set: {
        postedAt: p.postedAt,
        lastCount: p.count,
        lastSeen: p.lastSeen,
        posts: sql`${slackPosts.posts} + 1`,
        outcome: p.outcome,
      },
    })
    .run();
}

export function getPost(db: Db, incidentId: string): SlackPostRow | undefined {
  return db.select().from(slackPosts).where(eq(slackPosts.incidentId, incidentId)).get();
}

/** Catalogue entries of roles with this name (one per account that has it), by ARN. */
export function rolesNamed(db: Db, roleName: string, limit = 5): RoleCatalogEntry[] {
  const arns = db
    .select({ arn: roleCatalog.roleArn })
    .from(roleCatalog)
    .where(eq(roleCatalog.roleName, roleName))
    .orderBy(roleCatalog.roleArn)
    .limit(limit)
    .all();
  return arns.flatMap((r) => getRoleEntry(db, r.arn) ?? []);
}

/** The most recently active incidents of a role (or of a user/root principal), noise included. */
export function incidentsOfPrincipal(db: Db, arn: string, limit: number): IncidentRow[] {
  return db
    .select()
    .from(incidents)
    .where(or(eq(incidents.roleArn, arn), eq(incidents.principalArn, arn)))
    .orderBy(desc(incidents.lastSeen), desc(incidents.id))
    .limit(limit)
    .all();
}
