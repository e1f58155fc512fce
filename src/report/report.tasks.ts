import { ecsExecActions } from "../cloudtrail/ecs-calls.js";
import {
  type ExecSwitch,
  type TaskDefinitionFacts,
  taskDefinitionFamily,
} from "../cloudtrail/ecs-task-records.js";
import type { FindingTexts } from "./report.findings.js";
import type { TaskFinding } from "./report.schemas.js";

/**
 * Findings on task definitions and services, from the trail's RegisterTaskDefinition, CreateService, UpdateService
 * and RunTask records as they stand at the window's end (the latest revision of each family), and, for ECS Exec,
 * the task role's grants in the policy model. Pure.
 */
export const taskFindingTexts = {
  "plaintext-secret-env": {
    severity: "warning",
    title: "Secrets in plain text in a task definition",
    text: "Environment variables whose names say they hold a secret are set to literal values: anyone who can describe the task definition (or read this trail) reads them. Put them in `secrets` (Secrets Manager or SSM Parameter Store, `valueFrom`) so the execution role fetches them at launch, and rotate the values already exposed. The values are not shown here.",
  },
  "fargate-no-execution-role": {
    severity: "warning",
    title: "Fargate task definition without an execution role",
    text: "On Fargate the execution role pulls private images, injects `secrets` and creates the awslogs log streams; without `executionRoleArn` the task fails to start. Add an execution role with AmazonECSTaskExecutionRolePolicy and read access to the secrets.",
  },
  "ecs-exec-without-channels": {
    severity: "warning",
    title: "ECS Exec is on, but the task role cannot open its channels",
    text: "`aws ecs execute-command` will fail: the SSM agent in the task opens the session with the task role, which needs all four ssmmessages channel actions. Grant them to the task role (Resource `*`).",
  },
} as const satisfies FindingTexts;
export type TaskFindingCode = keyof typeof taskFindingTexts;

/** Names of variables that hold secrets by convention; matched case-insensitively on the whole name. */
const SECRET_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|_KEY$|^KEY$|API_?KEY|PRIVATE_?KEY|CREDENTIAL/i;

/** What the report knows of a role's grants: whether the model knows the role, and the actions it grants. */
export interface RoleActions {
  status: "known" | "partial" | "unknown";
  actions: ReadonlySet<string>;
}

export interface TaskInput {
  /** Task definitions registered up to the window's end, oldest first. */
  definitions: TaskDefinitionFacts[];
  /** CreateService, UpdateService and RunTask records up to the window's end, oldest first. */
  switches: ExecSwitch[];
  grantsOf: (roleArn: string) => RoleActions;
  /** Only findings about this role when set. */
  role: string | null;
}

const roleArnOf = (ref: string | null, account: string) =>
  ref === null ? null : ref.startsWith("arn:") ? ref : `arn:aws:iam::${account}:role/${ref}`;

function finding(
  code: TaskFindingCode,
  where: Pick<TaskFinding, "taskDefinition" | "service" | "roleArn">,
  names: string[],
  extra: string,
): TaskFinding {
  const f = taskFindingTexts[code];
  return { code, severity: f.severity, title: f.title, detail: `${extra} ${f.text}`, ...where, names };
}

const label = (d: TaskDefinitionFacts) => (d.revision === null ? d.family : `${d.family}:${d.revision}`);

function definitionFindings(d: TaskDefinitionFacts): TaskFinding[] {
  const out: TaskFinding[] = [];
  const taskDefinition = label(d);
  const exposed = d.containers.flatMap((c) =>
    c.literalEnvironment.filter((n) => SECRET_NAME.test(n)).map((n) => `${c.name}/${n}`),
  );
  if (exposed.length > 0)
    out.push(
      finding(
        "plaintext-secret-env",
        { taskDefinition, service: null, roleArn: roleArnOf(d.executionRoleArn ?? d.taskRoleArn, d.account) },
        exposed.sort(),
        `${taskDefinition} sets ${exposed.join(", ")} in \`environment\`.`,
      ),
    );
  const needs = d.containers.flatMap((c) => [
    ...(c.hasSecrets ? [`${c.name}: secrets`] : []),
    ...(c.awslogs ? [`${c.name}: awslogs`] : []),
  ]);
  if (d.fargate && d.executionRoleArn === null && needs.length > 0)
    out.push(
      finding(
        "fargate-no-execution-role",
        { taskDefinition, service: null, roleArn: roleArnOf(d.taskRoleArn, d.account) },
        needs,
        `${taskDefinition} runs on Fargate with ${needs.join(", ")} and names no executionRoleArn.`,
      ),
    );
  return out;
}

/** Services (by cluster and name) and one-off tasks with ECS Exec on, each with its task definition reference. */
function execTargets(switches: ExecSwitch[]) {
  const services = new Map<string, ExecSwitch & { taskDefinition: string | null }>();
  const runs: ExecSwitch[] = [];
  for (const s of switches) {
    if (s.eventName === "RunTask") {
      if (s.enabled === true) runs.push(s);
      continue;
    }
    const key = `${s.cluster ?? "default"}/${s.service ?? ""}`;
    const held = services.get(key);
    services.set(key, {
      ...s,
      taskDefinition: s.taskDefinition ?? held?.taskDefinition ?? null,
      enabled: s.enabled ?? held?.enabled ?? false,
    });
  }
  return [...[...services.values()].filter((s) => s.enabled === true), ...runs];
}

function execFinding(
  s: ExecSwitch,
  latest: Map<string, TaskDefinitionFacts>,
  grantsOf: TaskInput["grantsOf"],
): { finding?: TaskFinding; unknown?: string } {
  const where = s.service ? `service ${s.service}` : `a task run at ${s.time}`;
  const family = s.taskDefinition ? taskDefinitionFamily(s.taskDefinition) : null;
  const d = family ? latest.get(family) : undefined;
  const roleRef = s.taskRoleOverride ?? d?.taskRoleArn ?? null;
  if (roleRef === null && d === undefined)
    return {
      unknown: `ECS Exec on ${where}: its task definition${family ? ` ${family}` : ""} is not in the trail, so its task role is unknown.`,
    };
  const roleArn = roleArnOf(roleRef, s.account);
  const base = { taskDefinition: d ? label(d) : family, service: s.service, roleArn };
  if (roleArn === null)
    return {
      finding: finding(
        "ecs-exec-without-channels",
        base,
        [...ecsExecActions],
        `ECS Exec is on for ${where}, whose task definition has no task role.`,
      ),
    };
  const grants = grantsOf(roleArn);
  const missing = ecsExecActions.filter((a) => !grants.actions.has(a));
  if (missing.length === 0) return {};
  if (grants.status !== "known")
    return {
      unknown: `ECS Exec on ${where}: the policies of its task role ${roleArn} are ${grants.status === "unknown" ? "unknown" : "partly unknown"} to the policy model, so whether it can open the ssmmessages channels is unknown.`,
    };
  return {
    finding: finding(
      "ecs-exec-without-channels",
      base,
      missing,
      `ECS Exec is on for ${where} (${s.eventName} at ${s.time}); its task role ${roleArn} is not granted ${missing.join(", ")}.`,
    ),
  };
}

/** Findings on the latest revision of each family and on every service or task with ECS Exec on. */
export function taskFindingsFor(input: TaskInput): { findings: TaskFinding[]; unknown: string[] } {
  const latest = new Map<string, TaskDefinitionFacts>();
  for (const d of input.definitions) latest.set(d.family, d);
  const findings = [...latest.values()].flatMap(definitionFindings);
  const unknown: string[] = [];
  for (const s of execTargets(input.switches)) {
    const r = execFinding(s, latest, input.grantsOf);
    if (r.finding) findings.push(r.finding);
    if (r.unknown) unknown.push(r.unknown);
  }
  const scoped =
    input.role === null ? findings : findings.filter((f) => f.roleArn !== null && f.roleArn === input.role);
  return { findings: scoped, unknown: input.role === null ? unknown : [] };
}
