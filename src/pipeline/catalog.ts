import { type RoleCatalogEntry, type RoleKind, roleKinds } from "../classify/kinds.js";
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

/** Catalogue lookups by role ARN, each read once when first asked: for a few lookups (one request). */
export function lazyCatalogLookup(db: Db): (roleArn: string) => RoleCatalogEntry | undefined {
  const seen = new Map<string, RoleCatalogEntry | undefined>();
  return (arn) => {
    if (!seen.has(arn)) seen.set(arn, getRoleEntry(db, arn) ?? undefined);
    return seen.get(arn);
  };
}

/** The whole stored catalogue as a lookup, read at once: for many lookups (an analysis run). */
export function catalogLookup(db: Db): (roleArn: string) => RoleCatalogEntry | undefined {
  const entries = loadCatalogEntries(db);
  const mapped = new Map<string, RoleCatalogEntry>();
  return (arn) => {
    let entry = mapped.get(arn);
    if (entry === undefined) {
      const stored = entries.get(arn);
      if (stored === undefined) return undefined;
      entry = toRoleEntry(stored);
      mapped.set(arn, entry);
    }
    return entry;
  };
}
