import { attributeCall } from "../classify/attribute.js";
import { type RoleCatalogEntry, type RoleKind, roleKinds } from "../classify/kinds.js";
import {
  type DeniedBy,
  decodeCommand,
  type MessageForm,
  type ParsedDenialMessage,
  parseAccessDenied,
} from "../cloudtrail/access-denied.js";
import { type ActionRule, iamActionFor } from "../cloudtrail/action.js";
import {
  accountOf,
  hasSsoRolePath,
  isServiceLinkedRoleArn,
  isSsoRoleName,
  roleNameOf,
  sessionShape,
} from "../cloudtrail/arn.js";
import { isDataEventAction } from "../cloudtrail/data-events.js";
import {
  isContainerInstanceCall,
  isEcsExecAction,
  isImagePullAction,
  isLaunchAction,
  isLaunchLogAction,
  isLaunchSecretAction,
  isLaunchSecretCall,
  withCompanions,
} from "../cloudtrail/ecs-calls.js";
import { canonicalAction } from "../cloudtrail/iam-catalogue.js";
import { extractPrincipal, type Principal } from "../cloudtrail/principal.js";
import type { CloudTrailRecord } from "../cloudtrail/record.js";
import { foldLogStream, primaryResource } from "../cloudtrail/resource.js";
import {
  agentClassOf,
  isEcsAgentUserAgent,
  isHostAgentUserAgent,
  isLambdaUserAgent,
  isSdkUserAgent,
} from "../cloudtrail/user-agents.js";
import { type EcsConsoleText, ecsConsoleTexts } from "./ecs-console.js";
import {
  grantResource,
  identityPolicy,
  inspectCommands,
  type PolicyDocument,
  putRolePolicyCommand,
  putUserPolicyCommand,
  resourcePolicy,
  trustPolicy,
} from "./fix.js";
import { fingerprintDenial, noiseReason } from "./incident.js";
import {
  type Caveat,
  caveats as caveatTexts,
  type FixReason,
  type FixTarget,
  fixReasons,
  type NoiseReason,
  noiseReasons,
  type PolicyTarget,
  policyTargets,
} from "./reasons.js";

/** What the explainer knows beyond the event: the classifier's view of the role, and of this call. */
export interface ExplainContext {
  /** The catalogue entry of the denied role, when the caller already looked it up. */
  role?: RoleCatalogEntry;
  /** The kind this particular call was made as (classifier's `attributeCall`), when known. */
  callKind?: RoleKind;
  /** Looks up catalogue entries by role ARN (used when `role` is not given). */
  catalog?: (roleArn: string) => RoleCatalogEntry | undefined;
}

export interface Fix {
  target: FixTarget | "unknown";
  /** The role — or IAM user — whose policy changes (or whose trust policy, for `trust-policy`); null when not known. */
  roleArn: string | null;
  /** 0–1. */
  confidence: number;
  reason: FixReason;
  /** What to do, in sentences. */
  summary: string;
  /** Why, step by step. */
  reasoning: string[];
  policy: PolicyDocument | null;
  commands: string[];
  /** Texts the ECS console/agent shows for this failure, to match against. */
  consoleTexts: string[];
}

export interface Explanation {
  eventId: string;
  eventTime: string;
  eventSource: string;
  eventName: string;
  errorCode: string | null;
  principal: { arn: string; roleArn: string | null; kind: RoleKind; confidence: number };
  action: string | null;
  actionSource: ActionRule;
  actionVerified: boolean;
  resource: string | null;
  resourceSource: "message" | "event" | "none";
  deniedBy: DeniedBy;
  explicitDeny: boolean;
  policyArn: string | null;
  messageForm: MessageForm;
  /** A KMS (or other) dependency of the called service was denied, not the call itself. */
  dependency: boolean;
  encodedMessage: string | null;
  fix: Fix;
  caveats: { code: Caveat; text: string }[];
  summary: string;
  incidentId: string;
  noise: boolean;
  noiseReason: { code: NoiseReason; text: string } | null;
}

function bestKind(entry: RoleCatalogEntry | undefined): { kind: RoleKind; confidence: number } | undefined {
  const first = entry?.kinds[0];
  return first ? { kind: first.kind, confidence: first.confidence } : undefined;
}

function hasKind(entry: RoleCatalogEntry | undefined, kind: RoleKind): boolean {
  return entry?.kinds.some((k) => k.kind === kind) ?? false;
}

/** The kind of the denied principal from the trail alone, when the catalogue has nothing. */
function kindFromTrail(
  record: CloudTrailRecord,
  principal: Principal,
  action: string | null,
): { kind: RoleKind; confidence: number } {
  if (principal.type === "IAMUser") return { kind: "iam-user", confidence: 1 };
  if (principal.type === "Root") return { kind: "root", confidence: 1 };
  if (principal.type === "AWSService") return { kind: "service-linked", confidence: 0.6 };
  const role = principal.roleArn ?? "";
  if (isServiceLinkedRoleArn(role)) return { kind: "service-linked", confidence: 0.95 };
  // A session ARN rebuilt without the issuer loses the reserved path; the role name still says SSO.
  if (hasSsoRolePath(role) || (role !== "" && isSsoRoleName(roleNameOf(role))))
    return { kind: "sso", confidence: 0.95 };
  if (principal.federatedProvider?.includes("oidc.eks.")) return { kind: "eks-irsa", confidence: 0.9 };
  const ua = typeof record.userAgent === "string" ? record.userAgent : "";
  if (isLambdaUserAgent(ua)) return { kind: "lambda", confidence: 0.85 };
  const shape = principal.sessionName ? sessionShape(principal.sessionName) : null;
  const agents = agentClassOf(record.userAgent);
  if (shape === "ec2-instance-id" || shape === "managed-instance-id")
    return isEcsAgentUserAgent(ua) || (action !== null && isContainerInstanceCall(action, agents))
      ? { kind: "ecs-container-instance", confidence: 0.8 }
      : { kind: "ec2-instance", confidence: 0.6 };
  if (shape === "eks-pod") return { kind: "eks-pod-identity", confidence: 0.85 };
  if (shape === "ecs-task-id" || shape === "uuid") {
    const launch = action !== null && (isLaunchAction(action) || isLaunchSecretCall(action, agents));
    if (launch && (isEcsAgentUserAgent(ua) || !isSdkUserAgent(ua)))
      return { kind: "ecs-task-execution", confidence: 0.6 };
    if (shape === "ecs-task-id") return { kind: "ecs-task", confidence: 0.5 };
  }
  return { kind: "unknown", confidence: 0 };
}

interface Decision {
  target: FixTarget | "unknown";
  roleArn: string | null;
  confidence: number;
  reason: FixReason;
  reasoning: string[];
  console: EcsConsoleText[];
  /** Grant for a role/user (identity policy), or a statement for the policy that must change. */
  grant: "identity" | "resource" | "trust" | "none";
  caveats: Caveat[];
  extra: string[];
}

function decide(input: {
  record: CloudTrailRecord;
  principal: Principal;
  kind: RoleKind;
  kindConfidence: number;
  entry: RoleCatalogEntry | undefined;
  action: string | null;
  resource: string | null;
  deniedBy: DeniedBy;
  dependency: boolean;
  explicitDeny: boolean;
}): Decision {
  const { record, principal, kind, entry, action, deniedBy } = input;
  // The identity whose policy changes: the role of a session, or the IAM user itself.
  const roleArn =
    principal.roleArn ??
    (principal.type === "IAMUser" && principal.arn.startsWith("arn:") ? principal.arn : null);
  const d = (partial: Partial<Decision> & Pick<Decision, "target" | "reason">): Decision => ({
    roleArn,
    confidence: 0.8,
    reasoning: [],
    console: [],
    grant: "none",
    caveats: [],
    extra: [],
    ...partial,
  });
  const ua = typeof record.userAgent === "string" ? record.userAgent : "";
  const shape = principal.sessionName ? sessionShape(principal.sessionName) : null;

  switch (deniedBy) {
    case "scp":
    case "rcp":
      return d({
        target: "organization-policy",
        roleArn,
        confidence: 0.95,
        reason: "org-policy",
        reasoning: [`The message names a ${deniedBy === "scp" ? "service" : "resource"} control policy.`],
        caveats: deniedBy === "scp" ? ["scp-implicit-as-explicit"] : [],
      });
    case "permissions-boundary":
      return d({ target: "permissions-boundary", confidence: 0.95, reason: "permissions-boundary" });
    case "session":
      return d({ target: "session-policy", confidence: 0.9, reason: "session-policy" });
    case "vpc-endpoint":
      return d({
        target: "vpc-endpoint-policy",
        confidence: 0.9,
        reason: "vpc-endpoint-policy",
        caveats: ["vpce-unlogged"],
      });
    case "role-trust":
      return d({
        target: "trust-policy",
        roleArn: input.resource?.includes(":role/") ? input.resource : null,
        confidence: 0.9,
        reason: "trust-policy",
        grant: "trust",
      });
    case "resource":
      return d({
        target: "resource-policy",
        confidence: 0.9,
        reason: "resource-policy",
        grant: "resource",
        reasoning: input.explicitDeny
          ? ["The resource's policy contains an explicit Deny matching this call; remove or narrow it."]
          : [
              "No statement of the resource's policy allows this principal (needed across accounts, and for keys and trust).",
            ],
      });
    default:
      break;
  }

  if (action === "iam:PassRole") {
    const service =
      record.eventSource === "ecs.amazonaws.com" ? "ecs-tasks.amazonaws.com" : record.eventSource;
    return d({
      target: kind,
      confidence: input.resource ? 0.9 : 0.6,
      reason: "pass-role",
      grant: "identity",
      reasoning: [
        `${record.eventName} hands a role to ${service}; AWS checks iam:PassRole on that role against the caller.`,
        "The role being passed does not need any change.",
      ],
      caveats: ["passrole-not-logged"],
      extra: [service],
    });
  }
  if (record.eventSource === "sts.amazonaws.com" && action?.startsWith("sts:AssumeRole")) {
    return d({
      target: "trust-policy",
      roleArn: input.resource?.includes(":role/") ? input.resource : null,
      confidence: 0.5,
      reason: "trust-policy",
      grant: "trust",
      reasoning: [
        "The message gives no reason. Either the role's trust policy does not name this caller, or the caller's own policies lack sts:AssumeRole on the role (needed when the trust policy names the account rather than the caller).",
      ],
    });
  }
  if (kind === "service-linked" || principal.type === "AWSService")
    return d({ target: "service-linked", confidence: 0.6, reason: "service-principal" });

  // ECS: which role a call belongs to depends on who makes it, not on which role was named.
  const dual = entry?.dualUse === true;
  const splitNote = (half: "task execution" | "task"): string =>
    `This role is used both as the task role and as the execution role: split it, and give the permission only to the ${half} half.`;
  if (action !== null && isImagePullAction(action)) {
    if (shape === "ec2-instance-id" || kind === "ecs-container-instance" || kind === "ec2-instance")
      return d({
        target: "ecs-container-instance",
        confidence: hasKind(entry, "ecs-container-instance") ? 0.85 : 0.65,
        reason: "ecs-image-pull-instance",
        grant: "identity",
        reasoning: [
          "The pull was made with the instance role's session (an i-… session): the task has no execution role, so the ECS agent pulled with the host's credentials.",
          "Either grant the instance role the pull permission, or (better) give the task definition an execution role (executionRoleArn) with the pull permissions, so each task pulls with its own role.",
        ],
        console: ["pull-ec2"],
      });
    return d({
      target: "ecs-task-execution",
      confidence: kind === "ecs-task-execution" || dual ? 0.9 : 0.7,
      reason: dual ? "dual-use" : "ecs-image-pull",
      grant: "identity",
      reasoning: [fixReasons["ecs-image-pull"], ...(dual ? [splitNote("task execution")] : [])],
      console: action === "ecr:GetAuthorizationToken" ? ["registry-auth"] : ["pull-fargate", "pull-ec2"],
      caveats: ["vpce-unlogged"],
    });
  }
  if (action !== null && isEcsExecAction(action)) {
    const isTaskRole = kind === "ecs-task" || hasKind(entry, "ecs-task");
    return d({
      target: "ecs-task",
      roleArn: isTaskRole ? roleArn : null,
      confidence: isTaskRole ? 0.9 : 0.6,
      reason: "ecs-exec",
      grant: isTaskRole ? "identity" : "none",
      reasoning: [
        fixReasons["ecs-exec"],
        ...(isTaskRole
          ? []
          : [
              "The denied role is not known as the task role: grant these actions to the task role of the task definition, not to the execution role.",
            ]),
      ],
      console: ["ecs-exec"],
      caveats: ["ssmmessages-unlogged"],
    });
  }
  if (action !== null && isContainerInstanceCall(action, agentClassOf(record.userAgent)))
    return d({
      target: "ecs-container-instance",
      confidence: shape === "ec2-instance-id" || shape === "managed-instance-id" ? 0.9 : 0.6,
      reason: "ecs-agent",
      grant: "identity",
      reasoning: [
        fixReasons["ecs-agent"],
        "The managed policy AmazonEC2ContainerServiceforEC2Role holds the agent's permissions.",
      ],
      console: action === "ecs:RegisterContainerInstance" ? ["agent-register"] : [],
    });
  // Which half of a dual-use role a call belongs to is the classifier's call attribution, as in the report.
  const execHalf =
    dual &&
    entry !== undefined &&
    (input.dependency ||
      attributeCall(entry, {
        eventSource: record.eventSource,
        eventName: record.eventName,
        userAgent: ua || null,
      }) === "ecs-task-execution");
  const execCall =
    kind === "ecs-task-execution" || execHalf || (input.dependency && hasKind(entry, "ecs-task-execution"));
  if (
    action !== null &&
    execCall &&
    (isLaunchSecretAction(action) || isLaunchLogAction(action) || input.dependency)
  ) {
    const reason: FixReason =
      input.dependency || action === "kms:Decrypt"
        ? "ecs-launch-kms"
        : isLaunchLogAction(action)
          ? "ecs-launch-logs"
          : "ecs-launch-secrets";
    const console: EcsConsoleText[] =
      reason === "ecs-launch-kms"
        ? ["secret-kms"]
        : reason === "ecs-launch-logs"
          ? ["logs"]
          : action.startsWith("ssm:")
            ? ["secret-ssm"]
            : ["secret-asm"];
    return d({
      target: "ecs-task-execution",
      confidence: kind === "ecs-task-execution" ? 0.9 : 0.7,
      reason: dual ? "dual-use" : reason,
      grant: "identity",
      reasoning: [fixReasons[reason], ...(dual ? [splitNote("task execution")] : [])],
      console,
      caveats:
        reason === "ecs-launch-kms"
          ? ["kms-key-policy"]
          : reason === "ecs-launch-logs"
            ? ["putlogevents-unlogged"]
            : [],
    });
  }
  // An application call with the instance role's credentials: the task fell back to the host's IMDS credentials.
  const onEcsHost = kind === "ecs-container-instance" || hasKind(entry, "ecs-container-instance");
  if (shape === "ec2-instance-id" && onEcsHost && !isHostAgentUserAgent(ua) && action !== null)
    return d({
      target: "task-definition",
      confidence: 0.7,
      reason: "ecs-instance-fallback",
      grant: "none",
      reasoning: [
        "The call came from an i-… session of an ECS container instance's role, with an application user agent, for an application action.",
        "So a container made it with the host's credentials: its task definition has no taskRoleArn and the SDK fell back to instance metadata.",
        "Create a task role with exactly this permission, set it as taskRoleArn, and block containers from instance metadata (awsvpc: ECS_AWSVPC_BLOCK_IMDS=true; bridge: an iptables rule or IMDSv2 hop limit 1). Do not add the permission to the instance role: every task on the host would get it.",
      ],
    });
  if (dual && action !== null)
    return d({
      target: "ecs-task",
      confidence: 0.75,
      reason: "dual-use",
      grant: "identity",
      reasoning: [fixReasons["ecs-task-app"], splitNote("task")],
    });
  if (kind === "ecs-task")
    return d({
      target: "ecs-task",
      confidence: Math.max(0.6, input.kindConfidence),
      reason: "ecs-task-app",
      grant: "identity",
      reasoning: [fixReasons["ecs-task-app"]],
    });
  if (kind === "unknown")
    return roleArn
      ? d({ target: "unknown", confidence: 0.4, reason: "kind-unknown", grant: "identity" })
      : d({ target: "unknown", roleArn: null, confidence: 0.1, reason: "no-evidence" });
  return d({
    target: kind,
    confidence: Math.max(0.5, Math.min(0.9, input.kindConfidence)),
    reason: "principal-kind",
    grant: kind === "sso" ? "none" : "identity",
    reasoning:
      kind === "sso"
        ? [
            "The caller is an IAM Identity Center user: change the permission set (not the generated role), then re-provision.",
          ]
        : [],
  });
}

function summarise(
  e: Omit<Explanation, "summary" | "fix" | "incidentId" | "noise" | "noiseReason">,
  target: Fix["target"],
): string {
  const who = e.principal.roleArn ? roleNameOf(e.principal.roleArn) : e.principal.arn;
  const what = e.action ?? `${e.eventSource} ${e.eventName}`;
  const on = e.resource && e.resource !== "*" ? ` on ${e.resource}` : "";
  const by =
    e.deniedBy === "unknown"
      ? ""
      : ` by ${e.explicitDeny ? "an explicit deny in " : "a missing allow in "}the ${e.deniedBy} policy`;
  const label =
    target in policyTargets ? policyTargets[target as PolicyTarget] : roleKinds[target as RoleKind];
  return `${who} was denied ${what}${on}${by}; change ${label}.`;
}

/** The analysis columns of a denial: what the store keeps and incidents group on (no fix, no prose). */
export interface DenialAnalysis {
  principal: Principal;
  parsed: ParsedDenialMessage;
  errorCode: string | null;
  action: string | null;
  actionSource: ActionRule;
  actionVerified: boolean;
  resource: string | null;
  resourceSource: Explanation["resourceSource"];
  dependency: boolean;
  entry: RoleCatalogEntry | undefined;
  kind: RoleKind;
  kindConfidence: number;
  incidentId: string;
  noise: NoiseReason | null;
}

/**
 * The cheap half of explaining a denial: action, resource, policy type, kind, incident and noise. Used on its own
 * when analysing stored denials in bulk; `explainDenial` adds the fix.
 */
export function analyseDenial(record: CloudTrailRecord, context: ExplainContext = {}): DenialAnalysis {
  const principal = extractPrincipal(record);
  const errorCode = record.errorCode || null;
  const parsed = parseAccessDenied(
    typeof record.errorMessage === "string" ? record.errorMessage : null,
    errorCode,
  );
  let action: string | null;
  let actionSource: ActionRule;
  let actionVerified: boolean;
  if (parsed.action) {
    const canonical = canonicalAction(parsed.action);
    action = canonical ?? parsed.action;
    actionSource = "message";
    actionVerified = canonical !== undefined;
  } else {
    const derived = iamActionFor(record);
    action = derived.action;
    actionSource = derived.rule;
    actionVerified = derived.verified;
  }
  // A KMS failure surfacing through the called service names no key: the key is not the event's resource.
  const dependency = parsed.dependency || (errorCode !== null && /^KMSAccessDenied/.test(errorCode));
  if (dependency && !parsed.action) {
    action = "kms:Decrypt";
    actionSource = "message";
    actionVerified = true;
  }
  let resource: string | null = null;
  let resourceSource: Explanation["resourceSource"] = "none";
  if (parsed.resource) {
    resource = parsed.resource;
    resourceSource = "message";
  } else if (!dependency) {
    resource = primaryResource(record);
    if (resource) resourceSource = "event";
  }

  const entry = context.role ?? (principal.roleArn ? context.catalog?.(principal.roleArn) : undefined);
  const fromCatalogue = bestKind(entry);
  const trail = kindFromTrail(record, principal, action);
  const kind: RoleKind = context.callKind ?? fromCatalogue?.kind ?? trail.kind;
  const kindConfidence = context.callKind
    ? (fromCatalogue?.confidence ?? 0.8)
    : (fromCatalogue?.confidence ?? trail.confidence);

  const { id } = fingerprintDenial({
    principal,
    action,
    resource,
    deniedBy: parsed.deniedBy,
    policyArn: parsed.policyArn ?? null,
  });
  const noise = noiseReason({
    record,
    principal,
    kind,
    action,
    deniedBy: parsed.deniedBy,
    permissionless: actionSource === "permissionless",
  });
  return {
    principal,
    parsed,
    errorCode,
    action,
    actionSource,
    actionVerified,
    resource,
    resourceSource,
    dependency,
    entry,
    kind,
    kindConfidence,
    incidentId: id,
    noise,
  };
}

/**
 * Explains one denied CloudTrail call: the action and resource, the policy type that denied it, who must change
 * what, and the least-privilege fix. Pure: the context carries everything beyond the event.
 */
export function explainDenial(record: CloudTrailRecord, context: ExplainContext = {}): Explanation {
  const a = analyseDenial(record, context);
  const {
    principal,
    parsed,
    errorCode,
    action,
    actionSource,
    actionVerified,
    resource,
    resourceSource,
    dependency,
    entry,
    kind,
    kindConfidence,
  } = a;
  const decision = decide({
    record,
    principal,
    kind,
    kindConfidence,
    entry,
    action,
    resource,
    deniedBy: parsed.deniedBy,
    dependency,
    explicitDeny: parsed.explicitDeny,
  });

  const caveatCodes = new Set<Caveat>(decision.caveats);
  if (parsed.truncated) caveatCodes.add("message-truncated");
  if (parsed.form === "enhanced") caveatCodes.add("one-policy-type");
  if (!parsed.action && !dependency) caveatCodes.add("no-enhanced-message");
  if (parsed.encodedMessage) caveatCodes.add("encoded-message");
  if (action !== null && isDataEventAction(action)) caveatCodes.add("data-events-off");
  if (
    record.eventName === "HeadObject" ||
    (record.eventName === "GetObject" && parsed.form === "s3-access-denied")
  )
    caveatCodes.add("s3-missing-key");
  if (action === "kms:Decrypt" || record.eventSource === "kms.amazonaws.com")
    caveatCodes.add("kms-key-policy");
  const resourceAccount = resource ? accountOf(resource) : "";
  if (resourceAccount && principal.accountId && resourceAccount !== principal.accountId)
    caveatCodes.add("cross-account");
  if (action && !actionVerified && actionSource !== "permissionless") caveatCodes.add("action-unverified");

  // The fix itself.
  let policy: PolicyDocument | null = null;
  const commands: string[] = [];
  if (action && decision.grant !== "none") {
    if (decision.grant === "identity") {
      const passedTo = decision.extra[0];
      // The calls the trail cannot show (PutLogEvents, the rest of an image pull) are needed as much as this one.
      const actions = withCompanions(action);
      let target = resource;
      // Log streams are named per task: the grant must cover next task's stream too.
      if (actions.includes("logs:PutLogEvents") && resource) target = foldLogStream(resource);
      const g = grantResource(action, target);
      if (g.unknown) caveatCodes.add("resource-unknown");
      const condition =
        action === "iam:PassRole" && passedTo
          ? { StringEquals: { "iam:PassedToService": passedTo } }
          : decision.reason === "ecs-launch-kms" &&
              ["secretsmanager.amazonaws.com", "ssm.amazonaws.com"].includes(record.eventSource)
            ? {
                StringEquals: {
                  "kms:ViaService": `${record.eventSource.split(".")[0]}.${record.awsRegion ?? "<region>"}.amazonaws.com`,
                },
              }
            : undefined;
      policy = identityPolicy(actions, g.resource, condition);
      if (principal.type === "IAMUser") commands.push(putUserPolicyCommand(principal.arn, policy, actions));
      else if (decision.roleArn && decision.target !== "sso")
        commands.push(putRolePolicyCommand(decision.roleArn, policy, actions));
    } else if (decision.grant === "resource") {
      const g = grantResource(action, resource);
      if (g.unknown) caveatCodes.add("resource-unknown");
      policy = resourcePolicy(principal.roleArn ?? principal.arn, action, g.resource);
    } else if (decision.grant === "trust") {
      policy = trustPolicy(parsed.trustedService ?? principal.roleArn ?? principal.arn);
      if (decision.roleArn) {
        commands.push(
          `aws iam update-assume-role-policy --role-name ${roleNameOf(decision.roleArn)} --policy-document file://trust.json  # merge the statement into the current trust policy first`,
        );
      }
    }
  }
  if (decision.reason === "ecs-instance-fallback" && action) {
    const g = grantResource(action, resource);
    policy = identityPolicy([action], g.resource);
    commands.push(
      'aws iam create-role --role-name <app>-task-role --assume-role-policy-document \'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}\'',
      `aws iam put-role-policy --role-name <app>-task-role --policy-name deniedby-task-role --policy-document '${JSON.stringify(policy)}'`,
      "# then set taskRoleArn in the task definition, register a new revision, and update the service",
    );
  }
  if (decision.reason === "ecs-image-pull-instance" && action) {
    commands.push(
      "# better: add an executionRoleArn with AmazonECSTaskExecutionRolePolicy to the task definition instead",
    );
  }
  commands.push(
    ...inspectCommands(decision.target, {
      roleArn: principal.roleArn,
      policyArn: parsed.policyArn ?? null,
      resource,
    }),
  );
  if (parsed.encodedMessage) commands.push(decodeCommand(parsed.encodedMessage));

  const consoleFacts = {
    principal: principal.arn,
    action: action ?? "<action>",
    resource: resource ?? "<resource>",
  };
  const consoleTexts = decision.console.map((c) => ecsConsoleTexts[c](consoleFacts));

  const targetLabel = decision.target;
  const fixSummary = [
    fixReasons[decision.reason],
    ...decision.reasoning.filter((r) => r !== fixReasons[decision.reason]),
  ].join(" ");
  const noise = a.noise;
  // One object literal with every field, in the order clients see: spreading a 19-field `base` into the result and
  // adding five more made V8 build it the slow way, about half of the time of explaining a denial.
  const explanation: Explanation = {
    eventId: record.eventID,
    eventTime: record.eventTime,
    eventSource: record.eventSource,
    eventName: record.eventName,
    errorCode,
    principal: { arn: principal.arn, roleArn: principal.roleArn, kind, confidence: kindConfidence },
    action,
    actionSource,
    actionVerified,
    resource,
    resourceSource,
    deniedBy: parsed.deniedBy,
    explicitDeny: parsed.explicitDeny,
    policyArn: parsed.policyArn ?? null,
    messageForm: parsed.form,
    dependency,
    encodedMessage: parsed.encodedMessage ?? null,
    caveats: [...caveatCodes].map((code) => ({ code, text: caveatTexts[code] })),
    fix: {
      target: targetLabel,
      roleArn: decision.roleArn,
      confidence: decision.confidence,
      reason: decision.reason,
      summary: fixSummary,
      reasoning: decision.reasoning,
      policy,
      commands,
      consoleTexts,
    },
    summary: "",
    incidentId: a.incidentId,
    noise: noise !== null,
    noiseReason: noise ? { code: noise, text: noiseReasons[noise] } : null,
  };
  explanation.summary = summarise(explanation, targetLabel);
  return explanation;
}
