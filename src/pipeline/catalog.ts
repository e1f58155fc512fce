import { type RoleCatalogEntry, type RoleKind, roleKinds } from "../classify/kinds.js";
import { parseIamPrincipalArn } from "../cloudtrail/arn.js";
import type { Db } from "../db/client.js";
import {
  findRoleByName,
  getCatalogEntry,
  type ListCatalogOptions,
  listCatalog,
  loadCatalogEntries,
} from "../db/role-catalog.repository.js";
import type { StoredRoleEntry } from "../db/store.types.js";

const isKind = (kind: string): kind is RoleKind => Object.hasOwn(roleKinds, kind);

/**
 * A stored catalogue entry in the classifier's terms. The store keeps kinds as text; a kind this version does not
 * know (a row written by another version) reads as `unknown` rather than as a kind no code handles.
 */
export function toRoleEntry(stored: StoredRoleEntry): RoleCatalogEntry {
  if (stored.kinds.every((k) => isKind(k.kind))) return stored as RoleCatalogEntry;
  return {
    ...stored,
    kinds: stored.kinds.map((k) => ({ ...k, kind: isKind(k.kind) ? k.kind : "unknown" })),
  };
}

/** One role's catalogue entry, or null. */
export function getRoleEntry(db: Db, roleArn: string): RoleCatalogEntry | null {
  const stored = getCatalogEntry(db, roleArn);
  return stored === null ? null : toRoleEntry(stored);
}

/** A role by account and name (session ARNs name the role without its path), or null. */
export function findRoleEntryByName(db: Db, accountId: string, roleName: string): RoleCatalogEntry | null {
  const stored = findRoleByName(db, accountId, roleName);
  return stored === null ? null : toRoleEntry(stored);
}

/** A page of the catalogue in role-ARN order. */
export function listRoleEntries(
  db: Db,
  options: ListCatalogOptions = {},
): { roles: RoleCatalogEntry[]; nextCursor: string | null } {
  const page = listCatalog(db, options);
  return { roles: page.roles.map(toRoleEntry), nextCursor: page.nextCursor };
}

/** The account and name a role ARN names: session ARNs (and messages quoting them) give the role without its path. */
function roleKey(arn: string): { account: string; name: string } | null {
  const p = parseIamPrincipalArn(arn);
  return p?.type === "role" ? { account: p.account, name: p.name } : null;
}

/**
 * Catalogue lookups by role ARN, each read once when first asked: for a few lookups (one request). A role ARN
 * rebuilt from a session (no path) finds the role by account and name.
 */
export function lazyCatalogLookup(db: Db): (roleArn: string) => RoleCatalogEntry | undefined {
  const seen = new Map<string, RoleCatalogEntry | undefined>();
  const read = (arn: string): RoleCatalogEntry | undefined => {
    const exact = getRoleEntry(db, arn);
    if (exact) return exact;
    const key = roleKey(arn);
    return (key && findRoleEntryByName(db, key.account, key.name)) ?? undefined;
  };
  return (arn) => {
    if (!seen.has(arn)) seen.set(arn, read(arn));
    return seen.get(arn);
  };
}

/** The whole stored catalogue as a lookup, read at once: for many lookups (an analysis run). */
export function catalogLookup(db: Db): (roleArn: string) => RoleCatalogEntry | undefined {
  const entries = loadCatalogEntries(db);
  const mapped = new Map<string, RoleCatalogEntry>();
  // Built on the first miss only: records carry the issuer's full ARN, so most lookups never need it.
  let byName: Map<string, StoredRoleEntry> | null = null;
  const storedOf = (arn: string): StoredRoleEntry | undefined => {
    const exact = entries.get(arn);
    if (exact !== undefined) return exact;
    const key = roleKey(arn);
    if (key === null) return undefined;
    if (byName === null) {
      byName = new Map();
      for (const e of entries.values()) byName.set(`${e.accountId}:${e.roleName}`, e);
    }
    return byName.get(`${key.account}:${key.name}`);
  };
  return (arn) => {
    let entry = mapped.get(arn);
    if (entry === undefined) {
      const stored = storedOf(arn);
      if (stored === undefined) return undefined;
      entry = toRoleEntry(stored);
      mapped.set(arn, entry);
    }
    return entry;
  };
}
