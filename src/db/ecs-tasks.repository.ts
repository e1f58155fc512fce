import type { LaunchRecord } from "../cloudtrail/ecs-task-records.js";
import type { Db } from "./client.js";

/** What the audit logs say about one task: one entry per (task, role type, container instance). */
export interface TaskCredentialRequests {
  taskArn: string;
  taskId: string;
  roleType: string;
  cluster: string | null;
  containerInstanceArn: string | null;
  requests: number;
  firstSeen: number;
  lastSeen: number;
}

/** The credential requests ECS agents logged for a task, by its ID (served by ecs_credential_requests_task_idx). */
export function credentialRequestsOfTask(db: Db, taskId: string): TaskCredentialRequests[] {
  return db.$client
    .prepare(
      `SELECT task_arn AS taskArn, task_id AS taskId, role_type AS roleType, cluster,
         container_instance_arn AS containerInstanceArn, count(*) AS requests, min(time) AS firstSeen,
         max(time) AS lastSeen
       FROM ecs_credential_requests WHERE task_id = ? AND task_arn IS NOT NULL
       GROUP BY task_arn, role_type, cluster, container_instance_arn ORDER BY max(time) DESC`,
    )
    .all(taskId) as TaskCredentialRequests[];
}

/** The raw RunTask and StartTask records that name a task ID (its launch, when the trail holds it). */
export function launchRecordsOfTask(db: Db, taskId: string): string[] {
  return db.$client
    .prepare(
      `SELECT raw FROM evidence_events WHERE event_name IN ('RunTask', 'StartTask') AND instr(raw, ?) > 0
       ORDER BY event_time DESC LIMIT 20`,
    )
    .pluck()
    .all(taskId) as string[];
}

/** The raw records that tie task definitions to roles and services: RegisterTaskDefinition, Create/UpdateService. */
export function serviceRecordsNaming(db: Db, text: string): string[] {
  return db.$client
    .prepare(
      `SELECT raw FROM evidence_events
       WHERE event_name IN ('RegisterTaskDefinition', 'CreateService', 'UpdateService') AND instr(raw, ?) > 0
       ORDER BY event_time DESC LIMIT 200`,
    )
    .pluck()
    .all(text) as string[];
}

/** The raw ECS management records that may name `texts` (any of them), newest first, bounded (deploys are rare). */
export function ecsRecordsNaming(db: Db, eventNames: readonly string[], texts: readonly string[]): string[] {
  if (texts.length === 0) return [];
  return db.$client
    .prepare(
      `SELECT raw FROM evidence_events
       WHERE event_name IN (SELECT value FROM json_each(?))
         AND EXISTS (SELECT 1 FROM json_each(?) t WHERE instr(raw, t.value) > 0)
       ORDER BY event_time DESC LIMIT 5000`,
    )
    .pluck()
    .all(JSON.stringify(eventNames), JSON.stringify(texts)) as string[];
}

/** The role ARNs the catalogue knows by account (when known) and role name: session ARNs and task definitions name roles without their path. */
export function roleArnsNamed(
  db: Db,
  roles: readonly { accountId: string | null; roleName: string }[],
): string[] {
  if (roles.length === 0) return [];
  return db.$client
    .prepare(
      `SELECT DISTINCT rc.role_arn FROM role_catalog rc JOIN json_each(?) r
         ON rc.role_name = json_extract(r.value, '$.roleName')
        AND (json_extract(r.value, '$.accountId') IS NULL OR rc.account_id = json_extract(r.value, '$.accountId'))`,
    )
    .pluck()
    .all(JSON.stringify(roles)) as string[];
}

/** A launched task as the ecs_tasks table keeps it: the launch record's fields and when it was launched. */
export interface StoredEcsTask extends LaunchRecord {
  launchedAt: number;
}

/** What the ecs-tasks stage reads and writes: the launch records stored since it last ran, and the tasks table. */
export function createEcsTaskWriter(db: Db) {
  const c = db.$client;
  // The raw text only of launches: the other evidence rows are passed over for their rowid alone.
  const launchesAfter = c.prepare(
    `SELECT rowid, event_time AS eventTime,
       CASE WHEN event_name IN ('RunTask', 'StartTask') THEN raw END AS raw
     FROM evidence_events WHERE rowid > ? ORDER BY rowid LIMIT ?`,
  );
  const upsert = c.prepare(
    `INSERT INTO ecs_tasks (task_id, task_arn, cluster, family, revision, service, launched_at)
     VALUES (@taskId, @taskArn, @cluster, @family, @revision, @service, @launchedAt)
     ON CONFLICT (task_id) DO UPDATE SET task_arn = excluded.task_arn, cluster = excluded.cluster,
       family = excluded.family, revision = excluded.revision, service = excluded.service,
       launched_at = excluded.launched_at
     WHERE excluded.launched_at >= ecs_tasks.launched_at`,
  );
  const clear = c.prepare("DELETE FROM ecs_tasks");
  return {
    /** Up to `limit` evidence rows after `rowid`, in storage order; `raw` is set for RunTask/StartTask only. */
    launchesAfter(rowid: number, limit: number): { rowid: number; eventTime: number; raw: string | null }[] {
      return launchesAfter.all(rowid, limit) as { rowid: number; eventTime: number; raw: string | null }[];
    },
    save(tasks: readonly StoredEcsTask[]): void {
      for (const t of tasks) upsert.run(t);
    },
    clear(): void {
      clear.run();
    },
  };
}

export type EcsTaskWriter = ReturnType<typeof createEcsTaskWriter>;
/**
 * The records that define tasks and switch ECS Exec, up to `endMs`, oldest first: every RegisterTaskDefinition,
 * CreateService and UpdateService, and the RunTask records that set enableExecuteCommand (RunTask is frequent).
 */
export function taskRecordsBefore(db: Db, endMs: number): string[] {
  return db.$client
    .prepare(
      `SELECT raw FROM evidence_events
       WHERE event_time < ? AND (event_name IN ('RegisterTaskDefinition', 'CreateService', 'UpdateService')
         OR (event_name = 'RunTask' AND instr(raw, 'enableExecuteCommand') > 0))
       ORDER BY event_time, event_id`,
    )
    .pluck()
    .all(endMs) as string[];
}
