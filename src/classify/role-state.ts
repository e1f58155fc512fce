import { parseIamPrincipalArn, parseSessionArn } from "../cloudtrail/arn.js";
import type { Signal } from "./classify.signals.js";
import { signals } from "./classify.signals.js";
import type { RoleKind } from "./kinds.js";
import { SERVICE_TARGETS, SHAPE_TARGETS } from "./targets.js";

/*
 * Two families of kinds share most of their evidence: an ECS task role and its execution role have the same trust
 * policy (ecs-tasks) and the same session names (the task ID); an EC2 host role with or without ECS on the host has
 * the same instance profile and IMDS sessions. Family evidence is kept aside and given to the member(s) that the
 * distinguishing evidence picks.
 */
export type Family = "ecs-task-family" | "ec2-family";
/**
 * A service role of one service: `service:<service principal>`. Kept per service so that each service's evidence
 * stays its own; assess.ts turns the best of them into one `service-role` kind that names its service.
 */
export type ServiceTarget = `service:${string}`;
export type Target = RoleKind | Family | ServiceTarget;

export interface Hit {
  target: Target;
  signal: Signal;
  weight: number;
  /** The first detail; `more` holds every distinct detail once a second one arrives. */
  detail: string;
  more: Set<string> | null;
}

export interface RoleState {
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
  /**
   * Session shapes seen only on sessions an AWS service opened or used for the role (invokedBy): the service chose
   * those names, so they say nothing about the role's kind.
   */
  serviceNamedShapes: Set<string> | null;
  /** Some session of the role made calls itself (no invokedBy): the role is not used by services alone. */
  directSessions: boolean;
  /** Services named by invokedBy on the role's sessions. */
  invokers: Set<string> | null;
  /** Roles whose sessions assumed this one (role chaining). */
  assumers: Set<string> | null;
}

/** Below this difference two weights are equal. */
export const EPS = 1e-9;

interface Resolved {
  key: string;
  arn: string;
  rank: number;
  account: string;
  name: string;
  principal: RoleState["principal"];
}

/** Every principal seen so far, by key, and how each ARN or name it was named by resolves. */
export class Catalog {
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
        serviceNamedShapes: null,
        directSessions: false,
        invokers: null,
        assumers: null,
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

export function hit(state: RoleState, target: Target, signal: Signal, detail: string, weight?: number): Hit {
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
export function addDetail(h: Hit, detail: string): Hit {
  if (h.more) h.more.add(detail);
  else if (detail !== h.detail) h.more = new Set([h.detail, detail]);
  return h;
}

export function hasHits(state: RoleState, ...targets: Target[]): boolean {
  return state.hits.some((h) => targets.includes(h.target));
}

/**
 * A session shape seen on a session that `invokedBy` says a service used: the service named it, so it counts as a
 * shape only when that service is the one the shape belongs to (ECS names task sessions, EC2 instance sessions).
 */
export function addInvokedShape(state: RoleState, shape: string, sample: string, service: string): void {
  const shapeTarget = SHAPE_TARGETS[shape];
  if (shapeTarget !== undefined && shapeTarget === SERVICE_TARGETS[service]) {
    addShape(state, shape, sample);
    return;
  }
  if (state.serviceNamedShapes === null) state.serviceNamedShapes = new Set();
  state.serviceNamedShapes.add(shape);
}

/** Keeps the smallest sample per shape so that the detail text does not depend on input order. */
export function addShape(state: RoleState, shape: string, sample: string): void {
  if (state.shapes === null) state.shapes = new Map();
  const prev = state.shapes.get(shape);
  if (prev === undefined || sample < prev) state.shapes.set(shape, sample);
}

export function maxWeight(state: RoleState, target: Target, exclude?: Signal): number {
  let m = 0;
  for (const h of state.hits) if (h.target === target && h.signal !== exclude && h.weight > m) m = h.weight;
  return m;
}
