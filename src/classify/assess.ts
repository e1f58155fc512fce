import { signals } from "./classify.signals.js";
import { type Evidence, type KindAssessment, ROLE_KINDS, type RoleKind } from "./kinds.js";
import { EPS, hasHits, maxWeight, type RoleState, type Target } from "./role-state.js";
import { SERVICE_SPECIALISATIONS, serviceOfTarget } from "./targets.js";

/** ROLE_KINDS positions, for tie-breaks without an indexOf per comparison. */
const KIND_ORDER = Object.fromEntries(ROLE_KINDS.map((k, i) => [k, i])) as Record<RoleKind, number>;
const STRONG = 0.8;

/** The evidence for one target, in no particular order. */
function toEvidence(state: RoleState, target: Target): Evidence[] {
  const out: Evidence[] = [];
  for (const h of state.hits) {
    if (h.target !== target) continue;
    const signal = h.signal;
    let shown: string;
    let more = "";
    // Most signals carry one detail; several show their three smallest, picked without copying and sorting them all.
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

/**
 * Adds a kind's evidence, with evidence given to it by a family or a service (merged into it). Family evidence can
 * repeat a signal the member has too (two managed policies): those merge into one item. A few items each: a scan.
 */
function mergeInto(
  kinds: Map<RoleKind, Evidence[]>,
  kind: RoleKind,
  member: Evidence[],
  extra: Evidence[],
): void {
  for (const e of extra) {
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
}

/** The ECS task family: evidence for both halves goes to the half (or halves) the distinguishing evidence picks. */
function resolveTaskFamily(state: RoleState, kinds: Map<RoleKind, Evidence[]>): void {
  const taskFamily = toEvidence(state, "ecs-task-family");
  const t = maxWeight(state, "ecs-task");
  const e = maxWeight(state, "ecs-task-execution");
  if (taskFamily.length === 0 && t === 0 && e === 0) return;
  const dual = (t >= STRONG && e >= STRONG) || (t > 0 && Math.abs(t - e) < EPS);
  const chosen: RoleKind[] = dual
    ? ["ecs-task", "ecs-task-execution"]
    : e > t
      ? ["ecs-task-execution"]
      : ["ecs-task"];
  for (const kind of chosen) mergeInto(kinds, kind, toEvidence(state, kind), taskFamily);
}

/** The EC2 family: a container instance when ECS evidence says so, else a plain EC2 instance role. */
function resolveEc2Family(state: RoleState, kinds: Map<RoleKind, Evidence[]>): void {
  const ec2Family = toEvidence(state, "ec2-family");
  const ci = toEvidence(state, "ecs-container-instance");
  const hasEcsHostEvidence = ci.some((e) => e.signal !== "name.hint");
  if (ec2Family.length > 0 || hasEcsHostEvidence || hasHits(state, "ec2-instance")) {
    if (hasEcsHostEvidence) mergeInto(kinds, "ecs-container-instance", ci, ec2Family);
    else mergeInto(kinds, "ec2-instance", toEvidence(state, "ec2-instance"), ec2Family);
  } else if (ci.length > 0) {
    mergeInto(kinds, "ecs-container-instance", ci, []);
  }
}

/**
 * Service roles: each service's evidence is kept apart until here. A service with an ECS kind of its own
 * (EventBridge → ecs-events) gives its evidence to that kind when something other than the role's name says so;
 * the others make one `service-role` kind naming the service with the strongest evidence. Returns that service.
 */
function resolveServices(state: RoleState, kinds: Map<RoleKind, Evidence[]>): string | undefined {
  const candidates: { service: string; evidence: Evidence[]; top: number; confidence: number }[] = [];
  const seen = new Set<string>();
  for (const { target } of state.hits) {
    const service = serviceOfTarget(target);
    if (service === undefined || seen.has(service)) continue;
    seen.add(service);
    const evidence = toEvidence(state, target);
    const special = SERVICE_SPECIALISATIONS[service];
    if (special && state.hits.some((h) => h.target === special && h.signal !== "name.hint")) {
      mergeInto(kinds, special, kinds.get(special) ?? toEvidence(state, special), evidence);
      continue;
    }
    const top = Math.max(...evidence.map((e) => e.weight));
    candidates.push({ service, evidence, top, confidence: confidenceOf(evidence) });
  }
  candidates.sort(
    (a, b) =>
      b.top - a.top ||
      b.confidence - a.confidence ||
      (a.service < b.service ? -1 : a.service > b.service ? 1 : 0),
  );
  const [best, ...others] = candidates;
  if (!best) return undefined;
  mergeInto(
    kinds,
    "service-role",
    best.evidence,
    others.flatMap((c) => c.evidence),
  );
  return best.service;
}

const MAX_ASSUMERS = 5;

/** Resolves families and services, and ranks kinds for one role. */
export function assess(state: RoleState): KindAssessment[] {
  const kinds = new Map<RoleKind, Evidence[]>();
  for (const { target } of state.hits) {
    if (target === "ecs-task-family" || target === "ec2-family") continue;
    if (target === "ecs-task" || target === "ecs-task-execution") continue;
    if (target === "ecs-container-instance" || target === "ec2-instance") continue;
    if (serviceOfTarget(target) !== undefined) continue;
    // Each of these kinds comes from its own hits (no repeated signal): nothing to merge.
    if (!kinds.has(target as RoleKind)) kinds.set(target as RoleKind, toEvidence(state, target));
  }
  resolveTaskFamily(state, kinds);
  resolveEc2Family(state, kinds);
  const service = resolveServices(state, kinds);
  const ranked: KindAssessment[] = [];
  kinds.forEach((evidence, kind) => {
    // Every evidence array here was built in this call (toEvidence, merges): sort it in place.
    const sorted = evidence.sort(byWeightThenSignal);
    const assessment: KindAssessment = { kind, confidence: confidenceOf(sorted), evidence: sorted };
    if (kind === "service-role" && service !== undefined) assessment.service = service;
    if (kind === "chained-role" && state.assumers)
      assessment.assumedBy = [...state.assumers].sort().slice(0, MAX_ASSUMERS);
    ranked.push(assessment);
  });
  return ranks(ranked);
}

/** Kinds best first; a weaker kind stays listed only when its own best evidence is strong or as strong as the leader's. */
function ranks(ranked: KindAssessment[]): KindAssessment[] {
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
  return ranked.filter((k) => k === first || top(k) >= STRONG || top(k) >= top(first) - EPS);
}
