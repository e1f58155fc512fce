/**
 * What a call's user agent says about who made it: the ECS agent, a Lambda runtime, code inside an ECS task, a host
 * agent, an AWS service acting for the caller, the console, or an SDK.
 */

type UserAgent = string | null | undefined;

/**
 * The ECS agent sets its own user agent on every AWS call it makes (ECS, ECR, Secrets Manager, SSM, S3, task
 * protection), replacing the SDK's: `Amazon ECS Agent - v<version> (<hash>) (<os>) (+http://aws.amazon.com/ecs/)`.
 */
export function isEcsAgentUserAgent(ua: UserAgent): boolean {
  return typeof ua === "string" && ua.startsWith("Amazon ECS Agent - v");
}

/** SDKs append AWS_EXECUTION_ENV, which Lambda sets to AWS_Lambda_<runtime>, to their user agent. */
export function isLambdaUserAgent(ua: UserAgent): boolean {
  return typeof ua === "string" && ua.includes("exec-env/AWS_Lambda_");
}

/** SDKs append AWS_EXECUTION_ENV, which ECS sets inside task containers, to their user agent. */
export function isEcsTaskUserAgent(ua: UserAgent): boolean {
  return typeof ua === "string" && /exec-env\/AWS_ECS_(FARGATE|EC2)/.test(ua);
}

/** Inside a task of the EC2 launch type: the only kind that can reach the host's instance metadata. */
export function isEcsEc2TaskUserAgent(ua: UserAgent): boolean {
  return typeof ua === "string" && ua.includes("exec-env/AWS_ECS_EC2");
}

export function isSsmAgentUserAgent(ua: UserAgent): boolean {
  return typeof ua === "string" && ua.includes("amazon-ssm-agent");
}

/** Agents that run on a host and legitimately call with its instance credentials: not an application. */
const HOST_AGENT =
  /amazon-ssm-agent|Amazon ECS Agent|ec2-instance-connect|CloudWatchAgent|aws-cloudwatch-agent/i;

export function isHostAgentUserAgent(ua: UserAgent): boolean {
  return typeof ua === "string" && HOST_AGENT.test(ua);
}

/** AWS acting for the caller (`secretsmanager.amazonaws.com`, `AWS Internal`): not the caller's own code. */
export function isServiceUserAgent(ua: UserAgent): boolean {
  return typeof ua === "string" && (/^[a-z0-9.-]+\.amazonaws\.com$/.test(ua) || ua === "AWS Internal");
}

/** The AWS console and sign-in: their pages probe many read APIs for whoever browses. */
const CONSOLE = /^(AWS Internal|console\.amazonaws\.com|signin\.amazonaws\.com)|console\.aws\.amazon\.com/i;

export function isConsoleUserAgent(ua: UserAgent): boolean {
  return typeof ua === "string" && CONSOLE.test(ua);
}

/** An AWS SDK or the CLI: code someone wrote or ran, not an agent. */
export function isSdkUserAgent(ua: UserAgent): boolean {
  return typeof ua === "string" && /aws-sdk|boto|aws-cli|Boto3|botocore/i.test(ua);
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

/** The agent bits of a single call's user agent (none known counts as application code, as in `agentClass`). */
export function agentClassOf(ua: UserAgent): number {
  return agentClass(typeof ua === "string" ? [ua] : []);
}
