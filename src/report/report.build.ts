import { attributeCall } from "../classify/attribute.js";
import { ROLE_KINDS, type RoleCatalogEntry, type RoleKind, roleKinds } from "../classify/kinds.js";
import { callAction, iamActionFor } from "../cloudtrail/action.js";
import {
  accountOf,
  hasSsoRolePath,
  isServiceLinkedRoleArn,
  isSsoRoleName,
  permissionSetOf,
  principalNameOf,
} from "../cloudtrail/arn.js";
import { isDataEventAction } from "../cloudtrail/data-events.js";
import type { ExecSwitch, TaskDefinitionFacts } from "../cloudtrail/ecs-task-records.js";
import { findingsFor, type ReportCaveat, reportCaveats } from "./report.findings.js";
import {
  type GrantsOf,
  grantedActions,
  grantedSection,
  grantsStatus,
  type ModelRole,
  type RoleGrants,
} from "./report.granted.js";
import { buildPolicy, type PolicyGrant } from "./report.policy.js";
import type {
  Comparison,
  DenialChart,
  DenialVerdict,
  DeniedAction,
  KindGroup,
  LeastPrivilegeReport,
  RecommendedPolicy,
  ReportWindow,
  RoleReport,
  UsedAction,
} from "./report.schemas.js";
import { taskFindingsFor } from "./report.tasks.js";
import { daysOf, formatDay } from "./report.window.js";

/** One usage aggregate row (per day, principal, API call and resource) as the report reads it. */
export interface ReportUsage {
  day: string;
  /** The role ARN for assumed roles, else the principal ARN. */
  roleArn: string;
  accountId: string;
  eventSource: string;
  eventName: string;
  resource: string;
  calls: number;
  errors: number;
  userAgent: string | null;
}

/** One stored denial with the explain stage's analysis. */
export interface ReportDenial {
  eventId: string;
  eventTime: number;
  roleArn: string;
  accountId: string;
  eventSource: string;
  eventName: string;
  action: string | null;
  resource: string | null;
  deniedBy: string | null;
  policyArn: string | null;
  userAgent: string | null;
  /** The stored noise flag: the one definition `deniedby denials` and the API filter on. */
  noise: boolean;
}

export interface ReportInput {
  window: ReportWindow;
  previousWindow: ReportWindow;
  /** Only this role when set. */
  role: string | null;
  /** Why this window was shown, when the reader did not choose it. */
  windowNote?: string | null;
  catalog: RoleCatalogEntry[];
  usage: ReportUsage[];
  previousUsage: ReportUsage[];
  denials: ReportDenial[];
  previousDenials: ReportDenial[];
  /** Each role's grants, from the policy model. */
  grantsOf: GrantsOf;
  /** Roles the policy model holds whole (imported, or created in the trail): listed even when they did nothing. */
  modelRoles: ModelRole[];
  /** The policy model's verdict on one stored denial, by event id. */
  verdictOf: (eventId: string) => DenialVerdict | null;
  /** Task definitions registered up to the window's end, oldest first. */
  definitions: TaskDefinitionFacts[];
  /** CreateService, UpdateService and RunTask (ECS Exec) records up to the window's end, oldest first. */
  switches: ExecSwitch[];
}

/** Denials an identity-policy grant fixes; the others need a change to the policy that denied. */
const IDENTITY_FIXABLE = new Set(["identity", "unknown"]);

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function denialAction(d: ReportDenial): string {
  return d.action ?? callAction(d);
}

function countResources(map: Map<string, number>) {
  return [...map]
    .map(([resource, count]) => ({ resource, count }))
    .sort((a, b) => b.count - a.count || byString(a.resource, b.resource));
}

function usedActionsOf(rows: ReportUsage[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    const action = iamActionFor(r).action;
    if (!action) continue;
    const set = out.get(r.roleArn) ?? new Set<string>();
    set.add(action);
    out.set(r.roleArn, set);
  }
  return out;
}

function deniedActionsOf(rows: ReportDenial[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const d of rows) {
    const m = out.get(d.roleArn) ?? new Map<string, number>();
    const a = denialAction(d);
    m.set(a, (m.get(a) ?? 0) + 1);
    out.set(d.roleArn, m);
  }
  return out;
}

function compare(input: ReportInput): Comparison {
  const usedNow = usedActionsOf(input.usage);
  const usedBefore = usedActionsOf(input.previousUsage);
  const deniedNow = deniedActionsOf(input.denials);
  const deniedBefore = deniedActionsOf(input.previousDenials);
  const newDenials: Comparison["newDenials"] = [];
  for (const [roleArn, actions] of deniedNow)
    for (const [action, count] of actions)
      if (!deniedBefore.get(roleArn)?.has(action)) newDenials.push({ roleArn, action, count });
  const callsNow = new Map<string, number>();
  for (const r of input.usage) {
    const a = iamActionFor(r).action;
    if (a) callsNow.set(`${r.roleArn} ${a}`, (callsNow.get(`${r.roleArn} ${a}`) ?? 0) + r.calls);
  }
  const newActions: Comparison["newActions"] = [];
  for (const [roleArn, actions] of usedNow)
    for (const action of actions)
      if (!usedBefore.get(roleArn)?.has(action))
        newActions.push({ roleArn, action, count: callsNow.get(`${roleArn} ${action}`) ?? 0 });
  const grew: Comparison["grew"] = [];
  const shrank: Comparison["shrank"] = [];
  for (const roleArn of new Set([...usedNow.keys(), ...usedBefore.keys()])) {
    const before = usedBefore.get(roleArn)?.size ?? 0;
    const after = usedNow.get(roleArn)?.size ?? 0;
    if (after > before) grew.push({ roleArn, before, after });
    else if (after < before) shrank.push({ roleArn, before, after });
  }
  const order = (a: { roleArn: string; action?: string }, b: { roleArn: string; action?: string }) =>
    byString(a.roleArn, b.roleArn) || byString(a.action ?? "", b.action ?? "");
  const active = (u: ReportUsage[], d: ReportDenial[]) => new Set([...u, ...d].map((r) => r.roleArn)).size;
  return {
    previous: input.previousWindow,
    denials: { current: input.denials.length, previous: input.previousDenials.length },
    activeRoles: {
      current: active(input.usage, input.denials),
      previous: active(input.previousUsage, input.previousDenials),
    },
    newDenials: newDenials.sort(order),
    newActions: newActions.sort(order),
    grew: grew.sort(order),
    shrank: shrank.sort(order),
  };
}

interface RoleIdentity {
  roleArn: string;
  accountId: string;
  entry: RoleCatalogEntry | undefined;
}

function leadingKind(entry: RoleCatalogEntry | undefined): RoleKind {
  return entry?.kinds[0]?.kind ?? "unknown";
}

function actingAs(
  entry: RoleCatalogEntry | undefined,
  call: { eventSource: string; eventName: string; userAgent: string | null },
): RoleKind {
  return entry ? attributeCall(entry, call) : "unknown";
}

/** What one role's usage and denials fold into: the grants a policy needs and the actions it must leave out. */
interface RoleFold {
  grants: (PolicyGrant & { kind: RoleKind })[];
  excluded: Map<string, string>;
}

type UsedFold = UsedAction & { resourceMap: Map<string, number> };
type DeniedFold = Omit<DeniedAction, "lastEventId" | "model"> & {
  resourceMap: Map<string, number>;
  by: Set<string>;
  policies: Set<string>;
  last: number;
  lastId: string;
};

/** Successful calls by (acting kind, action), each a grant; calls that need no permission are left out. */
function foldUsage(entry: RoleCatalogEntry | undefined, usage: ReportUsage[], fold: RoleFold) {
  const used = new Map<string, UsedFold>();
  const findingUsed: { action: string; userAgent: string | null }[] = [];
  for (const r of usage) {
    const derived = iamActionFor(r);
    if (!derived.action) {
      fold.excluded.set(callAction(r), "the API needs no IAM permission");
      continue;
    }
    const kind = actingAs(entry, r);
    const key = `${kind} ${derived.action}`;
    const u = used.get(key) ?? {
      action: derived.action,
      calls: 0,
      errors: 0,
      resources: [],
      actingAs: kind,
      resourceMap: new Map<string, number>(),
    };
    u.calls += r.calls;
    u.errors += r.errors;
    if (r.resource) u.resourceMap.set(r.resource, (u.resourceMap.get(r.resource) ?? 0) + r.calls);
    used.set(key, u);
    fold.grants.push({ action: derived.action, resource: r.resource || null, kind });
    findingUsed.push({ action: derived.action, userAgent: r.userAgent });
  }
  return { used, findingUsed };
}

/** Denials by (acting kind, action); only those an identity grant fixes become grants. */
function foldDenials(entry: RoleCatalogEntry | undefined, denials: ReportDenial[], fold: RoleFold) {
  const denied = new Map<string, DeniedFold>();
  for (const d of denials) {
    const action = denialAction(d);
    const kind = actingAs(entry, d);
    const key = `${kind} ${action}`;
    const x = denied.get(key) ?? {
      action,
      count: 0,
      resources: [],
      deniedBy: [],
      policyArns: [],
      actingAs: kind,
      identityFix: false,
      lastSeen: "",
      resourceMap: new Map<string, number>(),
      by: new Set<string>(),
      policies: new Set<string>(),
      last: 0,
      lastId: d.eventId,
    };
    x.count += 1;
    if (d.resource) x.resourceMap.set(d.resource, (x.resourceMap.get(d.resource) ?? 0) + 1);
    x.by.add(d.deniedBy ?? "unknown");
    if (d.policyArn) x.policies.add(d.policyArn);
    if (d.eventTime >= x.last) {
      x.last = d.eventTime;
      x.lastId = d.eventId;
    }
    denied.set(key, x);
    if (IDENTITY_FIXABLE.has(d.deniedBy ?? "unknown"))
      fold.grants.push({ action, resource: d.resource, kind });
    else
      fold.excluded.set(
        action,
        `denied by ${d.deniedBy ?? "unknown"} policy: change that policy, an identity grant alone does not fix it`,
      );
  }
  return denied;
}

const byActionThenKind = (a: { action: string; actingAs: string }, b: { action: string; actingAs: string }) =>
  byString(a.action, b.action) || byString(a.actingAs, b.actingAs);

function usedList(used: Map<string, UsedFold>): UsedAction[] {
  return [...used.values()]
    .map(({ resourceMap, ...u }) => ({
      ...u,
      resources: countResources(resourceMap).map(({ resource, count }) => ({ resource, count })),
    }))
    .sort(byActionThenKind);
}

function deniedList(denied: Map<string, DeniedFold>, verdictOf: ReportInput["verdictOf"]): DeniedAction[] {
  return [...denied.values()]
    .map(({ resourceMap, by, policies, last, lastId, ...d }) => ({
      ...d,
      resources: countResources(resourceMap),
      deniedBy: [...by].sort(),
      policyArns: [...policies].sort(),
      identityFix: [...by].some((b) => IDENTITY_FIXABLE.has(b)),
      lastSeen: new Date(last).toISOString(),
      lastEventId: lastId,
      model: verdictOf(lastId),
    }))
    .sort(byActionThenKind);
}

/**
 * Where a role's change goes when no policy of its own should be written: a service-linked role's policy belongs
 * to AWS, an Identity Center role is generated (and regenerated) from its permission set. Null for any other role.
 */
function changeInsteadOf(roleArn: string, entry: RoleCatalogEntry | undefined): string | null {
  const lead = leadingKind(entry);
  if (lead === "service-linked" || isServiceLinkedRoleArn(roleArn))
    return "AWS owns this service-linked role's policy: no policy is recommended. A denial it met in a bucket, key or endpoint policy is fixed in that policy.";
  if (lead === "sso" || hasSsoRolePath(roleArn) || isSsoRoleName(principalNameOf(roleArn))) {
    const set = permissionSetOf(principalNameOf(roleArn));
    return `IAM Identity Center generates this role from ${set ? `the permission set ${set}` : "a permission set"} and overwrites changes to it: no policy is recommended for the role. Change the permission set (aws sso-admin put-inline-policy-to-permission-set) and provision it again.`;
  }
  return null;
}

/**
 * The recommended policy (with what it leaves out and why) and, for a dual-use role, one policy per half; or, for a
 * role whose policy nobody should write, an empty policy that says where the change goes instead.
 */
function recommendedPolicies(fold: RoleFold, id: RoleIdentity) {
  const changeInstead = changeInsteadOf(id.roleArn, id.entry);
  if (changeInstead !== null)
    return { policy: { ...buildPolicy([], id.accountId), changeInstead }, split: [] };
  const { grants, excluded } = fold;
  const policy: RecommendedPolicy = {
    ...buildPolicy(grants, id.accountId),
    excluded: [...excluded]
      .filter(([action]) => !grants.some((g) => g.action === action))
      .map(([action, reason]) => ({ action, reason }))
      .sort((a, b) => byString(a.action, b.action)),
  };
  const split = id.entry?.dualUse
    ? [...new Set(grants.map((g) => g.kind))].sort().map((kind) => ({
        kind,
        policy: buildPolicy(
          grants.filter((g) => g.kind === kind),
          id.accountId,
        ),
      }))
    : [];
  return { policy, split };
}

function buildRole(
  id: RoleIdentity,
  usage: ReportUsage[],
  allDenials: ReportDenial[],
  grants: RoleGrants,
  verdictOf: ReportInput["verdictOf"],
): RoleReport {
  const { entry } = id;
  // Noise is counted, as `deniedby denials` counts it, but neither listed nor granted.
  const denials = allDenials.filter((d) => !d.noise);
  const fold: RoleFold = { grants: [], excluded: new Map() };
  const { used, findingUsed } = foldUsage(entry, usage, fold);
  const denied = foldDenials(entry, denials, fold);
  const usedActions = usedList(used);
  const grantedInfo = grantedSection(grants, new Set(usedActions.map((u) => u.action)));
  const kinds = entry?.kinds.map((k) => k.kind) ?? ["unknown"];
  const findings = findingsFor({
    serviceLinked: entry?.kinds[0]?.kind === "service-linked",
    kinds,
    confidence: entry?.kinds[0]?.confidence ?? 0,
    dualUse: entry?.dualUse ?? false,
    used: findingUsed,
    denied: denials.map((d) => ({ action: denialAction(d), userAgent: d.userAgent })),
    granted: grants.policies.flatMap((p) => p.grants),
    unusedPatterns: grantedInfo.unusedPatterns,
  });
  return {
    roleArn: id.roleArn,
    roleName: entry?.roleName ?? principalNameOf(id.roleArn),
    accountId: id.accountId,
    kind: leadingKind(entry),
    kinds,
    confidence: entry?.kinds[0]?.confidence ?? 0,
    dualUse: entry?.dualUse ?? false,
    idle: usage.length === 0 && allDenials.length === 0,
    calls: usage.reduce((n, r) => n + r.calls, 0),
    denials: denials.length,
    noiseDenials: allDenials.length - denials.length,
    used: usedActions,
    denied: deniedList(denied, verdictOf),
    ...recommendedPolicies(fold, id),
    granted: grantedInfo,
    findings,
  };
}

function groupByRole<T extends { roleArn: string }>(rows: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const list = out.get(r.roleArn);
    if (list) list.push(r);
    else out.set(r.roleArn, [r]);
  }
  return out;
}

function chartOf(
  window: ReportWindow,
  denials: ReportDenial[],
  catalog: Map<string, RoleCatalogEntry>,
): DenialChart {
  const days = daysOf(window);
  const dayIndex = new Map(days.map((d, i) => [d, i]));
  const counts = new Map<RoleKind, number[]>();
  for (const d of denials) {
    const i = dayIndex.get(formatDay(d.eventTime));
    if (i === undefined) continue;
    const kind = actingAs(catalog.get(d.roleArn), d);
    const row = counts.get(kind) ?? days.map(() => 0);
    row[i] = (row[i] ?? 0) + 1;
    counts.set(kind, row);
  }
  const kinds = ROLE_KINDS.filter((k) => counts.has(k));
  return { days, kinds, counts: days.map((_, i) => kinds.map((k) => counts.get(k)?.[i] ?? 0)) };
}

/** Every role the report covers: catalogued, seen acting or denied, or created in the trail (scoped to `role`). */
function roleIdentities(
  input: ReportInput,
  catalog: Map<string, RoleCatalogEntry>,
): Map<string, RoleIdentity> {
  const ids = new Map<string, RoleIdentity>();
  const add = (roleArn: string, accountId: string) => {
    if (input.role !== null && roleArn !== input.role) return;
    // SAML and web-identity callers of AssumeRoleWith* are not IAM principals: their role is reported instead.
    if (!roleArn.startsWith("arn:")) return;
    if (!ids.has(roleArn))
      ids.set(roleArn, { roleArn, accountId: accountId || accountOf(roleArn), entry: catalog.get(roleArn) });
  };
  for (const e of input.catalog) add(e.roleArn, e.accountId);
  for (const r of input.usage) add(r.roleArn, r.accountId);
  for (const d of input.denials) add(d.roleArn, d.accountId);
  // Roles the model holds (created in the trail, imported) but never seen acting still belong in "did nothing".
  for (const r of input.modelRoles) add(r.roleArn, r.accountId);
  return ids;
}

/**
 * The weekly least-privilege report from plain data: per role, grouped by kind, what it used, what it was denied,
 * the policy that allows exactly that, what it holds but did not use, and findings; headed by a comparison with
 * the previous window. Pure: the window comes in, nothing reads a clock or a database.
 */
export function buildReport(input: ReportInput): LeastPrivilegeReport {
  const catalog = new Map(input.catalog.map((e) => [e.roleArn, e]));
  const ids = roleIdentities(input, catalog);

  const usageBy = groupByRole(input.usage);
  const denialsBy = groupByRole(input.denials);
  const roles = [...ids.values()]
    .sort((a, b) => byString(a.roleArn, b.roleArn))
    .map((id) =>
      buildRole(
        id,
        usageBy.get(id.roleArn) ?? [],
        denialsBy.get(id.roleArn) ?? [],
        id.roleArn.includes(":role/")
          ? input.grantsOf(id.roleArn)
          : { principal: null, policies: [], unknowns: [] },
        input.verdictOf,
      ),
    );
  const groups: KindGroup[] = ROLE_KINDS.map((kind) => ({
    kind,
    description: roleKinds[kind],
    roles: roles.filter((r) => r.kind === kind),
  })).filter((g) => g.roles.length > 0);
  const scoped = <T extends { roleArn: string }>(rows: T[]) =>
    rows.filter((r) => r.roleArn.startsWith("arn:") && (input.role === null || r.roleArn === input.role));
  // Noise counted apart, as `deniedby denials` counts it: the stored noise flag is the one definition.
  const allDenials = scoped(input.denials);
  const denials = allDenials.filter((d) => !d.noise);
  const dataEventsSeen = roles.some(
    (r) =>
      r.used.some((u) => isDataEventAction(u.action)) || r.denied.some((d) => isDataEventAction(d.action)),
  );
  const caveatCodes: ReportCaveat[] = [
    dataEventsSeen ? "data-events" : "data-events-absent",
    "passrole",
    "forward-access",
    "granted-from-trail",
    "window",
  ];
  return {
    window: input.window,
    windowNote: input.windowNote ?? null,
    role: input.role,
    summary: {
      roles: roles.length,
      activeRoles: roles.filter((r) => !r.idle).length,
      idleRoles: roles.filter((r) => r.idle).length,
      grantsUnknown: roles.filter((r) => r.granted.status === "unknown").length,
      actionsUsed: roles.reduce((n, r) => n + new Set(r.used.map((u) => u.action)).size, 0),
      denials: denials.length,
      noiseDenials: allDenials.length - denials.length,
      warnings: roles.reduce((n, r) => n + r.findings.filter((f) => f.severity === "warning").length, 0),
    },
    comparison: compare({
      ...input,
      usage: scoped(input.usage),
      previousUsage: scoped(input.previousUsage),
      denials,
      previousDenials: scoped(input.previousDenials).filter((d) => !d.noise),
    }),
    chart: chartOf(input.window, denials, catalog),
    groups,
    tasks: taskFindingsFor({
      definitions: input.definitions,
      switches: input.switches,
      role: input.role,
      grantsOf: (roleArn) => {
        const grants = input.grantsOf(roleArn);
        return { status: grantsStatus(grants), actions: grantedActions(grants) };
      },
    }),
    dataEventsSeen,
    caveats: caveatCodes.map((code) => ({ code, text: reportCaveats[code] })),
  };
}
