import { callAction } from "../cloudtrail/action.js";
import { isServiceLinkedRoleArn, isServicePrincipal, sessionShape } from "../cloudtrail/arn.js";
import { agentClass } from "../cloudtrail/user-agents.js";
import { assess } from "./assess.js";
import type { Signal } from "./classify.signals.js";
import type { ClassifierFacts, ClassifierInput, UsageFact } from "./classify.types.js";
import { readEvidence } from "./evidence/index.js";
import type { RoleCatalogEntry } from "./kinds.js";
import {
  readChains,
  readInvokers,
  readPairs,
  readShapesAndNames,
  readTrustAndPolicies,
  readUsage,
} from "./role-signals.js";
import { addInvokedShape, addShape, Catalog, type Hit, hit, type RoleState } from "./role-state.js";
import { INVOKED_BY_TARGETS } from "./targets.js";

/*
 * The role classifier: every principal the trail shows, with the kinds it plays, strongest evidence first.
 * Evidence records are read by one extractor per event (evidence/), then sessions, usage and denials; the signals
 * each role's state then carries are weighed (role-signals.ts) and ranked into kinds (assess.ts).
 */

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
  return classifyFacts({
    evidence: input.evidence,
    sessions: input.sessions,
    usage,
    denials: input.denials,
    ...(input.chains ? { chains: input.chains } : {}),
  });
}

/**
 * Sessions: when a role was seen, its session shapes, IMDS delivery, web identity and invoking services. A session
 * an AWS service used (invokedBy) carries a name that service chose: its shape counts only for that service's kind.
 */
function readSessions(catalog: Catalog, sessions: ClassifierFacts["sessions"]): void {
  for (const s of sessions) {
    const state = catalog.ref(s.roleArn, "", 0);
    if (!state) continue;
    catalog.seen(state, s.firstSeen, s.lastSeen);
    const by = s.invokedBy;
    const byService = by !== "" && isServicePrincipal(by);
    if (s.sessionShape) {
      if (byService) addInvokedShape(state, s.sessionShape, s.sampleSession, by);
      else addShape(state, s.sessionShape, s.sampleSession);
    }
    if (by === "") state.directSessions = true;
    else if (byService) {
      if (state.invokers === null) state.invokers = new Set();
      state.invokers.add(by);
    }
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
    const target = INVOKED_BY_TARGETS[by];
    if (target && !isServiceLinkedRoleArn(s.roleArn)) hit(state, target, "ua.invoked-by-service", by);
  }
}

/** Usage facts, held by reference on their role's state. */
function readUsageFacts(catalog: Catalog, usage: UsageFact[]): void {
  // Usage comes grouped by principal: ten or more rows in a row name the same role, so the last lookup is reused
  // (ref is idempotent for the same ARN at the same rank).
  let lastArn: string | undefined;
  let lastState: RoleState | null = null;
  for (const u of usage) {
    if (u.roleArn !== lastArn) {
      lastArn = u.roleArn;
      lastState = catalog.ref(u.roleArn, "", 0);
    }
    const state = lastState;
    if (!state) continue;
    catalog.seen(state, u.firstSeen, u.lastSeen);
    state.calls.push(u);
  }
}

/**
 * Denials repeat: the same role denied the same call from the same agent thousands of times. They are folded into
 * one call list per (role, agent class), and each distinct user agent is classified once.
 */
function readDenials(catalog: Catalog, denials: ClassifierFacts["denials"]): void {
  const agentsOf = new Map<string | null, number>();
  const actionOf = callActions();
  const denied = new Map<RoleState, Map<number, Set<string>>>();
  for (const d of denials) {
    const state = catalog.ref(d.roleArn, "", 0);
    if (!state) continue;
    catalog.seen(state, d.eventTime, d.eventTime);
    // A denial's session is in the session rows too: a shape they show only on service-used sessions stays so.
    if (d.sessionName) {
      const shape = sessionShape(d.sessionName);
      if (!state.serviceNamedShapes?.has(shape)) addShape(state, shape, d.sessionName);
    }
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
}

/** Every role's catalogue entry, sorted by role ARN. */
function entriesOf(catalog: Catalog): RoleCatalogEntry[] {
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

/** classifyRoles over usage already reduced to facts (a store folds its usage rows in SQL). Pure, deterministic. */
export function classifyFacts(input: ClassifierFacts): RoleCatalogEntry[] {
  const catalog = new Catalog();
  const ecsAssumes = readEvidence(catalog, input.evidence);
  readSessions(catalog, input.sessions);
  readUsageFacts(catalog, input.usage);
  readDenials(catalog, input.denials);
  readChains(catalog, input.chains ?? []);
  for (const state of catalog.roles.values()) {
    if (state.principal === "user") hit(state, "iam-user", "principal.iam-user", state.arn);
    if (state.principal === "root") hit(state, "root", "principal.root", state.arn);
    if (state.principal !== "role") continue;
    readTrustAndPolicies(state);
    readInvokers(state);
    readShapesAndNames(state);
  }
  const usageHits = new Map<Signal, Hit>();
  for (const state of catalog.roles.values()) if (state.principal === "role") readUsage(state, usageHits);
  readPairs(ecsAssumes);
  return entriesOf(catalog);
}
