import { z } from "zod";
import { isTaskIdSessionName } from "../cloudtrail/arn.js";
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

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : null;
const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

function parse(raw: string): Json | null {
  try {
    return obj(JSON.parse(raw));
  } catch {
    return null;
  }
}

/** The task a RunTask/StartTask response describes, with its group ('service:NAME') and cluster. */
function launchedTask(
  raw: string,
  taskId: string,
): { group: string | null; cluster: string | null; taskArn: string } | null {
  const tasks = obj(parse(raw)?.responseElements)?.tasks;
  if (!Array.isArray(tasks)) return null;
  for (const t of tasks) {
    const task = obj(t);
    const arn = str(task?.taskArn);
    if (arn?.endsWith(`/${taskId}`))
      return { group: str(task?.group), cluster: str(task?.clusterArn), taskArn: arn };
  }
  return null;
}

/** The family of a task definition reference: `web`, `web:3` or an ARN ending in `task-definition/web:3`. */
const familyOf = (ref: string) => (ref.slice(ref.lastIndexOf("/") + 1).split(":")[0] ?? ref).trim();

/** The services whose task definition (by family) names the role as its task role; one name when unambiguous. */
function serviceOfRole(db: Db, roleArn: string): string | null {
  const roleName = roleArn.slice(roleArn.lastIndexOf("/") + 1);
  const families = new Set<string>();
  const services = new Map<string, string>();
  for (const record of serviceRecordsNaming(db, roleName).map(parse)) {
    const req = obj(record?.requestParameters);
    const name = str(record?.eventName);
    const taskRole = str(req?.taskRoleArn);
    if (name === "RegisterTaskDefinition" && taskRole && (taskRole === roleArn || taskRole === roleName)) {
      const family = str(req?.family);
      if (family) families.add(family);
    }
  }
  for (const family of families)
    for (const record of serviceRecordsNaming(db, family).map(parse)) {
      const req = obj(record?.requestParameters);
      const service = str(req?.serviceName) ?? str(req?.service);
      const taskDefinition = str(req?.taskDefinition);
      if (service && taskDefinition && familyOf(taskDefinition) === family) services.set(service, family);
    }
  return services.size === 1 ? ([...services.keys()][0] ?? null) : null;
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
    .map((raw) => launchedTask(raw, sessionName))
    .find((l) => l !== null);
  const best = requests.find((r) => r.roleType === "task") ?? requests[0];
  const taskArn = best?.taskArn ?? launch?.taskArn;
  if (taskArn === undefined) return null;
  const fromLaunch = launch?.group?.startsWith("service:") ? launch.group.slice("service:".length) : null;
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
