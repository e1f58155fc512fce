import { z } from "zod";
import { isTaskIdSessionName } from "../cloudtrail/arn.js";
import { familyWithTaskRole, launchedTask, serviceRunningFamily } from "../cloudtrail/ecs-task-records.js";
import type { Db } from "../db/client.js";
import {
  credentialRequestsOfTask,
  launchRecordsOfTask,
  serviceRecordsNaming,
} from "../db/ecs-tasks.repository.js";

/**
 * The ECS task behind a task-role session, as the agents' audit logs and the trail tell it: defined once, served
 * by GET /v1/denials/{eventId} and GET /v1/roles/lookup as it is here.
 */
export const TaskContext = z
  .object({
    taskArn: z.string(),
    taskId: z.string(),
    cluster: z.string().nullable(),
    containerInstanceArn: z.string().nullable(),
    /** The task's service, and how it is known: the task's launch, or the task definition naming the role. */
    service: z.object({ name: z.string(), from: z.enum(["launch", "task-definition"]) }).nullable(),
    /** Credential requests of the task's role(s) the audit logs hold, and when. */
    credentialRequests: z.number().int(),
    firstSeen: z.string().nullable(),
    lastSeen: z.string().nullable(),
  })
  .meta({ id: "TaskContext" });
export type TaskContext = z.infer<typeof TaskContext>;

/** A stored record's JSON, or null when it does not parse (the store keeps records as they came). */
function parse(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}

/** The services whose task definition (by family) names the role as its task role; one name when unambiguous. */
function serviceOfRole(db: Db, roleArn: string): string | null {
  const roleName = roleArn.slice(roleArn.lastIndexOf("/") + 1);
  const families = new Set<string>();
  const services = new Set<string>();
  for (const record of serviceRecordsNaming(db, roleName).map(parse)) {
    const family = familyWithTaskRole(record, roleArn);
    if (family) families.add(family);
  }
  for (const family of families)
    for (const record of serviceRecordsNaming(db, family).map(parse)) {
      const service = serviceRunningFamily(record, family);
      if (service) services.add(service);
    }
  return services.size === 1 ? ([...services][0] ?? null) : null;
}

/**
 * The task behind a session of `roleArn` named `sessionName`, when the session is named by a task ID and the audit
 * logs or the trail know the task; null otherwise.
 */
export function taskOfSession(
  db: Db,
  roleArn: string | null,
  sessionName: string | null,
): TaskContext | null {
  if (sessionName === null || !isTaskIdSessionName(sessionName)) return null;
  const requests = credentialRequestsOfTask(db, sessionName);
  const launch = launchRecordsOfTask(db, sessionName)
    .map((raw) => launchedTask(parse(raw), sessionName))
    .find((l) => l !== null);
  const best = requests.find((r) => r.roleType === "task") ?? requests[0];
  const taskArn = best?.taskArn ?? launch?.taskArn;
  if (taskArn === undefined) return null;
  const fromLaunch = launch?.service ?? null;
  const fromRole = fromLaunch === null && roleArn !== null ? serviceOfRole(db, roleArn) : null;
  const times = requests.flatMap((r) => [r.firstSeen, r.lastSeen]);
  const iso = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());
  return {
    taskArn,
    taskId: sessionName,
    cluster: best?.cluster ?? launch?.cluster ?? null,
    containerInstanceArn: best?.containerInstanceArn ?? null,
    service:
      fromLaunch !== null
        ? { name: fromLaunch, from: "launch" }
        : fromRole !== null
          ? { name: fromRole, from: "task-definition" }
          : null,
    credentialRequests: requests.reduce((n, r) => n + r.requests, 0),
    firstSeen: iso(times.length > 0 ? Math.min(...times) : undefined),
    lastSeen: iso(times.length > 0 ? Math.max(...times) : undefined),
  };
}
