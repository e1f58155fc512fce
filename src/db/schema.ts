import { sql } from "drizzle-orm";
import {
  blob,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

/*
 * What is kept, and why (see README "Storage"):
 * - every denial and every event that is evidence about roles, in full (raw JSON);
 * - every other call folded into per-day usage aggregates and per-role session observations;
 * - the id of every event ever ingested, so that any source, in any order, any number of times, stores an event
 *   once (this is what makes ingestion idempotent and a killed run safe to re-run).
 * Times are epoch milliseconds (UTC); days are 'YYYY-MM-DD' (UTC).
 */

/**
 * One row per event ever ingested, keyed by hour + event id (see eventKey in event-key.ts).
 * Rebuilt WITHOUT ROWID by migration 0001 so the 20-byte key is stored once.
 */
export const ingestedEvents = sqliteTable("ingested_events", {
  eventKey: blob("event_key", { mode: "buffer" }).primaryKey(),
  /** 1 for an event of the bundled example trail: `deniedby examples remove` takes exactly those out. */
  examples: integer("examples", { mode: "boolean" }).notNull().default(sql`0`),
});

/** Denied calls; the raw record is kept in denial_raw. The analysis columns are filled by the explain stage after storing. */
export const denials = sqliteTable(
  "denials",
  {
    eventId: text("event_id").primaryKey(),
    eventTime: integer("event_time").notNull(),
    accountId: text("account_id").notNull(),
    region: text("region").notNull(),
    eventSource: text("event_source").notNull(),
    eventName: text("event_name").notNull(),
    errorCode: text("error_code").notNull(),
    errorMessage: text("error_message"),
    principalType: text("principal_type").notNull(),
    principalArn: text("principal_arn").notNull(),
    roleArn: text("role_arn"),
    sessionName: text("session_name"),
    userAgent: text("user_agent"),
    sourceIp: text("source_ip"),
    source: text("source").notNull(),
    action: text("action"),
    resource: text("resource"),
    deniedBy: text("denied_by"),
    policyArn: text("policy_arn"),
    incidentId: text("incident_id"),
    /**
     * Its incident's noise flag, copied when the denial is analysed (an incident's flag never changes), so listings
     * hide noise without looking up the incident of every row they walk.
     */
    noise: integer("noise", { mode: "boolean" }).notNull().default(sql`0`),
  },
  (t) => [
    // Serve "newest first" listings with and without the common filters. Each ends in (event_time, event_id), the
    // listing order, so a filtered page is read in order and stops at the limit instead of sorting ties.
    index("denials_time_idx").on(t.eventTime, t.eventId),
    index("denials_role_time_idx").on(t.roleArn, t.eventTime, t.eventId),
    index("denials_principal_time_idx").on(t.principalArn, t.eventTime),
    index("denials_account_time_idx").on(t.accountId, t.eventTime, t.eventId),
    index("denials_action_time_idx").on(t.action, t.eventTime, t.eventId),
    index("denials_incident_time_idx").on(t.incidentId, t.eventTime, t.eventId),
    // Finding a task's denials: a task role's sessions are named by the task ID (and the find filters by task
    // definition, service and cluster reach denials through the task IDs they resolve to).
    index("denials_session_time_idx").on(t.sessionName, t.eventTime, t.eventId),
  ],
);

/**
 * The raw CloudTrail record of each denial, apart from the row it belongs to: the explain stage writes the analysis
 * columns of every denial, and with ~1 KB of JSON inline each of those updates rewrote the whole wide row (and the
 * WAL took the whole table). Kept keyed by event id, written in the same transaction as the denial.
 */
export const denialRaw = sqliteTable("denial_raw", {
  eventId: text("event_id").primaryKey(),
  raw: text("raw").notNull(),
});

/** Successful events that reveal what a role is (task definitions, trust policies, service AssumeRole, …). */
export const evidenceEvents = sqliteTable(
  "evidence_events",
  {
    eventId: text("event_id").primaryKey(),
    eventTime: integer("event_time").notNull(),
    accountId: text("account_id").notNull(),
    region: text("region").notNull(),
    eventSource: text("event_source").notNull(),
    eventName: text("event_name").notNull(),
    principalArn: text("principal_arn").notNull(),
    roleArn: text("role_arn"),
    source: text("source").notNull(),
    raw: text("raw").notNull(),
  },
  (t) => [
    index("evidence_name_time_idx").on(t.eventName, t.eventTime),
    index("evidence_time_idx").on(t.eventTime),
  ],
);

/** Every other call, folded per UTC day, principal, API call and resource. */
export const usageDaily = sqliteTable(
  "usage_daily",
  {
    day: text("day").notNull(),
    principalArn: text("principal_arn").notNull(),
    principalType: text("principal_type").notNull(),
    roleArn: text("role_arn"),
    accountId: text("account_id").notNull(),
    eventSource: text("event_source").notNull(),
    eventName: text("event_name").notNull(),
    /** '' when the call names no resource. S3 object keys are folded to their folder (`bucket/dir/*`). */
    resource: text("resource").notNull(),
    calls: integer("calls").notNull(),
    /** Calls that failed for reasons other than authorization (throttling, not found, validation). */
    errors: integer("errors").notNull(),
    firstSeen: integer("first_seen").notNull(),
    lastSeen: integer("last_seen").notNull(),
    /** JSON array, the lexically smallest few distinct user agents: deterministic whatever the order. */
    userAgents: text("user_agents").notNull(),
    /**
     * 1 for calls of the bundled example trail, folded apart from real calls of the same key (part of the key), so
     * `deniedby examples remove` takes exactly what the examples added.
     */
    examples: integer("examples", { mode: "boolean" }).notNull().default(sql`0`),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.principalArn, t.eventSource, t.eventName, t.resource, t.examples] }),
    index("usage_role_day_idx").on(t.roleArn, t.day),
  ],
);

/** How each role's sessions look: the session-name shape, IMDS delivery, web-identity provider, invoking service. */
export const roleSessions = sqliteTable(
  "role_sessions",
  {
    roleArn: text("role_arn").notNull(),
    sessionShape: text("session_shape").notNull(),
    ec2RoleDelivery: text("ec2_role_delivery").notNull(),
    federatedProvider: text("federated_provider").notNull(),
    invokedBy: text("invoked_by").notNull(),
    /** The lexically smallest session name seen with this shape (deterministic sample). */
    sampleSession: text("sample_session").notNull(),
    calls: integer("calls").notNull(),
    firstSeen: integer("first_seen").notNull(),
    lastSeen: integer("last_seen").notNull(),
    /** 1 for sessions of the bundled example trail, kept apart from real ones (part of the key, as in usage_daily). */
    examples: integer("examples", { mode: "boolean" }).notNull().default(sql`0`),
  },
  (t) => [
    primaryKey({
      columns: [t.roleArn, t.sessionShape, t.ec2RoleDelivery, t.federatedProvider, t.invokedBy, t.examples],
    }),
  ],
);

/** Input that could not be stored, with its raw text, so nothing is lost silently. */
export const quarantine = sqliteTable(
  "quarantine",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    source: text("source").notNull(),
    location: text("location").notNull(),
    /** 'line 12', 'record 5', 'offset 1048576' or '' when the whole input is concerned. */
    position: text("position").notNull(),
    reason: text("reason").notNull(),
    detail: text("detail").notNull(),
    raw: text("raw").notNull(),
    /** Identical rejects (same input, reason and detail) folded into this row, at the first one's position. */
    count: integer("count").notNull().default(1),
    /** How many records the rejected text spans; null when that cannot be told. */
    records: integer("records"),
  },
  (t) => [uniqueIndex("quarantine_place_idx").on(t.source, t.location, t.position, t.reason)],
);

/**
 * Files and S3 objects read to the end, so a re-run skips them without reading (event ids make re-reading harmless
 * anyway). A file is the same while its size and mtime are; an S3 object (`s3://bucket/key`) while its ETag is.
 */
export const sourceFiles = sqliteTable("source_files", {
  path: text("path").primaryKey(),
  size: integer("size").notNull(),
  mtimeMs: integer("mtime_ms").notNull(),
  records: integer("records").notNull(),
  etag: text("etag"),
});

/** Resume points of the live sources (LookupEvents per region, Athena per table), written with their batches. */
export const sourceCheckpoints = sqliteTable(
  "source_checkpoints",
  {
    source: text("source").notNull(),
    key: text("key").notNull(),
    value: text("value").notNull(),
  },
  (t) => [primaryKey({ columns: [t.source, t.key] })],
);

/** The role catalogue computed by the classifier from evidence, sessions, usage and denials. */
export const roleCatalog = sqliteTable(
  "role_catalog",
  {
    roleArn: text("role_arn").primaryKey(),
    accountId: text("account_id").notNull(),
    roleName: text("role_name").notNull(),
    kind: text("kind").notNull(),
    confidence: real("confidence").notNull(),
    /** JSON: [{kind, confidence, evidence: [{signal, detail, weight}]}], best first. */
    kinds: text("kinds").notNull(),
    dualUse: integer("dual_use", { mode: "boolean" }).notNull(),
    firstSeen: integer("first_seen"),
    lastSeen: integer("last_seen"),
  },
  (t) => [index("role_catalog_kind_idx").on(t.kind)],
);

/**
 * A counter per table that triggers bump on every row written or deleted (migration 0006): a process that remembers
 * what it last wrote can tell, with one read, whether anything else (another process, a raw SQL statement) wrote
 * since.
 */
export const tableGenerations = sqliteTable("table_generations", {
  tableName: text("table_name").primaryKey(),
  generation: integer("generation").notNull(),
});

/**
 * Requests for task credentials that ECS container agents logged (their audit log, src/sources/ecs-agent-audit):
 * which task, on which container instance of which cluster, fetched its task role's or its execution role's
 * credentials. Keyed by the line and its occurrence in its file, so reading a log again (or its rotated copy) stores
 * nothing twice. A task role's sessions are named by the task ID, which ties them to these rows.
 */
export const ecsCredentialRequests = sqliteTable(
  "ecs_credential_requests",
  {
    requestKey: blob("request_key", { mode: "buffer" }).primaryKey(),
    time: integer("time").notNull(),
    status: integer("status").notNull(),
    callerAddress: text("caller_address"),
    uri: text("uri").notNull(),
    callerAgent: text("caller_agent"),
    taskArn: text("task_arn"),
    /** The last segment of the task ARN: what a task role's session is named. */
    taskId: text("task_id"),
    /** 'task', 'execution' or 'invalid'. */
    roleType: text("role_type").notNull(),
    cluster: text("cluster"),
    containerInstanceArn: text("container_instance_arn"),
    source: text("source").notNull(),
  },
  (t) => [
    index("ecs_credential_requests_task_idx").on(t.taskId, t.time),
    // The tasks the agents saw in a cluster: finding denials by cluster.
    index("ecs_credential_requests_cluster_idx").on(t.cluster, t.taskId),
  ],
);

/**
 * The tasks RunTask/StartTask responses launched, with their task definition, service (group `service:NAME`) and
 * cluster: derived from evidence_events by the ecs-tasks stage after storing (src/pipeline/ecs-tasks.ts), so finding
 * denials by task definition, service or cluster reads an index instead of every launch record's JSON.
 */
export const ecsTasks = sqliteTable(
  "ecs_tasks",
  {
    taskId: text("task_id").primaryKey(),
    taskArn: text("task_arn").notNull(),
    /** The cluster's name (the last segment of its ARN). */
    cluster: text("cluster"),
    family: text("family"),
    revision: integer("revision"),
    service: text("service"),
    launchedAt: integer("launched_at").notNull(),
  },
  (t) => [
    index("ecs_tasks_family_idx").on(t.family, t.revision),
    index("ecs_tasks_service_idx").on(t.service),
    index("ecs_tasks_cluster_idx").on(t.cluster),
  ],
);
export type EcsCredentialRequestRow = typeof ecsCredentialRequests.$inferSelect;

/** Denials grouped by fingerprint (role, action, resource pattern, denying policy). */
export const incidents = sqliteTable(
  "incidents",
  {
    id: text("id").primaryKey(),
    principalArn: text("principal_arn").notNull(),
    roleArn: text("role_arn"),
    accountId: text("account_id").notNull(),
    action: text("action").notNull(),
    resourcePattern: text("resource_pattern").notNull(),
    deniedBy: text("denied_by").notNull(),
    policyArn: text("policy_arn"),
    count: integer("count").notNull(),
    firstSeen: integer("first_seen").notNull(),
    lastSeen: integer("last_seen").notNull(),
    latestEventId: text("latest_event_id").notNull(),
    /** JSON arrays, bounded: a few event ids and affected sessions (task ids, instance ids). */
    sampleEventIds: text("sample_event_ids").notNull(),
    sessions: text("sessions").notNull(),
    noise: integer("noise", { mode: "boolean" }).notNull().default(sql`0`),
    noiseReason: text("noise_reason"),
  },
  (t) => [index("incidents_last_seen_idx").on(t.lastSeen), index("incidents_role_idx").on(t.roleArn)],
);

/**
 * A stored denial with its raw record (denials joined with denial_raw) and its incident's noise reason (null while
 * not analysed, or when its incident is not noise), as the explanation bodies read it.
 */
export type DenialRow = typeof denials.$inferSelect & { raw: string; noiseReason: string | null };
export type EvidenceRow = typeof evidenceEvents.$inferSelect;
export type UsageRow = typeof usageDaily.$inferSelect;
export type RoleSessionRow = typeof roleSessions.$inferSelect;
export type QuarantineRow = typeof quarantine.$inferSelect;
export type RoleCatalogRow = typeof roleCatalog.$inferSelect;
export type IncidentRow = typeof incidents.$inferSelect;

/**
 * What the Slack notifier posted, one row per incident, so a restart does not post again and the quiet period
 * holds across restarts. `outcome` is 'posted', or 'rejected' when Slack refused the message for good (4xx).
 */
export const slackPosts = sqliteTable("slack_posts", {
  incidentId: text("incident_id").primaryKey(),
  postedAt: integer("posted_at").notNull(),
  /** The incident's count when posted: a later post says how many came since. */
  lastCount: integer("last_count").notNull(),
  /** The incident's last denial (event time) when posted: it is posted again only if denials go on past the quiet period. */
  lastSeen: integer("last_seen").notNull(),
  posts: integer("posts").notNull(),
  outcome: text("outcome").notNull(),
});
export type SlackPostRow = typeof slackPosts.$inferSelect;

/**
 * The policy store (docs/policies.md): what the policy model is rebuilt from, in time order. An import a user ran
 * once (`deniedby import iam|org|resource-policy`), kept as the snapshot it parsed to, with where it came from and
 * when it was captured: trail changes after that time are applied over it, older ones are already in it.
 */
export const policyImports = sqliteTable(
  "policy_imports",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** 'iam', 'org', 'org-none' or 'resource-policy'. */
    kind: text("kind").notNull(),
    /** What the import describes: the accounts of an IAM import, 'organization', or the resource's ARN. */
    subject: text("subject").notNull(),
    /** The file or directory it was read from ('--none' for `import org --none`). */
    ref: text("ref").notNull(),
    /** When the data was captured (epoch ms): the file's modification time unless the user said otherwise. */
    capturedAt: integer("captured_at").notNull(),
    importedAt: integer("imported_at").notNull(),
    /** sha256 of the snapshot: importing the same data again stores nothing. */
    contentHash: text("content_hash").notNull(),
    /** JSON: the parsed snapshot (src/policy/imports), as the model applies it. */
    snapshot: text("snapshot").notNull(),
    /** JSON: the entries set aside or read in part, each with its place and code. */
    problems: text("problems").notNull(),
  },
  (t) => [
    uniqueIndex("policy_imports_content_idx").on(t.kind, t.subject, t.contentHash),
    index("policy_imports_time_idx").on(t.capturedAt, t.id),
  ],
);
export type PolicyImportRow = typeof policyImports.$inferSelect;

/**
 * What each successful policy event of the trail did to the policy model (src/policy/trail: one event can make
 * several changes), extracted by the pipeline from the stored evidence events. Keyed by event and position, so
 * extracting again stores nothing twice.
 */
export const policyChanges = sqliteTable(
  "policy_changes",
  {
    eventId: text("event_id").notNull(),
    seq: integer("seq").notNull(),
    /** The event time, epoch ms: the order changes are applied in. */
    at: integer("at").notNull(),
    /** '<service>:<eventName>', e.g. 'iam:PutRolePolicy'. */
    event: text("event").notNull(),
    /** What it changed: a principal or policy ARN, a resource ARN, or an organisation policy id. */
    subject: text("subject").notNull(),
    /** JSON: the change as src/policy/trail describes it. */
    change: text("change").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.seq] }),
    index("policy_changes_time_idx").on(t.at, t.eventId, t.seq),
    index("policy_changes_subject_idx").on(t.subject, t.at),
  ],
);
export type PolicyChangeRow = typeof policyChanges.$inferSelect;

/**
 * How far a stage after storing has read an append-only table: the policy-change extraction keeps the last
 * evidence_events rowid it read, and the evidence generation then (updates or deletes of evidence start it over).
 */
export const stageCursors = sqliteTable("stage_cursors", {
  stage: text("stage").primaryKey(),
  position: integer("position").notNull(),
  generation: integer("generation").notNull(),
});
