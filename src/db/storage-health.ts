import { causeChain } from "../shared/errors.js";
import type { Db } from "./client.js";

const FULL_CODES = new Set(["SQLITE_FULL", "ENOSPC"]);

/** True when an error (or one it was caused by) says the disk or the database's page limit is full. */
export function isStorageFull(error: unknown): boolean {
  return causeChain(error).some((e) => "code" in e && typeof e.code === "string" && FULL_CODES.has(e.code));
}

/** How much a probe writes (and rolls back): more than a page or two, so that a nearly full file is caught. */
const PROBE_BYTES = 256 * 1024;

/**
 * Whether the database can grow now: a table and a blob written inside a transaction that is always rolled back,
 * so nothing is left behind. False on SQLITE_FULL (a full disk, or a `max_page_count` reached).
 */
function canGrow(db: Db): boolean {
  const client = db.$client;
  try {
    client.exec("BEGIN IMMEDIATE");
    try {
      client.exec("CREATE TABLE deniedby_space_probe (b BLOB)");
      client.prepare("INSERT INTO deniedby_space_probe VALUES (zeroblob(?))").run(PROBE_BYTES);
    } finally {
      if (client.inTransaction) client.exec("ROLLBACK");
    }
    return true;
  } catch (error) {
    if (isStorageFull(error)) return false;
    throw error;
  }
}

/**
 * Whether writes are failing for want of space. A write that fails with SQLITE_FULL or ENOSPC marks storage full;
 * from then on `writable()` (the readiness probe) tries a small rolled-back write, and clears the mark as soon as
 * one succeeds: readiness recovers when space returns, with no write from a client needed.
 */
export function createStorageHealth(db: Db) {
  let full = false;
  return {
    /** Records a failed write; true when it failed for want of space (the caller answers 503). */
    noteFailure(error: unknown): boolean {
      if (!isStorageFull(error)) return false;
      full = true;
      return true;
    },
    writable(): boolean {
      if (full && canGrow(db)) full = false;
      return !full;
    },
  };
}

export type StorageHealth = ReturnType<typeof createStorageHealth>;
