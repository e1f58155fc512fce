import { withCompanions } from "../cloudtrail/ecs-calls.js";
import {
  canonicalAction,
  lookupAction,
  resourceTypeArns,
  supportsResourceLevel,
} from "../cloudtrail/iam-catalogue.js";
import { generaliseResource } from "../cloudtrail/resource.js";
import type { RecommendedPolicy, ReportPolicyDocument, ReportStatement } from "./report.schemas.js";

/**
 * The least-privilege policy generator: what a role did and what it was refused, as one identity policy.
 * - Actions are canonicalised against iam-data; the resource is `*` only for actions that support no resource-level
 *   permission. When the trail named no resource for an action that supports one, the ARN template of its resource
 *   type is filled with what is known (partition, account) and `*` for the rest, and reported as a placeholder.
 * - Resources are narrowed to what was touched, generalised only where names rotate (task ids, log streams,
 *   instance ids, the random suffix of secret ARNs, S3 object keys folded to their folder).
 * - Output is stable: actions and resources sorted, statements grouped by service and identical resource set.
 */

export interface PolicyGrant {
  action: string;
  /** The resource the call named: an ARN, '' or null when none. */
  resource: string | null;
}

const service = (action: string) => action.slice(0, action.indexOf(":"));

/**
 * The resource patterns of an action's resource types when the trail named none: each required type's iam-data ARN
 * template (the first type when none is required) with the partition and account filled in and every other
 * variable as `*`. Never `*` alone.
 */
export function placeholderResources(action: string, accountId: string): string[] {
  const svc = service(action);
  const found = lookupAction(action);
  const arns = resourceTypeArns(svc);
  const required = found?.resourceTypes.filter((t) => t.required) ?? [];
  const first = found?.resourceTypes[0];
  const types = required.length > 0 ? required : first ? [first] : [];
  const templates = types
    .map((t) => arns?.get(t.name) ?? arns?.get(t.name.toLowerCase()))
    .filter((t): t is string => t !== undefined);
  const bases = templates.length > 0 ? templates : [`arn:\${Partition}:${svc}:\${Region}:\${Account}:*`];
  return bases.map((base) =>
    base
      .replace(/\$\{Partition\}/g, "aws")
      .replace(/\$\{Account\}/g, accountId || "*")
      .replace(/\$\{[^}]+\}/g, "*"),
  );
}

function templatesOf(action: string): string[] {
  const found = lookupAction(action);
  const arns = resourceTypeArns(service(action));
  if (!found || !arns) return [];
  return found.resourceTypes
    .map((t) => arns.get(t.name) ?? arns.get(t.name.toLowerCase()))
    .filter((t): t is string => t !== undefined);
}

/**
 * False when iam-data knows the action's resource types and the resource is none of them: CloudTrail's primary
 * resource is sometimes the container (ecs:UpdateService names the cluster, the policy needs the service).
 */
export function fitsResourceType(action: string, resource: string): boolean {
  const templates = templatesOf(action);
  if (templates.length === 0) return true;
  return templates.some((t) => {
    const re = t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\\\$\\\{[^}]+\\\}/g, ".+");
    return new RegExp(`^${re}$`).test(resource);
  });
}

function sidPrefix(svc: string): string {
  return svc
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join("");
}

/**
 * One identity policy allowing exactly the given grants. Unknown actions (not in iam-data) are kept as spelled,
 * with their touched resources or a service-wide placeholder, so nothing the role needed silently disappears.
 */
export function buildPolicy(grants: PolicyGrant[], accountId: string): RecommendedPolicy {
  const byAction = new Map<string, Set<string>>();
  const placeholders = new Set<string>();
  // Actions a call implies but the trail cannot show (PutLogEvents, the rest of an image pull) go in with it.
  const implied = grants.flatMap((g) =>
    withCompanions(canonicalAction(g.action) ?? g.action).map((action, i) =>
      i === 0 ? g : { ...g, action },
    ),
  );
  for (const g of implied) {
    const action = canonicalAction(g.action) ?? g.action;
    let set = byAction.get(action);
    if (!set) {
      set = new Set();
      byAction.set(action, set);
    }
    if (supportsResourceLevel(action) === false) {
      set.add("*");
      continue;
    }
    if (g.resource && g.resource !== "*" && g.resource.startsWith("arn:")) {
      const r = generaliseResource(g.resource);
      if (fitsResourceType(action, r)) set.add(r);
    }
  }
  for (const [action, set] of byAction) {
    if (set.size > 0) continue;
    for (const p of placeholderResources(action, accountId)) {
      set.add(p);
      placeholders.add(p);
    }
  }
  // Group the actions of one service that share exactly the same resources.
  const groups = new Map<string, { svc: string; actions: string[]; resources: string[] }>();
  for (const [action, set] of byAction) {
    const resources = [...set].sort();
    const key = `${service(action)}\u0000${resources.join("\u0000")}`;
    const g = groups.get(key) ?? { svc: service(action), actions: [], resources };
    g.actions.push(action);
    groups.set(key, g);
  }
  const ordered = [...groups.values()]
    .map((g) => ({ ...g, actions: g.actions.sort() }))
    .sort(
      (a, b) =>
        a.svc.localeCompare(b.svc) ||
        (a.actions[0] ?? "").localeCompare(b.actions[0] ?? "") ||
        a.resources.join().localeCompare(b.resources.join()),
    );
  const perService = new Map<string, number>();
  const statements: ReportStatement[] = ordered.map((g) => {
    const n = (perService.get(g.svc) ?? 0) + 1;
    perService.set(g.svc, n);
    return { Sid: `${sidPrefix(g.svc)}${n}`, Effect: "Allow", Action: g.actions, Resource: g.resources };
  });
  const document: ReportPolicyDocument = { Version: "2012-10-17", Statement: statements };
  return { document, placeholders: [...placeholders].sort(), excluded: [], changeInstead: null };
}
