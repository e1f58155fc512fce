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

/**
 * The AWS Management Console as CloudTrail names it in `userAgent` (every form below is in the public trails of
 * shared/datasets): `console.amazonaws.com`, a service's console host `console.<service>.amazonaws.com`,
 * `signin.amazonaws.com`, and the consoles' back ends, which name themselves before their internal SDK
 * (`[S3Console/0.4, aws-internal/3 …]`, `RDS Console, aws-internal/3 …`, `EC2ConsoleFrontend, aws-internal/3 …`).
 * `AWS Internal` is not one of them: it is AWS acting for a caller, and the console only when the record also
 * says the session came from it (`sessionCredentialFromConsole`, see isConsoleCall).
 */
const CONSOLE_HOST = /^(console(\.[a-z0-9-]+)?|signin)\.amazonaws\.com$/;
const CONSOLE_BACKEND = /^\[?[A-Za-z0-9 ]*Console[A-Za-z]*(\/[\d.]+)?, ?aws-internal\//;

export function isConsoleUserAgent(ua: UserAgent): boolean {
  return (
    typeof ua === "string" &&
    (CONSOLE_HOST.test(ua) || CONSOLE_BACKEND.test(ua) || ua.includes("console.aws.amazon.com"))
  );
}

/** What a record says about who issued a call: its user agent, invokedBy, and the console flag. */
export interface CallOrigin {
  userAgent?: unknown;
  invokedBy?: string | null | undefined;
  /**
   * CloudTrail's `sessionCredentialFromConsole` ("true", or true in some exports; absent otherwise): the call was
   * made with credentials of an AWS Management Console session.
   */
  sessionCredentialFromConsole?: unknown;
}

/**
 * The AWS service that made a call on the caller's behalf, or null when the caller made it: `invokedBy` naming a
 * service (or `AWS Internal`), or a service's own user agent. The console is not a service acting for the caller:
 * its hosts, and `AWS Internal` on a console session, are the person at the console.
 */
export function actingService(call: CallOrigin): string | null {
  const fromConsole = isConsoleSession(call);
  const by = call.invokedBy ?? "";
  if (by !== "" && !CONSOLE_HOST.test(by)) return by;
  const ua = typeof call.userAgent === "string" ? call.userAgent : "";
  if (isServiceUserAgent(ua) && !CONSOLE_HOST.test(ua) && !(ua === "AWS Internal" && fromConsole)) return ua;
  return null;
}

function isConsoleSession(call: CallOrigin): boolean {
  return call.sessionCredentialFromConsole === true || call.sessionCredentialFromConsole === "true";
}

/**
 * A call made from the AWS Management Console by the person using it: the record says the session came from the
 * console, or the user agent is the console's, and no AWS service made the call on the person's behalf.
 */
export function isConsoleCall(call: CallOrigin): boolean {
  if (actingService(call) !== null) return false;
  return isConsoleSession(call) || (typeof call.userAgent === "string" && isConsoleUserAgent(call.userAgent));
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
