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
