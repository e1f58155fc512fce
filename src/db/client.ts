import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "./schema.js";
import { isBusy } from "./write-lock.js";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** migrations/ at the package root, both from src/db (tsx, vitest) and from dist/db (compiled). */
export const migrationsFolder = resolve(dirname(fileURLToPath(import.meta.url)), "../../migrations");

export interface OpenDbOptions {
  /** A file path, or ':memory:' for tests. */
  path: string;
  readonly?: boolean;
}

/**
 * Opens the SQLite file, sets the pragmas every connection needs and applies pending migrations before anything
 * else can touch the schema.
 */
export function openDb({ path, readonly = false }: OpenDbOptions): Db {
  if (path !== ":memory:") mkdirSync(dirname(resolve(path)), { recursive: true });
  const client = new Database(path, { readonly });
  // First: switching to WAL and migrating may meet another process doing the same to a new file. A synchronous
  // wait is right here (nothing else runs yet); writes later take the lock without it (write-lock.ts).
  client.pragma("busy_timeout = 5000");
  // Page size only takes effect before the first table exists; 16 KiB pages insert faster (docs/performance.md).
  if (!readonly) client.pragma("page_size = 16384");
  // WAL lets HTTP readers see the last committed batch while an ingest writes; NORMAL sync is durable against a
  // killed process (only an OS crash can lose the last transactions), and keeps every transaction atomic.
  if (!readonly) client.pragma("journal_mode = WAL");
  client.pragma("synchronous = NORMAL");
  client.pragma("foreign_keys = ON");
  // 32 MiB of pages: the OS page cache holds the rest, and a larger cache grows the ingest's memory.
  client.pragma("cache_size = -32768");
  client.pragma("temp_store = MEMORY");
  const db = drizzle({ client, schema });
  if (!readonly) migrateOnce(db);
  return db;
}

/**
 * Applies pending migrations. Two processes opening a new file together both find it unmigrated; the second's
 * migration then fails (busy, or "table already exists") once the first has committed. It tries again, and finds
 * nothing left to apply.
 */
function migrateOnce(db: Db): void {
  for (let attempt = 1; ; attempt++) {
    try {
      migrate(db, { migrationsFolder });
      return;
    } catch (error) {
      // drizzle wraps SQLite's error in its own (as `cause`).
      const raced = [error, error instanceof Error ? error.cause : undefined].some(
        (e) => isBusy(e) || (e instanceof Error && /already exists/.test(e.message)),
      );
      if (!raced || attempt >= 5) throw error;
      // Synchronous like the rest of opening: nothing else of this process uses the database yet.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50 * attempt);
    }
  }
}

/**
 * For a connection that only bulk-ingests (`deniedby ingest`): checkpoint the WAL every ~160 MB of pages instead of
 * SQLite's 1,000 pages (16 MB at our page size). Each batch rewrites the same ledger and usage pages, so rarer
 * checkpoints copy each page to the database fewer times (docs/performance.md). The server keeps the default
 * so that no push request waits on a long checkpoint; `journal_size_limit` trims the WAL file back afterwards.
 */
export function tuneForBulkIngest(db: Db): void {
  db.$client.pragma("wal_autocheckpoint = 10000");
  db.$client.pragma("journal_size_limit = 67108864");
}

/** True when every migration in migrations/ has been applied (readiness probe). */
export function migrationsApplied(db: Db): boolean {
  try {
    const row = db.$client.prepare("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number };
    return row.n > 0;
  } catch {
    return false;
  }
}
