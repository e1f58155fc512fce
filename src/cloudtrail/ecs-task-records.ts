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

/** A task definition named by family, family:revision or ARN; the revision is null when the reference has none. */
export interface TaskDefinitionRef {
  family: string;
  revision: number | null;
}

/** The family and revision of a reference (`web`, `web:3`, `arn:…:task-definition/web:3`), or null when malformed. */
export function taskDefinitionRef(ref: string): TaskDefinitionRef | null {
  const m = /^(?:arn:[^:]+:ecs:[^:]*:[^:]*:task-definition\/)?([A-Za-z0-9_-]{1,255})(?::(\d{1,9}))?$/.exec(
    ref,
  );
  if (!m?.[1]) return null;
  return { family: m[1], revision: m[2] === undefined ? null : Number(m[2]) };
}

/** The last segment of an ECS ARN (`…:cluster/prod` → `prod`, `…:service/prod/web` → `web`), or the name as given. */
export function ecsName(nameOrArn: string): string {
  return nameOrArn.startsWith("arn:") ? nameOrArn.slice(nameOrArn.lastIndexOf("/") + 1) : nameOrArn;
}

/** A task a RunTask/StartTask response launched, with what on-call filters by: its definition, service and cluster. */
export interface LaunchRecord {
  taskId: string;
  taskArn: string;
  /** The cluster's name. */
  cluster: string | null;
  family: string | null;
  revision: number | null;
  service: string | null;
}

/** Every task a RunTask/StartTask record's response launched (none for a failed launch or another record). */
export function launchRecords(record: unknown): LaunchRecord[] {
  const name = str(record, "eventName");
  if (name !== "RunTask" && name !== "StartTask") return [];
  const tasks = field(field(record, "responseElements"), "tasks");
  if (!Array.isArray(tasks)) return [];
  return tasks.flatMap((task): LaunchRecord[] => {
    const taskArn = str(task, "taskArn");
    const taskId = taskArn?.slice(taskArn.lastIndexOf("/") + 1);
    if (!taskArn || !taskId) return [];
    const group = str(task, "group");
    const clusterArn = str(task, "clusterArn");
    const definition = taskDefinitionRef(str(task, "taskDefinitionArn") ?? "");
    return [
      {
        taskId,
        taskArn,
        cluster: clusterArn === null ? null : ecsName(clusterArn),
        family: definition?.family ?? null,
        revision: definition?.revision ?? null,
        service: group?.startsWith("service:") ? group.slice("service:".length) || null : null,
      },
    ];
  });
}

/** What a RegisterTaskDefinition record registered: family, revision (from the response) and task role, or null. */
export function registeredDefinition(
  record: unknown,
): (TaskDefinitionRef & { taskRole: string; accountId: string | null }) | null {
  if (str(record, "eventName") !== "RegisterTaskDefinition") return null;
  const req = field(record, "requestParameters");
  const family = str(req, "family");
  const taskRole = str(req, "taskRoleArn");
  if (!family || !taskRole) return null;
  const registered = field(field(record, "responseElements"), "taskDefinition");
  const revision = field(registered, "revision");
  return {
    family,
    revision: typeof revision === "number" && Number.isInteger(revision) ? revision : null,
    taskRole,
    accountId: str(record, "recipientAccountId") ?? str(field(record, "userIdentity"), "accountId"),
  };
}

/**
 * The service a CreateService/UpdateService record names, its cluster's name (ECS's `default` when the request names
 * none) and the task definition it runs (null when an update leaves it as it was), or null for another record.
 */
export function serviceDefinition(
  record: unknown,
): { service: string; cluster: string; definition: TaskDefinitionRef | null } | null {
  const name = str(record, "eventName");
  if (name !== "CreateService" && name !== "UpdateService") return null;
  const req = field(record, "requestParameters");
  const service = str(req, "serviceName") ?? str(req, "service");
  if (!service) return null;
  const taskDefinition = str(req, "taskDefinition");
  return {
    service: ecsName(service),
    cluster: ecsName(str(req, "cluster") ?? "default"),
    definition: taskDefinition === null ? null : taskDefinitionRef(taskDefinition),
  };
}

/** A container of a task definition as the report needs it: which variables are literals, never their values. */
export interface ContainerFacts {
  name: string;
  /** Names of `environment` variables set to a non-empty literal value (the values are never read out). */
  literalEnvironment: string[];
  hasSecrets: boolean;
  awslogs: boolean;
}

/** A RegisterTaskDefinition record's task definition: roles, launch type and containers. */
export interface TaskDefinitionFacts {
  family: string;
  revision: number | null;
  account: string;
  taskRoleArn: string | null;
  executionRoleArn: string | null;
  fargate: boolean;
  containers: ContainerFacts[];
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function containerFacts(c: unknown): ContainerFacts {
  const literalEnvironment = list(field(c, "environment")).flatMap((e) => {
    const name = str(e, "name");
    const value = field(e, "value");
    return name !== null && typeof value === "string" && value.length > 0 ? [name] : [];
  });
  return {
    name: str(c, "name") ?? "(unnamed)",
    literalEnvironment,
    hasSecrets: list(field(c, "secrets")).length > 0,
    awslogs: str(field(c, "logConfiguration"), "logDriver") === "awslogs",
  };
}

/** The task definition a successful RegisterTaskDefinition record registers, or null for any other record. */
export function taskDefinitionOf(record: unknown): TaskDefinitionFacts | null {
  if (str(record, "eventName") !== "RegisterTaskDefinition" || field(record, "errorCode") !== undefined)
    return null;
  const req = field(record, "requestParameters");
  const family = str(req, "family");
  if (family === null) return null;
  const revision = field(field(field(record, "responseElements"), "taskDefinition"), "revision");
  const compat = list(field(req, "requiresCompatibilities"));
  return {
    family,
    revision: typeof revision === "number" ? revision : null,
    account: str(record, "recipientAccountId") ?? "",
    taskRoleArn: str(req, "taskRoleArn"),
    executionRoleArn: str(req, "executionRoleArn"),
    fargate: compat.includes("FARGATE"),
    containers: list(field(req, "containerDefinitions")).map(containerFacts),
  };
}

/** What a CreateService, UpdateService or RunTask record says about ECS Exec and the task definition it runs. */
export interface ExecSwitch {
  eventName: "CreateService" | "UpdateService" | "RunTask";
  time: string;
  account: string;
  cluster: string | null;
  service: string | null;
  taskDefinition: string | null;
  /** RunTask: the task role its overrides name. */
  taskRoleOverride: string | null;
  /** `enableExecuteCommand` as the request set it; null when the request left it as it was. */
  enabled: boolean | null;
}

const SWITCH_EVENTS = new Set(["CreateService", "UpdateService", "RunTask"]);
const name = (nameOrArn: string | null) => (nameOrArn === null ? null : ecsName(nameOrArn));

/** The ECS Exec switch of a successful CreateService, UpdateService or RunTask record, or null. */
export function execSwitchOf(record: unknown): ExecSwitch | null {
  const eventName = str(record, "eventName");
  if (eventName === null || !SWITCH_EVENTS.has(eventName) || field(record, "errorCode") !== undefined)
    return null;
  const req = field(record, "requestParameters");
  const enabled = field(req, "enableExecuteCommand");
  return {
    eventName: eventName as ExecSwitch["eventName"],
    time: str(record, "eventTime") ?? "",
    account: str(record, "recipientAccountId") ?? "",
    cluster: name(str(req, "cluster")),
    service: name(str(req, "serviceName") ?? str(req, "service")),
    taskDefinition: str(req, "taskDefinition"),
    taskRoleOverride: str(field(req, "overrides"), "taskRoleArn"),
    enabled: typeof enabled === "boolean" ? enabled : null,
  };
}
