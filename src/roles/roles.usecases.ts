import type { RoleCatalogEntry } from "../classify/kinds.js";
import { accountOf, parseSessionArn, roleNameOf } from "../cloudtrail/arn.js";
import type { Db } from "../db/client.js";
import type { AppDeps as Deps } from "../http/app-deps.js";
import { findRoleEntryByName, getRoleEntry, listRoleEntries } from "../pipeline/catalog.js";
import { currentPolicies } from "../pipeline/policy-model.js";
import { taskOfSession } from "../pipeline/task-context.js";
import { effectivePoliciesOf } from "../policy/index.js";
import { isoOrNull } from "../shared/time.js";
import { RoleNotFoundError } from "./roles.errors.js";
import type { Role, RoleList, RoleLookup, RolePolicies, RolesQuery } from "./roles.schemas.js";

const view = (e: RoleCatalogEntry): Role => ({
  ...e,
  firstSeen: isoOrNull(e.firstSeen),
  lastSeen: isoOrNull(e.lastSeen),
});

/**
 * A role ARN or an assumed-role session ARN → its catalogue entry. A session ARN names its role without the role's
 * path, so a session whose role ARN is not stored as such is found by account and name.
 */
export function findRole(db: Db, arn: string): RoleCatalogEntry | null {
  const exact = getRoleEntry(db, arn);
  if (exact || !arn.includes(":assumed-role/")) return exact;
  const session = parseSessionArn(arn);
  if (!session) return null;
  return (
    getRoleEntry(db, session.roleArn) ??
    findRoleEntryByName(db, accountOf(session.roleArn), roleNameOf(session.roleArn))
  );
}

/** What the role routes do: page through the catalogue, find one role by role or session ARN, and its policies. */
export function createRoleUsecases(deps: Pick<Deps, "db" | "store">) {
  const { db } = deps;
  return {
    list(q: RolesQuery): RoleList {
      const page = listRoleEntries(db, {
        limit: q.limit,
        ...(q.kind ? { kind: q.kind } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
      });
      return { roles: page.roles.map(view), nextCursor: page.nextCursor };
    },
    lookup(arn: string): RoleLookup {
      const entry = findRole(db, arn);
      if (!entry) throw new RoleNotFoundError(`no role ${arn} in the catalogue`);
      const session = parseSessionArn(arn)?.sessionName ?? null;
      return { ...view(entry), task: taskOfSession(db, entry.roleArn, session) };
    },
    /**
     * The effective policies of a role (by role or session ARN) or user from the policy model, with provenance and
     * unknowns. A principal the model never saw but the catalogue knows is answered with its unknowns; one neither
     * knows is not found.
     */
    policies(arn: string): RolePolicies {
      const roleArn = parseSessionArn(arn)?.roleArn ?? arn;
      const known = findRole(db, arn);
      const { model, compiler, awsManaged } = currentPolicies(deps.store);
      const found = effectivePoliciesOf(known?.roleArn ?? roleArn, { model, compiler, awsManaged });
      if (!found.principal && !known)
        throw new RoleNotFoundError(`no role or user ${arn} in the policy model or the catalogue`);
      return { arn: known?.roleArn ?? roleArn, ...found };
    },
  };
}
