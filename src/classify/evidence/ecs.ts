import { isServiceLinkedRoleArn } from "../../cloudtrail/arn.js";
import { field, stringField } from "../../cloudtrail/record.js";
import { type Catalog, hit } from "../role-state.js";
import { asArray, type EvidenceReading, type Extractor } from "./context.js";

/** A task definition names its task role and its execution role. */
export const registerTaskDefinition: Extractor = ({ req, named }) => {
  const family = stringField(req, "family") ?? "?";
  const t = named(stringField(req, "taskRoleArn"));
  if (t) hit(t, "ecs-task", "task-definition.task-role", `task definition ${family}`);
  const e = named(stringField(req, "executionRoleArn"));
  if (e) hit(e, "ecs-task-execution", "task-definition.execution-role", `task definition ${family}`);
};

/** RunTask/StartTask override the roles, and say which container instances EC2-launch-type tasks went to. */
export const runTask: Extractor = ({ record, req, resp, named, reading }) => {
  const overrides = field(req, "overrides");
  const td = stringField(req, "taskDefinition") ?? "?";
  const t = named(stringField(overrides, "taskRoleArn"));
  if (t) hit(t, "ecs-task", "launch.task-role-override", `${record.eventName} of ${td}`);
  const e = named(stringField(overrides, "executionRoleArn"));
  if (e) hit(e, "ecs-task-execution", "launch.execution-role-override", `${record.eventName} of ${td}`);
  for (const task of asArray(field(resp, "tasks"))) {
    const ci = stringField(task, "containerInstanceArn");
    if (ci && stringField(task, "launchType") !== "FARGATE") reading.ec2LaunchTypeHosts.set(ci, td);
  }
};

/** CreateService/UpdateService `role` is the legacy ECS service role (the service-linked role is not passed). */
export const createOrUpdateService: Extractor = ({ req, named }) => {
  const roleRef = stringField(req, "role");
  if (!roleRef || isServiceLinkedRoleArn(roleRef)) return;
  const s = named(roleRef);
  if (s) hit(s, "ecs-service", "service.role", `service ${stringField(req, "serviceName") ?? "?"}`);
};

/** The ECS agent registers its container instance with the host's role. */
export const registerContainerInstance: Extractor = ({ req, resp, caller, reading }) => {
  if (!caller) return;
  const cluster = stringField(req, "cluster") ?? "default";
  hit(caller, "ecs-container-instance", "ecs.register-container-instance", `cluster ${cluster}`);
  const ci = stringField(field(resp, "containerInstance"), "containerInstanceArn");
  if (ci) reading.hostRoleByContainerInstance.set(ci, caller.key);
};

/** After the last record: the host role of each container instance EC2-launch-type tasks were placed on. */
export function readLaunchTypeHosts(catalog: Catalog, reading: EvidenceReading): void {
  for (const [ci, td] of [...reading.ec2LaunchTypeHosts].sort()) {
    const key = reading.hostRoleByContainerInstance.get(ci);
    const role = key ? catalog.roles.get(key) : undefined;
    if (role) hit(role, "ecs-container-instance", "launch.ec2-launch-type-host", `${td} placed on this host`);
  }
}
