import { and, asc, eq, gt } from "drizzle-orm";
import type { Db } from "./client.js";
import { type RoleCatalogRow, roleCatalog } from "./schema.js";
import type { StoredKindAssessment, StoredRoleEntry } from "./store.types.js";

/** role_catalog's columns in the order the catalogue writer reads and writes them; role_arn first, kind fourth. */
type CatalogCells = [string, string, string, string, number, string, number, number | null, number | null];

const KIND = 3;

const leadingKind = (e: StoredRoleEntry): string => e.kinds[0]?.kind ?? "unknown";

function cellsOf(e: StoredRoleEntry): CatalogCells {
  return [
    e.roleArn,
    e.accountId,
    e.roleName,
    leadingKind(e),
    e.kinds[0]?.confidence ?? 0,
    JSON.stringify(e.kinds),
    e.dualUse ? 1 : 0,
    e.firstSeen,
    e.lastSeen,
  ];
}

/** What a save changed: rows written and deleted, and the roles whose leading kind is not what it was. */
export interface CatalogSave {
  written: number;
  deleted: number;
  /** Roles that appeared, vanished, or now lead with another kind (sorted): what their denials' analysis reads. */
  kindChanged: string[];
}

/** What this writer last saved, and the table generation its write left behind. */
interface SavedCatalog {
  generation: number;
  entries: Map<string, StoredRoleEntry>;
}

/**
 * Writes the role catalogue. It remembers what it saved last, so the store that owns it (one per connection) can
 * tell with one read whether anybody else wrote since.
 */
export function createCatalogWriter(db: Db) {
  const c = db.$client;
  let saved: SavedCatalog | null = null;
  /** Roles whose leading kind a save changed, until the analysis of their denials has caught up (`settle`). */
  const unsettled = new Set<string>();
  const upsert = c.prepare(
    `INSERT INTO role_catalog (role_arn, account_id, role_name, kind, confidence, kinds, dual_use, first_seen,
       last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (role_arn) DO UPDATE SET account_id = excluded.account_id, role_name = excluded.role_name,
       kind = excluded.kind, confidence = excluded.confidence, kinds = excluded.kinds, dual_use = excluded.dual_use,
       first_seen = excluded.first_seen, last_seen = excluded.last_seen`,
  );
  const remove = c.prepare("DELETE FROM role_catalog WHERE role_arn = ?");
  const generation = c
    .prepare("SELECT generation FROM table_generations WHERE table_name = 'role_catalog'")
    .pluck();

  return {
    /**
     * Makes the stored catalogue equal to `entries`, in one transaction (readers see the old or the new, never
     * half). Only new, changed and vanished roles are written: rows are compared with what this writer saved last
     * when the table's generation says nobody else wrote since (no read at all), otherwise with the stored rows.
     * The entries saved are remembered: do not change them afterwards.
     */
    save(entries: StoredRoleEntry[]): CatalogSave {
      let written = 0;
      let deleted = 0;
      const kindChanged: string[] = [];
      // Immediate: the rows compared are the rows overwritten, even with another writer (a CLI ingest) about.
      const after = c
        .transaction(() => {
          // What is stored now: this writer's memory when the generation says nobody else wrote, else the rows.
          const fresh = saved !== null && saved.generation === generation.get() ? saved.entries : null;
          const stored = fresh === null ? storedRows(c) : null;
          const gone = new Set((fresh ?? stored ?? new Map<string, unknown>()).keys());
          for (const e of entries) {
            gone.delete(e.roleArn);
            const old = fresh?.get(e.roleArn);
            const row = stored?.get(e.roleArn);
            const previousKind = old !== undefined ? leadingKind(old) : row?.[KIND];
            if (previousKind !== leadingKind(e)) kindChanged.push(e.roleArn);
            // Cells (with their JSON) only for a row that may be written: most are unchanged.
            if (fresh !== null && sameEntry(old, e)) continue;
            const cells = cellsOf(e);
            if (fresh === null && sameCells(row, cells)) continue;
            upsert.run(...cells);
            written += 1;
          }
          for (const arn of gone) {
            remove.run(arn);
            deleted += 1;
            kindChanged.push(arn);
          }
          return generation.get() as number;
        })
        .immediate();
      // Remembered only once committed: a failed commit must not leave a memory of rows that are not there.
      saved = { generation: after, entries: new Map(entries.map((e) => [e.roleArn, e])) };
      for (const role of kindChanged) unsettled.add(role);
      return { written, deleted, kindChanged: kindChanged.sort() };
    },
    /** Roles whose kind a committed save changed and whose denials were not analysed again since (sorted). */
    unsettled(): string[] {
      return [...unsettled].sort();
    },
    /** The denials of `role` were analysed again with the catalogue saved. */
    settle(role: string): void {
      unsettled.delete(role);
    },
    /** Moves whenever any row of role_catalog is written or deleted, by anyone (migration 0006). */
    generation(): number {
      return generation.get() as number;
    },
  };
}

export type CatalogWriter = ReturnType<typeof createCatalogWriter>;

/** The stored catalogue rows by role ARN, as cells in cellsOf's order (kinds as their JSON text). */
function storedRows(c: Db["$client"]): Map<string, unknown[]> {
  const rows = new Map<string, unknown[]>();
  for (const row of c
    .prepare(
      `SELECT role_arn, account_id, role_name, kind, confidence, kinds, dual_use, first_seen, last_seen
       FROM role_catalog`,
    )
    .raw(true)
    .all() as unknown[][])
    rows.set(row[0] as string, row);
  return rows;
}

function sameCells(old: unknown[] | undefined, cells: CatalogCells): boolean {
  return old !== undefined && cells.every((v, i) => v === old[i]);
}

function sameEntry(a: StoredRoleEntry | undefined, b: StoredRoleEntry): boolean {
  if (
    a === undefined ||
    a.accountId !== b.accountId ||
    a.roleName !== b.roleName ||
    a.dualUse !== b.dualUse ||
    a.firstSeen !== b.firstSeen ||
    a.lastSeen !== b.lastSeen ||
    a.kinds.length !== b.kinds.length
  )
    return false;
  return a.kinds.every((k, i) => {
    const o = b.kinds[i];
    return (
      o !== undefined &&
      k.kind === o.kind &&
      k.confidence === o.confidence &&
      k.evidence.length === o.evidence.length &&
      k.evidence.every((e, j) => {
        const p = o.evidence[j];
        return p !== undefined && e.signal === p.signal && e.detail === p.detail && e.weight === p.weight;
      })
    );
  });
}

/** A row as plain data. A kinds column that does not parse falls back to the row's leading kind alone. */
export function toStoredEntry(row: RoleCatalogRow): StoredRoleEntry {
  let kinds: StoredKindAssessment[] = [];
  try {
    const parsed = JSON.parse(row.kinds) as unknown;
    if (Array.isArray(parsed)) kinds = parsed as StoredKindAssessment[];
  } catch {
    kinds = [];
  }
  if (kinds.length === 0) kinds = [{ kind: row.kind, confidence: row.confidence, evidence: [] }];
  return {
    roleArn: row.roleArn,
    accountId: row.accountId,
    roleName: row.roleName,
    kinds,
    dualUse: row.dualUse,
    firstSeen: row.firstSeen,
    lastSeen: row.lastSeen,
  };
}

export interface ListCatalogOptions {
  /** Only entries whose leading kind is this one. */
  kind?: string;
  limit?: number;
  /** The roleArn of the last entry of the previous page. */
  cursor?: string;
}

export interface CatalogPage {
  roles: StoredRoleEntry[];
  nextCursor: string | null;
}

/** Catalogue entries in role-ARN order, paged by the last ARN seen. */
export function listCatalog(db: Db, options: ListCatalogOptions = {}): CatalogPage {
  const limit = Math.max(1, Math.min(options.limit ?? 100, 10_000));
  const rows = db
    .select()
    .from(roleCatalog)
    .where(
      and(
        options.kind === undefined ? undefined : eq(roleCatalog.kind, options.kind),
        options.cursor === undefined ? undefined : gt(roleCatalog.roleArn, options.cursor),
      ),
    )
    .orderBy(asc(roleCatalog.roleArn))
    .limit(limit + 1)
    .all();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { roles: page.map(toStoredEntry), nextCursor: rows.length > limit && last ? last.roleArn : null };
}

export function getCatalogEntry(db: Db, roleArn: string): StoredRoleEntry | null {
  const row = db.select().from(roleCatalog).where(eq(roleCatalog.roleArn, roleArn)).get();
  return row ? toStoredEntry(row) : null;
}

/** A catalogue entry by account and role name: session ARNs name the role without its path. */
export function findRoleByName(db: Db, accountId: string, roleName: string): StoredRoleEntry | null {
  const row = db
    .select()
    .from(roleCatalog)
    .where(and(eq(roleCatalog.accountId, accountId), eq(roleCatalog.roleName, roleName)))
    .limit(1)
    .get();
  return row ? toStoredEntry(row) : null;
}

/** Every catalogue entry, by role ARN. */
export function loadCatalogEntries(db: Db): Map<string, StoredRoleEntry> {
  return new Map(
    db
      .select()
      .from(roleCatalog)
      .all()
      .map((r) => [r.roleArn, toStoredEntry(r)]),
  );
}
