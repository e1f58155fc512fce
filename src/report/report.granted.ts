import { isAwsManagedPolicyArn } from "../cloudtrail/arn.js";
import { canonicalAction, serviceActionNames } from "../cloudtrail/iam-catalogue.js";
import { field, stringField } from "../cloudtrail/record.js";
import { isUnloggedAction } from "../cloudtrail/unlogged-actions.js";
import type { Granted, GrantedPolicy } from "./report.schemas.js";

/**
 * What a role is granted, as far as the trail tells: inline policies (PutRolePolicy / DeleteRolePolicy), attached
 * customer-managed policies whose documents the trail holds (CreatePolicy, CreatePolicyVersion,
 * SetDefaultPolicyVersion) and attached AWS managed policies known to the small table below. Policy documents in
 * CloudTrail request parameters are URL-encoded JSON (plain JSON in some tools' events): both are read.
 */

/**
 * AWS managed policies that matter for containers and their hosts, by name, with their Allow actions.
 * Source: the policies' published documents (iann0036/iam-dataset `aws/managedpolicies/*.json`, MIT), current
 * versions as of 2026; conditions and resource restrictions are left out (this table answers "which actions").
 */
export const awsManagedPolicies: Readonly<Record<string, readonly string[]>> = {
  AmazonECSTaskExecutionRolePolicy: [
    "ecr:GetAuthorizationToken",
    "ecr:BatchCheckLayerAvailability",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchGetImage",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
  ],
  AmazonEC2ContainerServiceforEC2Role: [
    "ec2:DescribeTags",
    "ecs:CreateCluster",
    "ecs:DeregisterContainerInstance",
    "ecs:DiscoverPollEndpoint",
    "ecs:Poll",
    "ecs:RegisterContainerInstance",
    "ecs:StartTelemetrySession",
    "ecs:UpdateContainerInstancesState",
    "ecs:Submit*",
    "ecr:GetAuthorizationToken",
    "ecr:BatchCheckLayerAvailability",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchGetImage",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "ecs:TagResource",
    "ecs:ListTagsForResource",
  ],
  AmazonSSMManagedInstanceCore: [
    "ssm:DescribeAssociation",
    "ssm:GetDeployablePatchSnapshotForInstance",
    "ssm:GetDocument",
    "ssm:DescribeDocument",
    "ssm:GetManifest",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:ListAssociations",
    "ssm:ListInstanceAssociations",
    "ssm:PutInventory",
    "ssm:PutComplianceItems",
    "ssm:PutConfigurePackageResult",
    "ssm:UpdateAssociationStatus",
    "ssm:UpdateInstanceAssociationStatus",
    "ssm:UpdateInstanceInformation",
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
    "ec2messages:AcknowledgeMessage",
    "ec2messages:DeleteMessage",
    "ec2messages:FailMessage",
    "ec2messages:GetEndpoint",
    "ec2messages:GetMessages",
    "ec2messages:SendReply",
  ],
  AWSLambdaBasicExecutionRole: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
  AmazonEC2ContainerServiceEventsRole: ["ecs:RunTask", "iam:PassRole", "ecs:TagResource"],
  AmazonEC2ContainerServiceAutoscaleRole: [
    "ecs:DescribeServices",
    "ecs:UpdateService",
    "cloudwatch:DescribeAlarms",
    "cloudwatch:PutMetricAlarm",
  ],
  AmazonEC2ContainerServiceRole: [
    "ec2:AuthorizeSecurityGroupIngress",
    "ec2:Describe*",
    "elasticloadbalancing:DeregisterInstancesFromLoadBalancer",
    "elasticloadbalancing:DeregisterTargets",
    "elasticloadbalancing:Describe*",
    "elasticloadbalancing:RegisterInstancesWithLoadBalancer",
    "elasticloadbalancing:RegisterTargets",
  ],
};

function patternRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`, "i");
}

/** True when an IAM action pattern (`ecs:Submit*`, `s3:*`, `*`) matches the action. */
export function patternMatches(pattern: string, action: string): boolean {
  return patternRegExp(pattern).test(action);
}

/** The actions an IAM action pattern grants: wildcards expanded against iam-data, exact actions canonicalised. */
export function expandPattern(pattern: string): string[] {
  const colon = pattern.indexOf(":");
  if (colon <= 0) return [];
  if (!/[*?]/.test(pattern)) return [canonicalAction(pattern) ?? pattern];
  const re = patternRegExp(pattern);
  return serviceActionNames(pattern.slice(0, colon)).filter((a) => re.test(a));
}

// ------------------------------------------------------------------------------------------------------------
// Reading the trail's IAM events
// ------------------------------------------------------------------------------------------------------------

export interface PolicyEvent {
  eventTime: number;
  eventName: string;
  accountId: string;
  /** The parsed CloudTrail record. */
  record: unknown;
}

/** The Allow action patterns of a policy document, or null when it cannot be read or uses NotAction. */
export function allowedPatterns(document: unknown): string[] | null {
  let doc = document;
  if (typeof doc === "string") {
    const text = doc;
    try {
      doc = JSON.parse(text);
    } catch {
      try {
        doc = JSON.parse(decodeURIComponent(text.replace(/\+/g, " ")));
      } catch {
        return null;
      }
    }
  }
  const statements = field(doc, "Statement");
  const list = Array.isArray(statements) ? statements : statements ? [statements] : [];
  const out: string[] = [];
  for (const s of list) {
    if (stringField(s, "Effect") !== "Allow") continue;
    if (field(s, "NotAction") !== undefined) return null;
    const action = field(s, "Action");
    for (const a of Array.isArray(action) ? action : [action])
      if (typeof a === "string" && a.length > 0) out.push(a);
  }
  return out;
}

interface RoleState {
  created: boolean;
  managed: Set<string>;
  inline: Map<string, string[] | null>;
}

export interface GrantedIndex {
  /** Granted policies of a role (by account and role name), as the trail left them at the window's end. */
  forRole(accountId: string, roleName: string): { created: boolean; policies: GrantedPolicy[] };
}

const managedName = (arn: string) => arn.slice(arn.lastIndexOf("/") + 1);

type CustomerPolicies = Map<string, { versions: Map<string, string[] | null>; defaultVersion: string }>;

/** The state the trail's IAM events are replayed into: each role's policies, and customer policies by version. */
interface Replay {
  roles: Map<string, RoleState>;
  customer: CustomerPolicies;
}

function roleOf(r: Replay, account: string, name: string): RoleState {
  const key = `${account}:${name}`;
  let s = r.roles.get(key);
  if (!s) {
    s = { created: false, managed: new Set(), inline: new Map() };
    r.roles.set(key, s);
  }
  return s;
}

type EventStep = (r: Replay, e: PolicyEvent, req: unknown, res: unknown) => void;

/** What each IAM policy event does to the replay; events missing here change nothing it tracks. */
const replaySteps: Record<string, EventStep> = {
  CreateRole: (r, e, req) => {
    const roleName = stringField(req, "roleName");
    if (roleName) roleOf(r, e.accountId, roleName).created = true;
  },
  DeleteRole: (r, e, req) => {
    const roleName = stringField(req, "roleName");
    if (roleName) r.roles.delete(`${e.accountId}:${roleName}`);
  },
  AttachRolePolicy: (r, e, req) => {
    const [roleName, arn] = [stringField(req, "roleName"), stringField(req, "policyArn")];
    if (roleName && arn) roleOf(r, e.accountId, roleName).managed.add(arn);
  },
  DetachRolePolicy: (r, e, req) => {
    const [roleName, arn] = [stringField(req, "roleName"), stringField(req, "policyArn")];
    if (roleName && arn) roleOf(r, e.accountId, roleName).managed.delete(arn);
  },
  PutRolePolicy: (r, e, req) => {
    const [roleName, name] = [stringField(req, "roleName"), stringField(req, "policyName")];
    if (roleName && name)
      roleOf(r, e.accountId, roleName).inline.set(name, allowedPatterns(field(req, "policyDocument")));
  },
  DeleteRolePolicy: (r, e, req) => {
    const [roleName, name] = [stringField(req, "roleName"), stringField(req, "policyName")];
    if (roleName && name) roleOf(r, e.accountId, roleName).inline.delete(name);
  },
  CreatePolicy: (r, _e, req, res) => {
    const arn = stringField(field(res, "policy"), "arn");
    if (arn)
      r.customer.set(arn, {
        versions: new Map([["v1", allowedPatterns(field(req, "policyDocument"))]]),
        defaultVersion: stringField(field(res, "policy"), "defaultVersionId") ?? "v1",
      });
  },
  CreatePolicyVersion: (r, _e, req, res) => {
    const arn = stringField(req, "policyArn");
    const version = stringField(field(res, "policyVersion"), "versionId");
    if (!arn || !version) return;
    const entry = r.customer.get(arn) ?? { versions: new Map(), defaultVersion: "" };
    entry.versions.set(version, allowedPatterns(field(req, "policyDocument")));
    const setAsDefault = field(req, "setAsDefault");
    if (setAsDefault === true || setAsDefault === "true" || entry.defaultVersion === "")
      entry.defaultVersion = version;
    r.customer.set(arn, entry);
  },
  SetDefaultPolicyVersion: (r, _e, req) => {
    const arn = stringField(req, "policyArn");
    const version = stringField(req, "versionId");
    const p = arn ? r.customer.get(arn) : undefined;
    if (p && version) p.defaultVersion = version;
  },
};

/** One attached managed policy as the role holds it: AWS managed from the bundled table, customer from the trail. */
function managedPolicy(arn: string, customer: CustomerPolicies): GrantedPolicy {
  if (isAwsManagedPolicyArn(arn)) {
    const patterns = awsManagedPolicies[managedName(arn)];
    return {
      name: managedName(arn),
      arn,
      source: "aws-managed",
      known: patterns !== undefined,
      patterns: patterns ? [...patterns] : [],
    };
  }
  const doc = customer.get(arn);
  const patterns = doc?.versions.get(doc.defaultVersion);
  return {
    name: managedName(arn),
    arn,
    source: "customer-managed",
    known: patterns !== undefined && patterns !== null,
    patterns: patterns ?? [],
  };
}

function policiesOf(s: RoleState, customer: CustomerPolicies): GrantedPolicy[] {
  const policies = [...s.managed].sort().map((arn) => managedPolicy(arn, customer));
  for (const [name, patterns] of [...s.inline].sort(([a], [b]) => a.localeCompare(b)))
    policies.push({ name, arn: null, source: "inline", known: patterns !== null, patterns: patterns ?? [] });
  return policies;
}

/** Replays the IAM policy events (oldest first) into each role's granted policies. */
export function indexGranted(events: PolicyEvent[]): GrantedIndex {
  const replay: Replay = { roles: new Map(), customer: new Map() };
  for (const e of [...events].sort((a, b) => a.eventTime - b.eventTime)) {
    if (field(e.record, "errorCode") !== undefined) continue;
    // Own properties only: an event name such as "__proto__" must not reach Object.prototype.
    if (!Object.hasOwn(replaySteps, e.eventName)) continue;
    replaySteps[e.eventName]?.(
      replay,
      e,
      field(e.record, "requestParameters"),
      field(e.record, "responseElements"),
    );
  }
  return {
    forRole(accountId, roleName) {
      const s = replay.roles.get(`${accountId}:${roleName}`);
      return s
        ? { created: s.created, policies: policiesOf(s, replay.customer) }
        : { created: false, policies: [] };
    },
  };
}

/** The granted section of a role: what it holds, what of that it did not use, and how sure that is. */
export function grantedSection(
  state: { created: boolean; policies: GrantedPolicy[] },
  usedActions: Set<string>,
): Granted {
  const { created, policies } = state;
  if (policies.length === 0) {
    // A role that made successful calls holds permissions, whatever the trail shows of how it got them.
    const note = !created
      ? "Granted permissions are unknown: the trail holds no policy event for this role."
      : usedActions.size > 0
        ? "The role was created in the trail, but no policy event for it is in the trail although its calls succeeded: its policies were granted where this trail does not see (IAM events are recorded in us-east-1)."
        : "The role was created in the trail and no policy was attached or put since: it holds no permissions the trail knows of.";
    return {
      status: "unknown",
      note,
      policies: [],
      actions: [],
      unusedActions: [],
      unusedPatterns: [],
    };
  }
  const patterns = [...new Set(policies.flatMap((p) => p.patterns))].sort();
  const actions = [...new Set(patterns.flatMap(expandPattern))].sort();
  const used = [...usedActions];
  // Calls CloudTrail never records are never seen used: they cannot be called unused either.
  const unusedActions = actions.filter((a) => !usedActions.has(a) && !isUnloggedAction(a));
  const unusedPatterns = patterns.filter((p) => {
    if (used.some((a) => patternMatches(p, a))) return false;
    const expanded = expandPattern(p);
    return expanded.length === 0 || !expanded.every(isUnloggedAction);
  });
  const allKnown = policies.every((p) => p.known);
  const status = allKnown && created ? "known" : "partial";
  const unknown = policies.filter((p) => !p.known).map((p) => p.name);
  const note =
    status === "known"
      ? "Every policy of the role since its creation is in the trail."
      : [
          unknown.length ? `Not readable from the trail: ${unknown.join(", ")}.` : "",
          created ? "" : "The role predates the trail: policies granted before it began are not shown.",
        ]
          .filter(Boolean)
          .join(" ");
  return { status, note, policies, actions, unusedActions, unusedPatterns };
}
