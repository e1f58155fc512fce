import { AGENT_APPLICATION, AGENT_ECS_AGENT } from "./user-agents.js";

/**
 * The calls ECS makes to run tasks and container instances, and which role makes them. Two views:
 * - a *permission* (`is…Action`): the action belongs to the role's job whoever calls it (what a policy should hold);
 * - a *call* (`is…Call`): this call was made for that job, judged also by who made it (the `agentClass` bits of its
 *   user agent), because a few of these actions are also ordinary application or admin calls.
 */

/** Image pulls: the ECR token, then the manifest and layers. Made with the execution role (on EC2 without one, the
 * instance role). */
const IMAGE_PULL: ReadonlySet<string> = new Set([
  "ecr:GetAuthorizationToken",
  "ecr:BatchGetImage",
  "ecr:GetDownloadUrlForLayer",
  "ecr:BatchCheckLayerAvailability",
]);

/**
 * The awslogs driver's calls, with the execution role. logs:PutLogEvents is not logged by CloudTrail, so it never
 * shows as a call; it is here because the same role must be granted it.
 */
const LAUNCH_LOGS: ReadonlySet<string> = new Set([
  "logs:CreateLogStream",
  "logs:CreateLogGroup",
  "logs:PutLogEvents",
]);

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
 * Actions a call implies but the trail cannot show, so a grant for the call needs them too: an image pull is
 * BatchGetImage then GetDownloadUrlForLayer (a denied BatchGetImage never reaches the second), and CloudWatch Logs
 * PutLogEvents is not recorded by CloudTrail.
 */
export const companionActions: Readonly<Record<string, readonly string[]>> = {
  "ecr:BatchGetImage": ["ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
  "ecr:GetDownloadUrlForLayer": ["ecr:BatchGetImage", "ecr:BatchCheckLayerAvailability"],
  "logs:CreateLogStream": ["logs:PutLogEvents"],
};

/** The action and the companions a grant for it needs, the action first. */
export function withCompanions(action: string): string[] {
  return [action, ...(companionActions[action] ?? [])];
}
