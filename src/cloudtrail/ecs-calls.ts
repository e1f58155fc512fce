import { AGENT_APPLICATION, AGENT_ECS_AGENT } from "./user-agents.js";

/**
 * The calls ECS makes to run tasks and container instances, and which role makes them. Two views:
 * - a *permission* (`is…Action`): the action belongs to the role's job whoever calls it (what a policy should hold);
 * - a *call* (`is…Call`): this call was made for that job, judged also by who made it (the `agentClass` bits of its
 *   user agent), because a few of these actions are also ordinary application or admin calls.
 */

/**
 * The calls of an image pull after the token, each scoped to the repository: the manifest, the layers' existence,
 * their download URLs. Each is needed for every pull, so a grant for one is a grant for the three ("Amazon ECS task
 * execution IAM role", https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html).
 */
export const imagePullLayerActions: readonly string[] = [
  "ecr:BatchGetImage",
  "ecr:GetDownloadUrlForLayer",
  "ecr:BatchCheckLayerAvailability",
];

/** The registry token of every pull: it supports no resource-level permission, so it is granted on `*`. */
export const imagePullTokenAction = "ecr:GetAuthorizationToken";

/** Image pulls: the ECR token, then the manifest and layers. Made with the execution role (on EC2 without one, the
 * instance role). */
const IMAGE_PULL: ReadonlySet<string> = new Set([imagePullTokenAction, ...imagePullLayerActions]);

/**
 * ECS Exec: the SSM agent in the task opens a control and a data channel with the task role, all four actions on
 * `*` ("Using Amazon ECS Exec", IAM permissions required,
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html).
 */
export const ecsExecActions: readonly string[] = [
  "ssmmessages:CreateControlChannel",
  "ssmmessages:CreateDataChannel",
  "ssmmessages:OpenControlChannel",
  "ssmmessages:OpenDataChannel",
];

/**
 * What the awslogs driver needs of a log group: a stream per task, then its events (logs:PutLogEvents is not logged
 * by CloudTrail, so its denial never shows). Task execution role page above.
 */
export const logStreamActions: readonly string[] = ["logs:CreateLogStream", "logs:PutLogEvents"];

/**
 * The awslogs driver's calls, with the execution role. logs:PutLogEvents is not logged by CloudTrail, so it never
 * shows as a call; it is here because the same role must be granted it.
 */
const LAUNCH_LOGS: ReadonlySet<string> = new Set([...logStreamActions, "logs:CreateLogGroup"]);

/**
 * Secrets and parameters injected at launch, read with the execution role, and the kms:Decrypt behind a secret or
 * parameter encrypted with a customer key. That decrypt is made by Secrets Manager or SSM on the role's behalf
 * (forward access): the same action called by application code is the application's own.
 */
const LAUNCH_SECRETS: ReadonlySet<string> = new Set([
  "secretsmanager:GetSecretValue",
  "ssm:GetParameters",
  "ssm:GetParameter",
  "kms:Decrypt",
]);

/**
 * The ECS agent's own calls with the instance role: registration, polling, state changes. ecs:CreateCluster is one
 * (the agent creates the `default` cluster when ECS_CLUSTER is unset) only when the agent makes it; from anyone
 * else it is an ordinary admin call.
 */
const CONTAINER_INSTANCE: ReadonlySet<string> = new Set([
  "ecs:RegisterContainerInstance",
  "ecs:DeregisterContainerInstance",
  "ecs:SubmitTaskStateChange",
  "ecs:SubmitContainerStateChange",
  "ecs:SubmitAttachmentStateChanges",
  "ecs:DiscoverPollEndpoint",
  "ecs:Poll",
  "ecs:StartTelemetrySession",
  "ecs:UpdateContainerInstancesState",
  "ecs:CreateCluster",
]);
const AGENT_ONLY_WHEN_BY_AGENT = "ecs:CreateCluster";

/** Agent API calls signed with the task role though the agent's user agent is on them (task scale-in protection). */
const TASK_ROLE_AGENT: ReadonlySet<string> = new Set(["ecs:UpdateTaskProtection", "ecs:GetTaskProtection"]);

/**
 * Other calls the host's own agents make with an instance role: task and instance tag lookups of the ECS agent, the
 * EKS Pod Identity agent. The SSM agent's services are listed apart.
 */
const HOST_AGENT: ReadonlySet<string> = new Set([
  "eks-auth:AssumeRoleForPodIdentity",
  "ec2:DescribeTags",
  "ecs:ListTagsForResource",
  "ecs:TagResource",
]);
const HOST_AGENT_SERVICES: ReadonlySet<string> = new Set(["ssm", "ssmmessages", "ec2messages"]);

export function isImagePullAction(action: string): boolean {
  return IMAGE_PULL.has(action);
}

export function isLaunchLogAction(action: string): boolean {
  return LAUNCH_LOGS.has(action);
}

/** Image pulls and log streams: only an execution role (or, on EC2 without one, the instance role) makes them. */
export function isLaunchAction(action: string): boolean {
  return IMAGE_PULL.has(action) || LAUNCH_LOGS.has(action);
}

/** Secret and parameter reads (and their decrypts) a task's launch needs. */
export function isLaunchSecretAction(action: string): boolean {
  return LAUNCH_SECRETS.has(action);
}

/** Whether this call read a secret for a launch: a kms:Decrypt only when no application code made it. */
export function isLaunchSecretCall(action: string, agents: number): boolean {
  if (action === "kms:Decrypt") return (agents & AGENT_APPLICATION) === 0;
  return LAUNCH_SECRETS.has(action);
}

export function isContainerInstanceAction(action: string): boolean {
  return CONTAINER_INSTANCE.has(action);
}

/** Whether this call ran a container instance: ecs:CreateCluster only when the ECS agent made it. */
export function isContainerInstanceCall(action: string, agents: number): boolean {
  if (action === AGENT_ONLY_WHEN_BY_AGENT) return (agents & AGENT_ECS_AGENT) !== 0;
  return CONTAINER_INSTANCE.has(action);
}

export function isTaskRoleAgentAction(action: string): boolean {
  return TASK_ROLE_AGENT.has(action);
}

/** ECS Exec: the SSM agent inside the task opens message channels with the task role. */
export function isEcsExecAction(action: string): boolean {
  return action.startsWith("ssmmessages:");
}

export function isHostAgentAction(action: string): boolean {
  return HOST_AGENT.has(action) || HOST_AGENT_SERVICES.has(action.slice(0, action.indexOf(":")));
}

/**
 * Actions a call implies but the trail cannot show, so a grant for the call needs them too: the one source of truth
 * for the fixes (src/explain) and the report's policies. An image pull is the token, the manifest and the layers (a
 * denied BatchGetImage never reaches the next call); ECS Exec opens all four channels; a log stream is created and
 * then written to (PutLogEvents is not recorded by CloudTrail). A denied token names no repository, so it brings
 * no layer actions: granting them would name repositories the evidence does not show. The kms:Decrypt behind a
 * secret encrypted with a customer key is granted only where the trail shows that key's decrypt denied (the
 * ecs-launch-kms rule): which key encrypts a secret is not in a GetSecretValue event.
 */
export const companionActions: Readonly<Record<string, readonly string[]>> = Object.fromEntries([
  ...imagePullLayerActions.map((a) => [
    a,
    [...imagePullLayerActions.filter((b) => b !== a), imagePullTokenAction],
  ]),
  ...ecsExecActions.map((a) => [a, ecsExecActions.filter((b) => b !== a)]),
  ...logStreamActions.map((a) => [a, logStreamActions.filter((b) => b !== a)]),
]);

/** The action and the companions a grant for it needs, the action first. */
export function withCompanions(action: string): string[] {
  return [action, ...(companionActions[action] ?? [])];
}
