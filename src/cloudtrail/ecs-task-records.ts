/**
 * What ECS management records say about tasks, task definitions and services: the one home of how RunTask,
 * StartTask, RegisterTaskDefinition and CreateService/UpdateService records are read for a task's context.
 */

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : null;
const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

/** A task a RunTask/StartTask response describes. `service` is set when the task's group is `service:NAME`. */
export interface LaunchedTask {
  taskArn: string;
  cluster: string | null;
  service: string | null;
}

/** The task with ID `taskId` in a RunTask/StartTask record's response, or null when the record does not launch it. */
export function launchedTask(record: unknown, taskId: string): LaunchedTask | null {
  const tasks = obj(obj(record)?.responseElements)?.tasks;
  if (!Array.isArray(tasks)) return null;
  for (const t of tasks) {
    const task = obj(t);
    const taskArn = str(task?.taskArn);
    if (taskArn?.endsWith(`/${taskId}`)) {
      const group = str(task?.group);
      const service = group?.startsWith("service:") ? group.slice("service:".length) || null : null;
      return { taskArn, cluster: str(task?.clusterArn), service };
    }
  }
  return null;
}

/** The family of a task definition reference: `web`, `web:3` or an ARN ending in `task-definition/web:3`. */
export function taskDefinitionFamily(ref: string): string {
  return (ref.slice(ref.lastIndexOf("/") + 1).split(":")[0] ?? ref).trim();
}

/**
 * The family a RegisterTaskDefinition record registers with `roleArn` as its task role (named by ARN or by role
 * name, as the request allows), or null.
 */
export function familyWithTaskRole(record: unknown, roleArn: string): string | null {
  const r = obj(record);
  if (str(r?.eventName) !== "RegisterTaskDefinition") return null;
  const req = obj(r?.requestParameters);
  const taskRole = str(req?.taskRoleArn);
  const roleName = roleArn.slice(roleArn.lastIndexOf("/") + 1);
  return taskRole === roleArn || taskRole === roleName ? str(req?.family) : null;
}

/** The service a CreateService/UpdateService record runs with a task definition of `family`, or null. */
export function serviceRunningFamily(record: unknown, family: string): string | null {
  const req = obj(obj(record)?.requestParameters);
  const service = str(req?.serviceName) ?? str(req?.service);
  const taskDefinition = str(req?.taskDefinition);
  return service && taskDefinition && taskDefinitionFamily(taskDefinition) === family ? service : null;
}
