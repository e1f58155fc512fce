/**
 * What ECS management records say about tasks, task definitions and services: the one home of how RunTask,
 * StartTask, RegisterTaskDefinition and CreateService/UpdateService records are read for a task's context.
 */

import { field, stringField } from "./record.js";

/** A non-empty string property, or null: these records name things, and an empty name names nothing. */
const str = (value: unknown, key: string): string | null => stringField(value, key) || null;

/** A task a RunTask/StartTask response describes. `service` is set when the task's group is `service:NAME`. */
export interface LaunchedTask {
  taskArn: string;
  cluster: string | null;
  service: string | null;
}

/** The task with ID `taskId` in a RunTask/StartTask record's response, or null when the record does not launch it. */
export function launchedTask(record: unknown, taskId: string): LaunchedTask | null {
  const tasks = field(field(record, "responseElements"), "tasks");
  if (!Array.isArray(tasks)) return null;
  for (const task of tasks) {
    const taskArn = str(task, "taskArn");
    if (taskArn?.endsWith(`/${taskId}`)) {
      const group = str(task, "group");
      const service = group?.startsWith("service:") ? group.slice("service:".length) || null : null;
      return { taskArn, cluster: str(task, "clusterArn"), service };
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
  if (str(record, "eventName") !== "RegisterTaskDefinition") return null;
  const req = field(record, "requestParameters");
  const taskRole = str(req, "taskRoleArn");
  const roleName = roleArn.slice(roleArn.lastIndexOf("/") + 1);
  return taskRole === roleArn || taskRole === roleName ? str(req, "family") : null;
}

/** The service a CreateService/UpdateService record runs with a task definition of `family`, or null. */
export function serviceRunningFamily(record: unknown, family: string): string | null {
  const req = field(record, "requestParameters");
  const service = str(req, "serviceName") ?? str(req, "service");
  const taskDefinition = str(req, "taskDefinition");
  return service && taskDefinition && taskDefinitionFamily(taskDefinition) === family ? service : null;
}
