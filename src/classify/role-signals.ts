import { hasSsoRolePath, isServiceLinkedRoleArn } from "../cloudtrail/arn.js";
import {
  isContainerInstanceCall,
  isLaunchAction,
  isLaunchSecretCall,
  isTaskRoleAgentAction,
} from "../cloudtrail/ecs-calls.js";
import {
  AGENT_APPLICATION,
  AGENT_ECS_AGENT,
  AGENT_ECS_TASK,
  AGENT_LAMBDA,
  AGENT_SSM,
} from "../cloudtrail/user-agents.js";
import { type Signal, signals } from "./classify.signals.js";
import type { ClassifierFacts } from "./classify.types.js";
import type { Catalog } from "./role-state.js";
import {
  addDetail,
  EPS,
  type Hit,
  hasHits,
  hit,
  maxWeight,
  type RoleState,
  type Target,
} from "./role-state.js";
import {
  INVOKED_BY_TARGETS,
  MANAGED_POLICY_TARGETS,
  NAME_HINT_WORDS,
  NAME_HINTS,
  SHAPE_TARGETS,
  serviceOfTarget,
  serviceTarget,
} from "./targets.js";

/*
 * The signals read from one role's state once every input row is in: its trust policy and managed policies, the
 * calls it made, its session shapes and name, and, across roles, ECS task pairings.
 */

const PAIRING_WINDOW_MS = 1000;

/** Signals from the role's latest trust policy and its attached AWS managed policies. */
export function readTrustAndPolicies(state: RoleState): void {
  if (state.trust) {
    const serviceLinked = isServiceLinkedRoleArn(state.arn);
    for (const svc of state.trust.services) {
      const target = serviceTarget(svc);
      // A service-linked role trusts its service too: it is not the customer's service role.
      if (target && !(serviceLinked && serviceOfTarget(target)))
        hit(state, target, "trust.service", `${svc} (${state.trust.detail})`);
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

/**
 * A role whose every session an AWS service used (invokedBy names it; no call of its own) is a service role of
 * that service. With calls of its own, invokedBy may be a service forwarding the role's own request (Secrets
 * Manager decrypting with KMS for it): that says nothing about the role.
 */
export function readInvokers(state: RoleState): void {
  if (state.directSessions || state.invokers === null || isServiceLinkedRoleArn(state.arn)) return;
  for (const by of state.invokers) {
    const target = serviceTarget(by);
    if (target && serviceOfTarget(target) && !INVOKED_BY_TARGETS[by])
      hit(state, target, "ua.invoked-by-service", by);
  }
}

/**
 * Roles that role sessions assumed (role chaining): the assumed role is its own principal, whatever its caller is.
 * A role assuming itself, and service-linked roles, say nothing.
 */
export function readChains(catalog: Catalog, chains: NonNullable<ClassifierFacts["chains"]>): void {
  for (const c of chains) {
    if (c.callerRoleArn === c.assumedRoleArn || isServiceLinkedRoleArn(c.assumedRoleArn)) continue;
    const state = catalog.ref(c.assumedRoleArn, "", 1);
    const caller = catalog.ref(c.callerRoleArn, "", 0);
    if (!state || !caller || state === caller || state.principal !== "role") continue;
    catalog.seen(state, c.firstSeen, c.lastSeen);
    catalog.seen(caller, c.firstSeen, c.lastSeen);
    hit(state, "chained-role", "assume.role-session", `by ${c.callerRoleArn}`);
    if (state.assumers === null) state.assumers = new Set();
    state.assumers.add(c.callerRoleArn);
  }
}

/**
 * Assumed by another role's session and by nothing that says more (no service assumes or is trusted by it, no
 * launch or instance configuration names it): its session names and the execution environment in its user
 * agents are its caller's, not its own.
 */
export function isChainedOnly(state: RoleState): boolean {
  let chained = false;
  for (const h of state.hits) {
    if (h.target === "chained-role") chained = true;
    else if (h.weight >= signals["assume.role-session"].weight) return false;
  }
  return chained;
}

/**
 * Signals from the calls the role made and was denied. `hits` is a scratch map the caller owns and reuses across
 * roles: a role's calls hit the same few signals over and over, so each hit is found once.
 */
export function readUsage(state: RoleState, hits: Map<Signal, Hit>): void {
  const chainedOnly = isChainedOnly(state);
  const inTaskFamily = hasHits(state, "ecs-task-family", "ecs-task", "ecs-task-execution");
  const inEc2Family = hasHits(state, "ec2-family", "ecs-container-instance");
  // Only task-family roles off EC2 weigh app, launch and secret calls: skip collecting them for every other role.
  const weighCalls = inTaskFamily && !inEc2Family;
  const app: string[] = [];
  const launch: string[] = [];
  const secrets: string[] = [];
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
      // A chained role's code runs in its caller's task: the execution environment is the caller's.
      if (agents & AGENT_ECS_TASK && !chainedOnly)
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

/** Signals from the role's session-name shapes, reserved paths and name. */
export function readShapesAndNames(state: RoleState): void {
  // A chained role's session names are chosen by the code that assumed it.
  const shapes = isChainedOnly(state) ? [] : (state.shapes ?? []);
  for (const [shape, sample] of shapes) {
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
export function readPairs(ecsAssumes: Map<string, { role: RoleState; time: number }[]>): void {
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
