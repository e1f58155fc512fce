import { callAction, serviceOf } from "../cloudtrail/action.js";
import {
  hasSsoRolePath,
  isServiceLinkedRoleArn,
  parseIamPrincipalArn,
  parseSessionArn,
  sessionShape,
} from "../cloudtrail/arn.js";
import {
  isContainerInstanceCall,
  isLaunchAction,
  isLaunchSecretCall,
  isTaskRoleAgentAction,
} from "../cloudtrail/ecs-calls.js";
import { extractPrincipal } from "../cloudtrail/principal.js";
import { type CloudTrailRecord, field, stringField } from "../cloudtrail/record.js";
import {
  AGENT_APPLICATION,
  AGENT_ECS_AGENT,
  AGENT_ECS_TASK,
  AGENT_LAMBDA,
  AGENT_SSM,
  agentClass,
} from "../cloudtrail/user-agents.js";
import { type Signal, signals } from "./classify.signals.js";
import type { ClassifierFacts, ClassifierInput, UsageFact } from "./classify.types.js";
import {
  type Evidence,
  type KindAssessment,
  ROLE_KINDS,
  type RoleCatalogEntry,
  type RoleKind,
} from "./kinds.js";
import { decodeTrustPolicy, type TrustPrincipals } from "./trust-policy.js";

/*
 * Two families of kinds share most of their evidence: an ECS task role and its execution role have the same trust
 * policy (ecs-tasks) and the same session names (the task ID); an EC2 host role with or without ECS on the host has
 * the same instance profile and IMDS sessions. Family evidence is kept aside and given to the member(s) that the
 * distinguishing evidence picks.
 */
type Family = "ecs-task-family" | "ec2-family";
type Target = RoleKind | Family;

interface Hit {
  target: Target;
  signal: Signal;
  weight: number;
  /** The first detail; `more` holds every distinct detail once a second one arrives. */
  detail: string;
  more: Set<string> | null;
}

interface RoleState {
  key: string;
  /**
   * The best ARN seen so far and its rank (0 seen as a caller, 1 named in an event, 2 rebuilt from a name): the
   * lowest rank wins, then the longer ARN (it carries a path), then the smaller.
   */
  arn: string;
  arnRank: number;
  accountId: string;
  name: string;
  principal: "role" | "user" | "root";
  /** Flat, one per (target, signal): a role has a dozen at most, so a scan beats nested maps and their garbage. */
  hits: Hit[];
  firstSeen: number | null;
  lastSeen: number | null;
  /** Session shape → smallest sample; null until one is seen (most roles' only shape comes from one row). */
  shapes: Map<string, string> | null;
  /** Usage facts and denials as they come: held by reference, not copied into one object per call. */
  calls: { actions: string[]; agents: number }[];
  trust: { services: string[]; federated: string[]; detail: string } | null;
  managedPolicies: Set<string> | null;
}

/** Services whose AssumeRole, trust policy or invokedBy says which kind a role is. */
const SERVICE_TARGETS: Record<string, Target> = {
  "ecs-tasks.amazonaws.com": "ecs-task-family",
  "ec2.amazonaws.com": "ec2-family",
  "lambda.amazonaws.com": "lambda",
  "edgelambda.amazonaws.com": "lambda",
  "pods.eks.amazonaws.com": "eks-pod-identity",
  "events.amazonaws.com": "ecs-events",
  "application-autoscaling.amazonaws.com": "ecs-autoscale",
  "codedeploy.amazonaws.com": "ecs-codedeploy",
  "ecs.amazonaws.com": "ecs-service",
};

/** invokedBy on a role's own calls: only services that act *as* these roles say something about them. */
const INVOKED_BY_TARGETS: Record<string, Target> = {
  "events.amazonaws.com": "ecs-events",
  "application-autoscaling.amazonaws.com": "ecs-autoscale",
  "codedeploy.amazonaws.com": "ecs-codedeploy",
  "ecs.amazonaws.com": "ecs-service",
};

/** AWS managed policies made for one kind (matched on the policy name, so any path or partition works). */
const MANAGED_POLICY_TARGETS: Record<string, Target> = {
  AmazonECSTaskExecutionRolePolicy: "ecs-task-execution",
  AmazonEC2ContainerServiceforEC2Role: "ecs-container-instance",
  AmazonEC2ContainerServiceRole: "ecs-service",
  AmazonEC2ContainerServiceEventsRole: "ecs-events",
  AmazonEC2ContainerServiceAutoscaleRole: "ecs-autoscale",
  AWSCodeDeployRoleForECS: "ecs-codedeploy",
  AWSCodeDeployRoleForECSLimited: "ecs-codedeploy",
  AWSLambdaBasicExecutionRole: "lambda",
  AWSLambdaVPCAccessExecutionRole: "lambda",
  AmazonSSMManagedInstanceCore: "ec2-family",
  AmazonEKSWorkerNodePolicy: "ec2-instance",
};

const SHAPE_TARGETS: Record<string, Target> = {
  "ecs-task-id": "ecs-task-family",
  uuid: "ecs-task-family",
  "ec2-instance-id": "ec2-family",
  "managed-instance-id": "ec2-family",
  "eks-pod": "eks-pod-identity",
  "lambda-internal": "lambda",
};

/** Role-name hints, first match wins. The weakest signal: names are chosen by people and often wrong. */
const NAME_HINTS: [RegExp, Target][] = [
  [/^AWSReservedSSO_/, "sso"],
  [/^AWSServiceRoleFor/, "service-linked"],
  [/task-?exec|execution-?role|exec-?role|-exec$/i, "ecs-task-execution"],
  [/task-?role|ecs-?task/i, "ecs-task"],
  [/ecs-?instance|container-?instance/i, "ecs-container-instance"],
  [/ecs-?service-?role/i, "ecs-service"],
  [/ecs-?events|events-?role|eventbridge/i, "ecs-events"],
  [/ecs-?autoscal|autoscale-?role/i, "ecs-autoscale"],
  [/codedeploy/i, "ecs-codedeploy"],
  [/lambda/i, "lambda"],
  [/irsa/i, "eks-irsa"],
  [/pod-?identity/i, "eks-pod-identity"],
  [/instance-?role|instance-?profile|ec2/i, "ec2-instance"],
];

/** Every word some NAME_HINTS pattern needs: most names match none, and one test spares thirteen. */
const NAME_HINT_WORDS =
  /AWSReservedSSO_|AWSServiceRoleFor|exec|task|instance|service|events|eventbridge|autoscal|codedeploy|lambda|irsa|pod|ec2/i;

const PAIRING_WINDOW_MS = 1000;
/** ROLE_KINDS positions, for tie-breaks without an indexOf per comparison. */
const KIND_ORDER = Object.fromEntries(ROLE_KINDS.map((k, i) => [k, i])) as Record<RoleKind, number>;
const STRONG = 0.8;
const EPS = 1e-9;

/**
 * Records in time order, ties by event ID: the order every later-wins rule (trust updates, detaches) relies on.
 * Each comes with its parsed time, so the reader does not parse it a second time.
 */
function inTimeOrder(records: CloudTrailRecord[]): { r: CloudTrailRecord; t: number }[] {
  const keyed = records.map((r) => ({ r, t: Date.parse(r.eventTime) }));
  keyed.sort((a, b) => a.t - b.t || (a.r.eventID < b.r.eventID ? -1 : a.r.eventID > b.r.eventID ? 1 : 0));
  return keyed;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** First string among several spellings of one field (CloudTrail camel-cases some services and not others). */
function firstString(value: unknown, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const v = stringField(value, key);
    if (v) return v;
  }
  return undefined;
}

interface Resolved {
  key: string;
  arn: string;
  rank: number;
  account: string;
  name: string;
  principal: RoleState["principal"];
}

class Catalog {
  readonly roles = new Map<string, RoleState>();
  /**
   * The same ARNs come back thousands of times (usage rows, sessions): parse each once, and remember its state and
   * the lowest rank already recorded for it, so a repeat costs one map lookup.
   */
  private readonly resolved = new Map<string, { r: Resolved; state: RoleState; rank: number } | null>();

  /** Finds or creates the state of a principal named by ARN (role, user, root) or by role name in an account. */
  ref(arnOrName: string, accountId: string, rank: number): RoleState | null {
    // A bare name resolves within an account; an ARN names its own.
    const cacheKey = arnOrName.startsWith("arn:") ? arnOrName : `${accountId}/${arnOrName}`;
    let cached = this.resolved.get(cacheKey);
    if (cached === undefined) {
      const r = resolve(arnOrName, accountId, 0);
      cached = r === null ? null : { r, state: this.stateOf(r), rank: Number.POSITIVE_INFINITY };
      this.resolved.set(cacheKey, cached);
    }
    if (cached === null) return null;
    const { r, state } = cached;
    const rankSeen = Math.max(rank, r.rank);
    if (rankSeen < cached.rank) {
      cached.rank = rankSeen;
      offerArn(state, r.arn, rankSeen);
    }
    return state;
  }

  private stateOf(r: Resolved): RoleState {
    let state = this.roles.get(r.key);
    if (!state) {
      state = {
        key: r.key,
        arn: "",
        arnRank: Number.POSITIVE_INFINITY,
        accountId: r.account,
        name: r.name,
        principal: r.principal,
        hits: [],
        firstSeen: null,
        lastSeen: null,
        shapes: null,
        calls: [],
        trust: null,
        managedPolicies: null,
      };
      this.roles.set(r.key, state);
    }
    return state;
  }

  seen(state: RoleState, first: number, last: number): void {
    state.firstSeen = state.firstSeen === null ? first : Math.min(state.firstSeen, first);
    state.lastSeen = state.lastSeen === null ? last : Math.max(state.lastSeen, last);
  }
}

function resolve(arnOrName: string, accountId: string, rankIn: number): Resolved | null {
  let rank = rankIn;
  let arn = arnOrName;
  const session = parseSessionArn(arn);
  if (session) {
    arn = session.roleArn;
    rank = Math.max(rank, 2);
  }
  const iam = parseIamPrincipalArn(arn);
  if (iam) {
    const { type, account, name } = iam;
    // Role names are unique per account whatever their path; users and root keep their whole ARN.
    const key = type === "role" ? `${account}:role:${name}` : arn;
    return { key, arn, rank, account, name, principal: type };
  }
  if (!arn.startsWith("arn:") && /^[\w+=,.@-]{1,64}$/.test(arn) && /^\d{12}$/.test(accountId)) {
    // A bare role name (CreateService `role`, AttachRolePolicy `roleName`): names are unique per account.
    const name = arn;
    return {
      key: `${accountId}:role:${name}`,
      arn: `arn:aws:iam::${accountId}:role/${name}`,
      rank: 2,
      account: accountId,
      name,
      principal: "role",
    };
  }
  return null;
}

/** Keeps the best of the ARNs a role is seen under (see RoleState.arn): the same whatever the order they come in. */
function offerArn(state: RoleState, arn: string, rank: number): void {
  const best = state.arn;
  if (
    rank < state.arnRank ||
    (rank === state.arnRank && (arn.length > best.length || (arn.length === best.length && arn < best)))
  ) {
    state.arn = arn;
    state.arnRank = rank;
  }
}

function hit(state: RoleState, target: Target, signal: Signal, detail: string, weight?: number): Hit {
  const w = weight ?? signals[signal].weight;
  for (const h of state.hits) {
    if (h.target !== target || h.signal !== signal) continue;
    h.weight = Math.max(h.weight, w);
    return addDetail(h, detail);
  }
  // Most signals see one detail: a Set per hit only when a second, different one arrives (less garbage).
  const made = { target, signal, weight: w, detail, more: null };
  state.hits.push(made);
  return made;
}

/** One more detail for a hit already made, at no greater weight: no search for the hit. */
function addDetail(h: Hit, detail: string): Hit {
  if (h.more) h.more.add(detail);
  else if (detail !== h.detail) h.more = new Set([h.detail, detail]);
  return h;
}

function hasHits(state: RoleState, ...targets: Target[]): boolean {
  return state.hits.some((h) => targets.includes(h.target));
}

/** Keeps the smallest sample per shape so that the detail text does not depend on input order. */
function addShape(state: RoleState, shape: string, sample: string): void {
  if (state.shapes === null) state.shapes = new Map();
  const prev = state.shapes.get(shape);
  if (prev === undefined || sample < prev) state.shapes.set(shape, sample);
}

function maxWeight(state: RoleState, target: Target, exclude?: Signal): number {
  let m = 0;
  for (const h of state.hits) if (h.target === target && h.signal !== exclude && h.weight > m) m = h.weight;
  return m;
}

/** Reads the evidence records in time order into role states; returns ECS AssumeRole events for pairing. */
function readEvidence(catalog: Catalog, evidence: CloudTrailRecord[]) {
  const ecsAssumes = new Map<string, { role: RoleState; time: number }[]>();
  const profileRoles = new Map<string, Set<string>>();
  const launchedProfiles = new Map<string, string>();
  const hostRoleByContainerInstance = new Map<string, string>();
  const ec2LaunchTypeHosts = new Map<string, string>();
  const trustByText = new Map<string, TrustPrincipals | null>();

  for (const { r, t: time } of inTimeOrder(evidence)) {
    const service = serviceOf(r.eventSource);
    const req = r.requestParameters ?? {};
    const resp = r.responseElements ?? {};
    const principal = extractPrincipal(r);
    const account = r.recipientAccountId ?? principal.accountId;
    const caller = principal.roleArn
      ? catalog.ref(principal.roleArn, account, 0)
      : principal.type === "IAMUser" || principal.type === "Root"
        ? catalog.ref(principal.arn, account, 0)
        : null;
    if (caller) {
      catalog.seen(caller, time, time);
      if (principal.sessionName) addShape(caller, sessionShape(principal.sessionName), principal.sessionName);
    }
    const named = (arnOrName: string | undefined): RoleState | null =>
      arnOrName ? catalog.ref(arnOrName, account, arnOrName.startsWith("arn:") ? 1 : 2) : null;
    const ev = `${service}:${r.eventName}`;

    if (ev === "ecs:RegisterTaskDefinition") {
      const family = stringField(req, "family") ?? "?";
      const t = named(stringField(req, "taskRoleArn"));
      if (t) hit(t, "ecs-task", "task-definition.task-role", `task definition ${family}`);
      const e = named(stringField(req, "executionRoleArn"));
      if (e) hit(e, "ecs-task-execution", "task-definition.execution-role", `task definition ${family}`);
    } else if (ev === "ecs:RunTask" || ev === "ecs:StartTask") {
      const overrides = field(req, "overrides");
      const td = stringField(req, "taskDefinition") ?? "?";
      const t = named(stringField(overrides, "taskRoleArn"));
      if (t) hit(t, "ecs-task", "launch.task-role-override", `${r.eventName} of ${td}`);
      const e = named(stringField(overrides, "executionRoleArn"));
      if (e) hit(e, "ecs-task-execution", "launch.execution-role-override", `${r.eventName} of ${td}`);
      for (const task of asArray(field(resp, "tasks"))) {
        const ci = stringField(task, "containerInstanceArn");
        if (ci && stringField(task, "launchType") !== "FARGATE") ec2LaunchTypeHosts.set(ci, td);
      }
    } else if (ev === "ecs:CreateService" || ev === "ecs:UpdateService") {
      const roleRef = stringField(req, "role");
      if (roleRef && !isServiceLinkedRoleArn(roleRef)) {
        const s = named(roleRef);
        if (s) hit(s, "ecs-service", "service.role", `service ${stringField(req, "serviceName") ?? "?"}`);
      }
    } else if (ev === "ecs:RegisterContainerInstance") {
      if (caller) {
        const cluster = stringField(req, "cluster") ?? "default";
        hit(caller, "ecs-container-instance", "ecs.register-container-instance", `cluster ${cluster}`);
        const ci = stringField(field(resp, "containerInstance"), "containerInstanceArn");
        if (ci) hostRoleByContainerInstance.set(ci, caller.key);
      }
    } else if (
      ev === "ec2:RunInstances" ||
      ev === "ec2:AssociateIamInstanceProfile" ||
      ev === "ec2:ReplaceIamInstanceProfileAssociation" ||
      ev === "ec2:CreateLaunchTemplate" ||
      ev === "ec2:CreateLaunchTemplateVersion" ||
      ev === "autoscaling:CreateLaunchConfiguration"
    ) {
      const profiles: unknown[] = [
        field(req, "iamInstanceProfile"),
        field(field(req, "launchTemplateData"), "iamInstanceProfile"),
      ];
      for (const item of asArray(field(field(resp, "instancesSet"), "items")))
        profiles.push(field(item, "iamInstanceProfile"));
      for (const p of profiles) {
        const ref = typeof p === "string" ? p : (stringField(p, "arn") ?? stringField(p, "name"));
        if (!ref) continue;
        const profileName = ref.slice(ref.lastIndexOf("/") + 1);
        launchedProfiles.set(`${account}:${profileName}`, r.eventName);
      }
    } else if (ev === "iam:AddRoleToInstanceProfile") {
      const role = named(stringField(req, "roleName"));
      const profile = stringField(req, "instanceProfileName");
      if (role && profile) {
        hit(role, "ec2-family", "instance-profile.member", `instance profile ${profile}`);
        const k = `${role.accountId}:${profile}`;
        const set = profileRoles.get(k) ?? new Set<string>();
        set.add(role.key);
        profileRoles.set(k, set);
      }
    } else if (ev === "iam:CreateRole" || ev === "iam:UpdateAssumeRolePolicy") {
      const created = stringField(field(resp, "role"), "arn");
      const role = created ? named(created) : named(stringField(req, "roleName"));
      const document = field(req, "assumeRolePolicyDocument") ?? field(req, "policyDocument");
      // Roles made by the same template share one trust document text: decode each distinct text once.
      let trust: TrustPrincipals | null | undefined;
      if (typeof document === "string") {
        trust = trustByText.get(document);
        if (trust === undefined) {
          trust = decodeTrustPolicy(document);
          trustByText.set(document, trust);
        }
      } else trust = decodeTrustPolicy(document);
      // The latest trust policy wins: records are read in time order.
      if (role && trust)
        role.trust = { services: trust.services, federated: trust.federated, detail: r.eventName };
    } else if (ev === "iam:AttachRolePolicy" || ev === "iam:DetachRolePolicy") {
      const role = named(stringField(req, "roleName"));
      const policy = stringField(req, "policyArn");
      if (role && policy) {
        const policyName = policy.slice(policy.lastIndexOf("/") + 1);
        if (r.eventName === "DetachRolePolicy") role.managedPolicies?.delete(policyName);
        else {
          if (role.managedPolicies === null) role.managedPolicies = new Set();
          role.managedPolicies.add(policyName);
        }
      }
    } else if (ev === "iam:CreateServiceLinkedRole") {
      const role = named(stringField(field(resp, "role"), "arn"));
      if (role)
        hit(
          role,
          "service-linked",
          "iam.service-linked-role-created",
          stringField(req, "aWSServiceName") ?? "?",
        );
    } else if (ev === "sts:AssumeRole" && principal.type === "AWSService") {
      const by = principal.invokedBy ?? r.sourceIPAddress ?? "";
      const roleArn = stringField(req, "roleArn");
      const session = stringField(req, "roleSessionName");
      const role = named(roleArn);
      if (!role || !roleArn) continue;
      catalog.seen(role, time, time);
      if (session) addShape(role, sessionShape(session), session);
      const target = SERVICE_TARGETS[by];
      if (target && !isServiceLinkedRoleArn(roleArn)) hit(role, target, "assume.service", `assumed by ${by}`);
      if (by === "ecs-tasks.amazonaws.com" && session) {
        const list = ecsAssumes.get(session);
        if (list) list.push({ role, time });
        else ecsAssumes.set(session, [{ role, time }]);
      }
    } else if (ev === "sts:AssumeRoleWithWebIdentity") {
      const provider = r.userIdentity?.identityProvider ?? r.userIdentity?.principalId ?? "";
      const role = named(stringField(req, "roleArn"));
      if (role) {
        catalog.seen(role, time, time);
        if (provider.includes("oidc.eks.")) {
          const sa = r.userIdentity?.userName ?? "service account";
          hit(role, "eks-irsa", "assume.web-identity-eks", sa);
        }
      }
    } else if (ev === "sts:AssumeRoleWithSAML") {
      const role = named(stringField(req, "roleArn"));
      const provider = stringField(req, "principalArn") ?? r.userIdentity?.identityProvider ?? "";
      if (role) {
        catalog.seen(role, time, time);
        if (/saml-provider\/AWSSSO_/.test(provider))
          hit(role, "sso", "assume.saml-sso", provider.slice(provider.indexOf("saml-provider/")));
      }
    } else if (ev === "eks-auth:AssumeRoleForPodIdentity") {
      const assumed = stringField(field(resp, "assumedRoleUser"), "arn");
      const role = assumed ? catalog.ref(assumed, account, 2) : null;
      if (role)
        hit(role, "eks-pod-identity", "assume.pod-identity", `cluster ${stringField(req, "clusterName")}`);
    } else if (ev === "eks:CreatePodIdentityAssociation" || ev === "eks:UpdatePodIdentityAssociation") {
      const role = named(stringField(req, "roleArn"));
      if (role)
        hit(
          role,
          "eks-pod-identity",
          "eks.pod-identity-association",
          `${stringField(req, "namespace") ?? "?"}/${stringField(req, "serviceAccount") ?? "?"}`,
        );
    } else if (ev === "eks:CreateNodegroup") {
      const role = named(stringField(req, "nodeRole"));
      if (role)
        hit(
          role,
          "ec2-instance",
          "instance-profile.launch",
          `EKS node group ${stringField(req, "nodegroupName")}`,
        );
    } else if (ev === "events:PutTargets") {
      for (const target of asArray(field(req, "targets"))) {
        const ecs = field(target, "ecsParameters") ?? field(target, "EcsParameters");
        const roleArn = firstString(target, "roleArn", "RoleArn");
        if (!ecs || !roleArn) continue;
        const role = named(roleArn);
        if (role) hit(role, "ecs-events", "events.target-role", `rule ${stringField(req, "rule") ?? "?"}`);
      }
    } else if (ev === "application-autoscaling:RegisterScalableTarget") {
      const ns = firstString(req, "serviceNamespace", "ServiceNamespace");
      const roleArn = firstString(req, "roleARN", "RoleARN", "roleArn");
      if (ns === "ecs" && roleArn && !isServiceLinkedRoleArn(roleArn)) {
        const role = named(roleArn);
        const res = firstString(req, "resourceId", "ResourceId") ?? "?";
        if (role) hit(role, "ecs-autoscale", "autoscaling.scalable-target-role", res);
      }
    } else if (ev === "codedeploy:CreateDeploymentGroup") {
      const roleArn = stringField(req, "serviceRoleArn");
      if (roleArn && asArray(field(req, "ecsServices")).length > 0) {
        const role = named(roleArn);
        const group = stringField(req, "deploymentGroupName") ?? "?";
        if (role)
          hit(role, "ecs-codedeploy", "codedeploy.deployment-group-role", `deployment group ${group}`);
      }
    } else if (service === "lambda" && /^(CreateFunction|UpdateFunctionConfiguration)/.test(r.eventName)) {
      const role = named(stringField(req, "role"));
      if (role)
        hit(role, "lambda", "lambda.function-role", `function ${stringField(req, "functionName") ?? "?"}`);
    }
  }

  for (const [profileKey, how] of [...launchedProfiles].sort()) {
    for (const key of [...(profileRoles.get(profileKey) ?? [])].sort()) {
      const role = catalog.roles.get(key);
      if (role)
        hit(role, "ec2-family", "instance-profile.launch", `${how} with ${profileKey.split(":")[1] ?? ""}`);
    }
  }
  for (const [ci, td] of [...ec2LaunchTypeHosts].sort()) {
    const key = hostRoleByContainerInstance.get(ci);
    const role = key ? catalog.roles.get(key) : undefined;
    if (role) hit(role, "ecs-container-instance", "launch.ec2-launch-type-host", `${td} placed on this host`);
  }
  return ecsAssumes;
}

function readTrustAndPolicies(state: RoleState): void {
  if (state.trust) {
    for (const svc of state.trust.services) {
      const target = SERVICE_TARGETS[svc];
      if (target) hit(state, target, "trust.service", `${svc} (${state.trust.detail})`);
    }
    for (const fed of state.trust.federated) {
      if (fed.includes("oidc.eks."))
        hit(state, "eks-irsa", "trust.federated", fed.slice(fed.indexOf("oidc.eks.")));
      else if (/saml-provider\/AWSSSO_/.test(fed))
        hit(state, "sso", "trust.federated", "IAM Identity Center");
    }
  }
  // In any order: hits keep every distinct detail and the strongest weight, whatever order they come in.
  for (const policy of state.managedPolicies ?? []) {
    const target = MANAGED_POLICY_TARGETS[policy];
    if (target) hit(state, target, "policy.managed", policy);
  }
}

/** readUsage's hits by signal for the role being read: one map reused for every role. */
const usageHits = new Map<Signal, Hit>();

function readUsage(state: RoleState): void {
  const inTaskFamily = hasHits(state, "ecs-task-family", "ecs-task", "ecs-task-execution");
  const inEc2Family = hasHits(state, "ec2-family", "ecs-container-instance");
  // Only task-family roles off EC2 weigh app, launch and secret calls: skip collecting them for every other role.
  const weighCalls = inTaskFamily && !inEc2Family;
  const app: string[] = [];
  const launch: string[] = [];
  const secrets: string[] = [];
  // A role's calls hit the same few signals over and over: find each hit once, then add details to it.
  const hits = usageHits;
  hits.clear();
  const note = (target: Target, signal: Signal, action: string) => {
    const h = hits.get(signal);
    if (h) addDetail(h, action);
    else hits.set(signal, hit(state, target, signal, action));
  };
  for (const { actions, agents } of state.calls)
    for (const action of actions) {
      if (agents & AGENT_LAMBDA) note("lambda", "ua.lambda-runtime", action);
      if (agents & AGENT_SSM) note("ec2-instance", "ua.ssm-agent", action);
      // Inside an ECS task. On an instance-role session it is a task without a task role: ECS runs on that host.
      if (agents & AGENT_ECS_TASK)
        note(inEc2Family ? "ecs-container-instance" : "ecs-task", "ua.ecs-exec-env", action);
      if ((agents & AGENT_ECS_AGENT) !== 0 && !isTaskRoleAgentAction(action)) {
        if (inEc2Family) note("ecs-container-instance", "ua.ecs-agent", action);
        else if (inTaskFamily) note("ecs-task-execution", "ua.ecs-agent", action);
      }
      const launchCall = isLaunchAction(action);
      const secretCall = isLaunchSecretCall(action, agents);
      const ciCall = isContainerInstanceCall(action, agents);
      if (ciCall && !inTaskFamily) note("ecs-container-instance", "usage.container-instance-calls", action);
      if (!weighCalls) continue;
      if ((agents & AGENT_APPLICATION) !== 0 && !launchCall && !secretCall && !ciCall) app.push(action);
      if (launchCall) launch.push(action);
      if (secretCall) secrets.push(action);
    }
  if (!weighCalls) return;
  for (const a of app) note("ecs-task", "usage.app-calls", a);
  for (const a of launch) note("ecs-task-execution", "usage.launch-calls", a);
  if (app.length === 0) for (const a of secrets) note("ecs-task-execution", "usage.launch-secrets", a);
}

function readShapesAndNames(state: RoleState): void {
  for (const [shape, sample] of state.shapes ?? []) {
    const target = SHAPE_TARGETS[shape];
    if (target) hit(state, target, "session.shape", `${shape} (e.g. ${sample})`);
  }
  const arn = state.arn;
  if (isServiceLinkedRoleArn(arn)) hit(state, "service-linked", "arn.service-role-path", arn);
  if (hasSsoRolePath(arn)) hit(state, "sso", "arn.sso-path", arn);
  if (state.principal === "role" && NAME_HINT_WORDS.test(state.name)) {
    for (const [re, target] of NAME_HINTS) {
      if (re.test(state.name)) {
        hit(state, target, "name.hint", state.name);
        break;
      }
    }
  }
}

/** One pass over ECS AssumeRole pairs: a role assumed for the same task as a known task (execution) role is the other. */
function readPairs(ecsAssumes: Map<string, { role: RoleState; time: number }[]>): void {
  // What each role is known as before any pairing: derived hits are applied after the pass, so they never chain.
  const known = new Map<RoleState, { side: "task" | "exec"; strength: number } | null>();
  const knownAs = (state: RoleState) => {
    let k = known.get(state);
    if (k === undefined) {
      const t = maxWeight(state, "ecs-task");
      const e = maxWeight(state, "ecs-task-execution");
      k = t > e + EPS ? { side: "task", strength: t } : e > t + EPS ? { side: "exec", strength: e } : null;
      known.set(state, k);
    }
    return k;
  };
  // In any order: hit() keeps the strongest weight and every distinct detail, whatever order they come in.
  const derived: [RoleState, Target, Signal, string, number][] = [];
  for (const [session, list] of ecsAssumes) {
    if (list.length < 2) continue;
    for (const a of list) {
      const ka = knownAs(a.role);
      if (!ka) continue;
      for (const b of list) {
        if (a.role === b.role || Math.abs(a.time - b.time) > PAIRING_WINDOW_MS) continue;
        const detail = `task ${session} with ${a.role.arn}`;
        const weight = Math.min(signals["pairing.partner-of-task-role"].weight, ka.strength);
        if (ka.side === "task")
          derived.push([b.role, "ecs-task-execution", "pairing.partner-of-task-role", detail, weight]);
        else derived.push([b.role, "ecs-task", "pairing.partner-of-execution-role", detail, weight]);
      }
    }
  }
  for (const [state, target, signal, detail, weight] of derived) hit(state, target, signal, detail, weight);
}

/** The evidence for one target, in no particular order. */
function toEvidence(state: RoleState, target: Target): Evidence[] {
  const out: Evidence[] = [];
  for (const h of state.hits) {
    if (h.target !== target) continue;
    const signal = h.signal;
    let shown: string;
    let more = "";
    // Most signals carry one detail; several show their three smallest (picked without copying and sorting them
    // all: sorts were a sixth of what a recompute allocated).
    if (h.more === null) shown = h.detail;
    else {
      shown = smallest3(h.more).join("; ");
      if (h.more.size > 3) more = ` (+${h.more.size - 3} more)`;
    }
    out.push({ signal, detail: `${signals[signal].text}: ${shown}${more}`, weight: h.weight });
  }
  // Unsorted: assess sorts each kind's evidence once, after merging family evidence in.
  return out;
}

function byWeightThenSignal(a: Evidence, b: Evidence): number {
  return b.weight - a.weight || (a.signal < b.signal ? -1 : a.signal > b.signal ? 1 : 0);
}

/** The three smallest strings of a set, in order. */
function smallest3(values: Set<string>): string[] {
  const top: string[] = [];
  for (const v of values) {
    if (top.length === 3 && v >= (top[2] as string)) continue;
    let i = top.length < 3 ? top.length : 2;
    while (i > 0 && v < (top[i - 1] as string)) {
      top[i] = top[i - 1] as string;
      i -= 1;
    }
    top[i] = v;
  }
  return top;
}

/** Noisy-or of the evidence weights; only a certain signal (a user or root ARN) reaches 1. */
function confidenceOf(evidence: Evidence[]): number {
  let miss = 1;
  for (const e of evidence) miss *= 1 - e.weight;
  if (evidence.some((e) => e.weight >= 1)) return 1;
  return Math.min(0.99, Math.round((1 - miss) * 100) / 100);
}

/** Resolves families and ranks kinds for one role. */
function assess(state: RoleState): KindAssessment[] {
  const kinds = new Map<RoleKind, Evidence[]>();
  // A member kind gets its own evidence plus its family's, once per kind. Family evidence can repeat a signal the
  // member has too (two managed policies): those merge into one item. A few items each: a scan, no map.
  const add = (kind: RoleKind, member: Evidence[], family: Evidence[]) => {
    for (const e of family) {
      const i = member.findIndex((m) => m.signal === e.signal);
      const prev = member[i];
      if (prev === undefined) {
        member.push(e);
        continue;
      }
      const [strong, weak] = prev.weight >= e.weight ? [prev, e] : [e, prev];
      member[i] = {
        ...strong,
        detail: `${strong.detail}; ${weak.detail.slice(weak.detail.indexOf(": ") + 2)}`,
      };
    }
    kinds.set(kind, member);
  };
  for (const { target } of state.hits) {
    if (target === "ecs-task-family" || target === "ec2-family") continue;
    if (target === "ecs-task" || target === "ecs-task-execution") continue;
    if (target === "ecs-container-instance" || target === "ec2-instance") continue;
    // Each of these kinds comes from its own hits (no repeated signal): nothing to merge.
    if (!kinds.has(target)) kinds.set(target, toEvidence(state, target));
  }

  const taskFamily = toEvidence(state, "ecs-task-family");
  const t = maxWeight(state, "ecs-task");
  const e = maxWeight(state, "ecs-task-execution");
  if (taskFamily.length > 0 || t > 0 || e > 0) {
    const dual = (t >= STRONG && e >= STRONG) || (t > 0 && Math.abs(t - e) < EPS);
    const chosen: RoleKind[] = dual
      ? ["ecs-task", "ecs-task-execution"]
      : e > t
        ? ["ecs-task-execution"]
        : ["ecs-task"];
    for (const kind of chosen) add(kind, toEvidence(state, kind), taskFamily);
  }

  const ec2Family = toEvidence(state, "ec2-family");
  const ci = toEvidence(state, "ecs-container-instance");
  const hasEcsHostEvidence = ci.some((e) => e.signal !== "name.hint");
  if (ec2Family.length > 0 || hasEcsHostEvidence || hasHits(state, "ec2-instance")) {
    if (hasEcsHostEvidence) add("ecs-container-instance", ci, ec2Family);
    else add("ec2-instance", toEvidence(state, "ec2-instance"), ec2Family);
  } else if (ci.length > 0) {
    add("ecs-container-instance", ci, []);
  }

  const ranked: KindAssessment[] = [];
  kinds.forEach((evidence, kind) => {
    // Every evidence array here was built in this call (toEvidence, merges): sort it in place.
    const sorted = evidence.sort(byWeightThenSignal);
    ranked.push({ kind, confidence: confidenceOf(sorted), evidence: sorted });
  });
  const top = (k: KindAssessment) => k.evidence[0]?.weight ?? 0;
  ranked.sort(
    (a, b) => top(b) - top(a) || b.confidence - a.confidence || KIND_ORDER[a.kind] - KIND_ORDER[b.kind],
  );
  const first = ranked[0];
  if (!first)
    return [
      {
        kind: "unknown",
        confidence: 0,
        evidence: [{ signal: "no-evidence", detail: signals["no-evidence"].text, weight: 0 }],
      },
    ];
  // A weaker kind stays listed only when its own best evidence is strong or as strong as the leader's.
  return ranked.filter((k) => k === first || top(k) >= STRONG || top(k) >= top(first) - EPS);
}

/** `callAction`, remembered per (event source, event name) for one classification: the same few APIs repeat. */
function callActions(): (call: { eventSource: string; eventName: string }) => string {
  const known = new Map<string, string>();
  return (call) => {
    const key = `${call.eventSource} ${call.eventName}`;
    let action = known.get(key);
    if (action === undefined) {
      action = callAction(call);
      known.set(key, action);
    }
    return action;
  };
}

/**
 * Classifies every principal in the input. Pure and deterministic: the same input in any order gives the same
 * catalogue, sorted by role ARN.
 */
export function classifyRoles(input: ClassifierInput): RoleCatalogEntry[] {
  // Many rows share one agent list (the same SDK everywhere): classify each distinct list once. Rows are folded
  // into one fact per (principal, agent class), as a store's facts are, rather than one fact per row.
  const classes = new Map<string, number>();
  const actionOf = callActions();
  const byPrincipal = new Map<string, Map<number, UsageFact>>();
  const usage: UsageFact[] = [];
  for (const u of input.usage) {
    const key = u.userAgents.join("\n");
    let agents = classes.get(key);
    if (agents === undefined) {
      agents = agentClass(u.userAgents);
      classes.set(key, agents);
    }
    let facts = byPrincipal.get(u.roleArn);
    if (facts === undefined) {
      facts = new Map();
      byPrincipal.set(u.roleArn, facts);
    }
    const action = actionOf(u);
    const fact = facts.get(agents);
    if (fact === undefined) {
      const created = {
        roleArn: u.roleArn,
        agents,
        actions: [action],
        firstSeen: u.firstSeen,
        lastSeen: u.lastSeen,
      };
      facts.set(agents, created);
      usage.push(created);
    } else {
      fact.actions.push(action);
      fact.firstSeen = Math.min(fact.firstSeen, u.firstSeen);
      fact.lastSeen = Math.max(fact.lastSeen, u.lastSeen);
    }
  }
  return classifyFacts({ evidence: input.evidence, sessions: input.sessions, usage, denials: input.denials });
}

/** classifyRoles over usage already reduced to facts (a store folds its usage rows in SQL). Pure, deterministic. */
export function classifyFacts(input: ClassifierFacts): RoleCatalogEntry[] {
  const catalog = new Catalog();
  const ecsAssumes = readEvidence(catalog, input.evidence);

  for (const s of input.sessions) {
    const state = catalog.ref(s.roleArn, "", 0);
    if (!state) continue;
    catalog.seen(state, s.firstSeen, s.lastSeen);
    if (s.sessionShape) addShape(state, s.sessionShape, s.sampleSession);
    if (s.ec2RoleDelivery)
      hit(
        state,
        "ec2-family",
        "session.ec2-role-delivery",
        `ec2RoleDelivery ${s.ec2RoleDelivery} (${s.sampleSession})`,
      );
    if (s.federatedProvider.includes("oidc.eks."))
      hit(
        state,
        "eks-irsa",
        "session.web-identity-eks",
        s.federatedProvider.slice(s.federatedProvider.indexOf("oidc.eks.")),
      );
    const by = INVOKED_BY_TARGETS[s.invokedBy];
    if (by && !isServiceLinkedRoleArn(s.roleArn)) hit(state, by, "ua.invoked-by-service", s.invokedBy);
  }
  // Usage comes grouped by principal: ten or more rows in a row name the same role, so the last lookup is reused
  // (ref is idempotent for the same ARN at the same rank).
  let lastArn: string | undefined;
  let lastState: RoleState | null = null;
  for (const u of input.usage) {
    if (u.roleArn !== lastArn) {
      lastArn = u.roleArn;
      lastState = catalog.ref(u.roleArn, "", 0);
    }
    const state = lastState;
    if (!state) continue;
    catalog.seen(state, u.firstSeen, u.lastSeen);
    state.calls.push(u);
  }
  // Denials repeat: the same role denied the same call from the same agent thousands of times. They are folded
  // into one call list per (role, agent class), and each distinct user agent is classified once.
  const agentsOf = new Map<string | null, number>();
  const actionOf = callActions();
  const denied = new Map<RoleState, Map<number, Set<string>>>();
  for (const d of input.denials) {
    const state = catalog.ref(d.roleArn, "", 0);
    if (!state) continue;
    catalog.seen(state, d.eventTime, d.eventTime);
    if (d.sessionName) addShape(state, sessionShape(d.sessionName), d.sessionName);
    let agents = agentsOf.get(d.userAgent);
    if (agents === undefined) {
      agents = agentClass(d.userAgent ? [d.userAgent] : []);
      agentsOf.set(d.userAgent, agents);
    }
    let byAgents = denied.get(state);
    if (byAgents === undefined) {
      byAgents = new Map();
      denied.set(state, byAgents);
    }
    const actions = byAgents.get(agents);
    const action = actionOf(d);
    if (actions) actions.add(action);
    else byAgents.set(agents, new Set([action]));
  }
  for (const [state, byAgents] of denied)
    for (const [agents, actions] of byAgents) state.calls.push({ actions: [...actions], agents });

  for (const state of catalog.roles.values()) {
    if (state.principal === "user") hit(state, "iam-user", "principal.iam-user", state.arn);
    if (state.principal === "root") hit(state, "root", "principal.root", state.arn);
    if (state.principal !== "role") continue;
    readTrustAndPolicies(state);
    readShapesAndNames(state);
  }
  for (const state of catalog.roles.values()) if (state.principal === "role") readUsage(state);
  readPairs(ecsAssumes);

  const entries: RoleCatalogEntry[] = [];
  for (const state of catalog.roles.values()) {
    const kinds = assess(state);
    let task = false;
    let execution = false;
    for (const k of kinds) {
      if (k.kind === "ecs-task") task = true;
      else if (k.kind === "ecs-task-execution") execution = true;
    }
    entries.push({
      roleArn: state.arn,
      accountId: state.accountId,
      roleName: state.name,
      kinds,
      dualUse: task && execution,
      firstSeen: state.firstSeen,
      lastSeen: state.lastSeen,
    });
  }
  return entries.sort((a, b) => (a.roleArn < b.roleArn ? -1 : a.roleArn > b.roleArn ? 1 : 0));
}
