/**
 * What ECS management records say about tasks, task definitions and services: the one home of how RunTask,
 * StartTask, RegisterTaskDefinition and CreateService/UpdateService records are read for a task's context. Each
 * record shape has one reader (`ecsCall`, `responseTasks`, `registration`, `serviceRequest`) that reads its fields;
 * the exported views are built on those readers and only choose, combine and name.
 */

import { field, stringField } from "./record.js";

/** A non-empty string property, or null: these records name things, and an empty name names nothing. */
const str = (value: unknown, key: string): string | null => stringField(value, key) || null;

/** The envelope of an ECS management record: which call, whether it failed, when, in which account. */
function ecsCall(record: unknown) {
  return {
    eventName: str(record, "eventName"),
    failed: field(record, "errorCode") !== undefined,
    time: str(record, "eventTime"),
    recipientAccountId: str(record, "recipientAccountId"),
    callerAccountId: str(field(record, "userIdentity"), "accountId"),
    request: field(record, "requestParameters"),
  };
}

/** A task in a RunTask/StartTask response, as ECS describes it. `service` is set when its group is `service:NAME`. */
interface ResponseTask {
  taskArn: string;
  /** The last segment of the task ARN (empty when the ARN ends in `/`). */
  taskId: string;
  clusterArn: string | null;
  taskDefinitionArn: string | null;
  service: string | null;
}

/** The tasks with an ARN that a record's response lists (whatever its event: the callers choose the events). */
function responseTasks(record: unknown): ResponseTask[] {
  const tasks = field(field(record, "responseElements"), "tasks");
  if (!Array.isArray(tasks)) return [];
  return tasks.flatMap((task): ResponseTask[] => {
    const taskArn = str(task, "taskArn");
    if (!taskArn) return [];
    const group = str(task, "group");
    return [
      {
        taskArn,
        taskId: taskArn.slice(taskArn.lastIndexOf("/") + 1),
        clusterArn: str(task, "clusterArn"),
        taskDefinitionArn: str(task, "taskDefinitionArn"),
        service: group?.startsWith("service:") ? group.slice("service:".length) || null : null,
      },
    ];
  });
}

/** A task a RunTask/StartTask response describes. `service` is set when the task's group is `service:NAME`. */
export interface LaunchedTask {
  taskArn: string;
  cluster: string | null;
  service: string | null;
}

/** The task with ID `taskId` in a RunTask/StartTask record's response, or null when the record does not launch it. */
export function launchedTask(record: unknown, taskId: string): LaunchedTask | null {
  const task = responseTasks(record).find((t) => t.taskArn.endsWith(`/${taskId}`));
  return task ? { taskArn: task.taskArn, cluster: task.clusterArn, service: task.service } : null;
}

/** The family of a task definition reference: `web`, `web:3` or an ARN ending in `task-definition/web:3`. */
export function taskDefinitionFamily(ref: string): string {
  return (ref.slice(ref.lastIndexOf("/") + 1).split(":")[0] ?? ref).trim();
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/**
 * What a RegisterTaskDefinition record registers, as its request names it (the task role by ARN or by role name,
 * as the request allows) with the revision its response gave; null for another record.
 */
function registration(record: unknown) {
  const call = ecsCall(record);
  if (call.eventName !== "RegisterTaskDefinition") return null;
  const req = call.request;
  const revision = field(field(field(record, "responseElements"), "taskDefinition"), "revision");
  return {
    ...call,
    family: str(req, "family"),
    revision: typeof revision === "number" ? revision : null,
    taskRoleArn: str(req, "taskRoleArn"),
    executionRoleArn: str(req, "executionRoleArn"),
    fargate: list(field(req, "requiresCompatibilities")).includes("FARGATE"),
    containerDefinitions: list(field(req, "containerDefinitions")),
  };
}

/**
 * The family a RegisterTaskDefinition record registers with `roleArn` as its task role (named by ARN or by role
 * name, as the request allows), or null.
 */
export function familyWithTaskRole(record: unknown, roleArn: string): string | null {
  const reg = registration(record);
  if (reg === null) return null;
  const roleName = roleArn.slice(roleArn.lastIndexOf("/") + 1);
  return reg.taskRoleArn === roleArn || reg.taskRoleArn === roleName ? reg.family : null;
}

/**
 * What a CreateService, UpdateService or RunTask request names: the service (CreateService's `serviceName`,
 * UpdateService's `service`, a name or an ARN), the cluster and task definition as given, RunTask's task role
 * override and ECS Exec's switch (null when the request left it as it was).
 */
function serviceRequest(record: unknown) {
  const call = ecsCall(record);
  const req = call.request;
  const enabled = field(req, "enableExecuteCommand");
  return {
    ...call,
    service: str(req, "serviceName") ?? str(req, "service"),
    cluster: str(req, "cluster"),
    taskDefinition: str(req, "taskDefinition"),
    taskRoleOverride: str(field(req, "overrides"), "taskRoleArn"),
    enableExecuteCommand: typeof enabled === "boolean" ? enabled : null,
  };
}

/** The service a CreateService/UpdateService record runs with a task definition of `family`, or null. */
export function serviceRunningFamily(record: unknown, family: string): string | null {
  const { service, taskDefinition } = serviceRequest(record);
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
  const { eventName } = ecsCall(record);
  if (eventName !== "RunTask" && eventName !== "StartTask") return [];
  return responseTasks(record).flatMap((task): LaunchRecord[] => {
    if (!task.taskId) return [];
    const definition = taskDefinitionRef(task.taskDefinitionArn ?? "");
    return [
      {
        taskId: task.taskId,
        taskArn: task.taskArn,
        cluster: task.clusterArn === null ? null : ecsName(task.clusterArn),
        family: definition?.family ?? null,
        revision: definition?.revision ?? null,
        service: task.service,
      },
    ];
  });
}

/** What a RegisterTaskDefinition record registered: family, revision (from the response) and task role, or null. */
export function registeredDefinition(
  record: unknown,
): (TaskDefinitionRef & { taskRole: string; accountId: string | null }) | null {
  const reg = registration(record);
  if (!reg?.family || !reg.taskRoleArn) return null;
  return {
    family: reg.family,
    revision: reg.revision !== null && Number.isInteger(reg.revision) ? reg.revision : null,
    taskRole: reg.taskRoleArn,
    accountId: reg.recipientAccountId ?? reg.callerAccountId,
  };
}

/**
 * The service a CreateService/UpdateService record names, its cluster's name (ECS's `default` when the request names
 * none) and the task definition it runs (null when an update leaves it as it was), or null for another record.
 */
export function serviceDefinition(
  record: unknown,
): { service: string; cluster: string; definition: TaskDefinitionRef | null } | null {
  const req = serviceRequest(record);
  if (req.eventName !== "CreateService" && req.eventName !== "UpdateService") return null;
  if (!req.service) return null;
  return {
    service: ecsName(req.service),
    cluster: ecsName(req.cluster ?? "default"),
    definition: req.taskDefinition === null ? null : taskDefinitionRef(req.taskDefinition),
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
  const reg = registration(record);
  if (reg === null || reg.failed || reg.family === null) return null;
  return {
    family: reg.family,
    revision: reg.revision,
    account: reg.recipientAccountId ?? "",
    taskRoleArn: reg.taskRoleArn,
    executionRoleArn: reg.executionRoleArn,
    fargate: reg.fargate,
    containers: reg.containerDefinitions.map(containerFacts),
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
  const req = serviceRequest(record);
  if (req.eventName === null || !SWITCH_EVENTS.has(req.eventName) || req.failed) return null;
  return {
    eventName: req.eventName as ExecSwitch["eventName"],
    time: req.time ?? "",
    account: req.recipientAccountId ?? "",
    cluster: name(req.cluster),
    service: name(req.service),
    taskDefinition: req.taskDefinition,
    taskRoleOverride: req.taskRoleOverride,
    enabled: req.enableExecuteCommand,
  };
}
