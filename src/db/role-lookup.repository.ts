import { and, eq } from "drizzle-orm";
import type { RoleCatalogEntry } from "../classify/kinds.js";
import type { Db } from "./client.js";
import { getCatalogEntry } from "./role-catalog.repository.js";
import { roleCatalog } from "./schema.js";

/** A catalogue entry by account and role name: session ARNs name the role without its path. */
export function findRoleByName(db: Db, accountId: string, roleName: string): RoleCatalogEntry | null {
  const row = db
    .select({ roleArn: roleCatalog.roleArn })
    .from(roleCatalog)
    .where(and(eq(roleCatalog.accountId, accountId), eq(roleCatalog.roleName, roleName)))
    .limit(1)
    .get();
  return row ? getCatalogEntry(db, row.roleArn) : null;
}
