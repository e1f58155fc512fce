/**
 * What single calls say about the identity that made them: launch-time calls of an ECS execution role, the ECS
 * agent's own calls, application SDK calls. Shared by the classifier and by per-call attribution.
 */

/** Calls only an execution role (or, on EC2 without one, the instance role) makes: image pulls and log streams. */
const LAUNCH_CALLS = new Set([
  "ecr:GetAuthorizationToken",
  "ecr:BatchGetImage",
  "ecr:GetDownloadUrlForLayer",
  "ecr:BatchCheckLayerAvailability",
  "logs:CreateLogStream",
  "logs:CreateLogGroup",
]);

/** Secrets and parameters injected at launch; applications read these too, so they weigh less. */
const LAUNCH_SECRET_CALLS = new Set([
  "secretsmanager:GetSecretValue",
  "ssm:GetParameters",
  "ssm:GetParameter",
  "kms:Decrypt",
]);

/** Calls the ECS agent makes with the instance role to run a container instance. */
const CONTAINER_INSTANCE_CALLS = new Set([
  "ecs:RegisterContainerInstance",
  "ecs:DeregisterContainerInstance",
  "ecs:SubmitTaskStateChange",
  "ecs:SubmitContainerStateChange",
  "ecs:SubmitAttachmentStateChanges",
  "ecs:DiscoverPollEndpoint",
  "ecs:Poll",
  "ecs:StartTelemetrySession",
  "ecs:UpdateContainerInstancesState",
]);

/** Agent API calls signed with the task role though the agent's user agent is on them (task scale-in protection). */
const TASK_ROLE_AGENT_CALLS = new Set(["ecs:UpdateTaskProtection", "ecs:GetTaskProtection"]);

export function isLaunchCall(action: string): boolean {
  return LAUNCH_CALLS.has(action);
}

export function isLaunchSecretCall(action: string): boolean {
  return LAUNCH_SECRET_CALLS.has(action);
}

export function isContainerInstanceCall(action: string): boolean {
  return CONTAINER_INSTANCE_CALLS.has(action);
}

export function isTaskRoleAgentCall(action: string): boolean {
  return TASK_ROLE_AGENT_CALLS.has(action);
}

export function isEcsAgentUserAgent(ua: string | null | undefined): boolean {
  return typeof ua === "string" && ua.startsWith("Amazon ECS Agent - v");
}

export function isLambdaUserAgent(ua: string | null | undefined): boolean {
  return typeof ua === "string" && ua.includes("exec-env/AWS_Lambda_");
}

/** SDKs append AWS_EXECUTION_ENV, which ECS sets inside task containers, to their user agent. */
export function isEcsTaskUserAgent(ua: string | null | undefined): boolean {
  return typeof ua === "string" && /exec-env\/AWS_ECS_(FARGATE|EC2)/.test(ua);
}

export function isSsmAgentUserAgent(ua: string | null | undefined): boolean {
  return typeof ua === "string" && ua.includes("amazon-ssm-agent");
}

/** AWS acting for the caller (`secretsmanager.amazonaws.com`, `AWS Internal`): not the caller's own code. */
export function isServiceUserAgent(ua: string | null | undefined): boolean {
  return typeof ua === "string" && (/^[a-z0-9.-]+\.amazonaws\.com$/.test(ua) || ua === "AWS Internal");
}

/** A call made by application code (an SDK or CLI), not by the ECS agent or by an AWS service. */
export function isApplicationCall(action: string, ua: string | null | undefined): boolean {
  if (isEcsAgentUserAgent(ua) || isServiceUserAgent(ua)) return false;
  return !isLaunchCall(action) && !isLaunchSecretCall(action) && !isContainerInstanceCall(action);
}

/**
 * What a call's user agents say, as bits: the classifier reads only these five facts about user agents, so a list of
 * agent strings is reduced to them once (per distinct list) instead of running every matcher per call and agent.
 */
export const AGENT_LAMBDA = 1;
export const AGENT_SSM = 2;
export const AGENT_ECS_TASK = 4;
export const AGENT_ECS_AGENT = 8;
/** Some agent (or none at all) that is neither the ECS agent nor an AWS service: application code may have called. */
export const AGENT_APPLICATION = 16;

/** The agent bits of one call made under `userAgents` (an empty list stands for one unknown agent). */
export function agentClass(userAgents: readonly string[]): number {
  if (userAgents.length === 0) return AGENT_APPLICATION;
  let bits = 0;
  for (const ua of userAgents) {
    if (isLambdaUserAgent(ua)) bits |= AGENT_LAMBDA;
    if (isSsmAgentUserAgent(ua)) bits |= AGENT_SSM;
    if (isEcsTaskUserAgent(ua)) bits |= AGENT_ECS_TASK;
    if (isEcsAgentUserAgent(ua)) bits |= AGENT_ECS_AGENT;
    if (!isEcsAgentUserAgent(ua) && !isServiceUserAgent(ua)) bits |= AGENT_APPLICATION;
  }
  return bits;
}
