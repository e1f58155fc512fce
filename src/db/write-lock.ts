import { setTimeout as sleepTimer } from "node:timers/promises";
import type Database from "better-sqlite3";
import { DomainError } from "../shared/errors.js";

/**
 * SQLite allows one writer per database file at a time. Every write of deniedby takes that lock up front
 * (BEGIN IMMEDIATE), so a transaction never reads first and then finds its snapshot stale when it tries to write
 * (SQLITE_BUSY_SNAPSHOT, which no busy timeout can wait out). While another process (a `deniedby ingest` beside the
 * server, or a second ingest) holds the lock, a writer waits for it between attempts without blocking the event
 * loop, so the server keeps answering reads; the wait is bounded.
 */

/** SQLITE_BUSY and its extended codes (_SNAPSHOT, _RECOVERY, _TIMEOUT): another connection holds a lock. */
export function isBusy(error: unknown): boolean {
  return (
    error instanceof Error &&
    "code" in error &&
    typeof error.code === "string" &&
    error.code.startsWith("SQLITE_BUSY")
  );
}

/** The codes of the store (statuses: src/http/errors.ts). */
export type StoreErrorCode = "store.busy";

/** The write lock stayed with another writer for longer than this writer may wait: nothing was written. */
export class StoreBusyError extends DomainError<StoreErrorCode> {
  constructor(readonly waitedMs: number) {
    super(
      "store.busy",
      `the database stayed locked by another writer for ${Math.round(waitedMs / 1000)} s; nothing was written`,
    );
  }
}

export interface WriteLockOptions {
  /** The longest a write waits for the lock in all, before it fails with StoreBusyError. */
  maxWaitMs: number;
  /** Waits between attempts (a virtual clock in tests). */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** The pause after `attempt` failed attempts: 1, 2, 4 … ms, capped at 50 ms, with jitter so two waiters part. */
export function lockBackoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(50, 2 ** attempt);
  return base / 2 + (base / 2) * random();
}

export type WriteLock = <T>(fn: () => T) => Promise<T>;

/**
 * Runs `fn` (synchronous) in one transaction that holds the write lock from its start. Attempts to take the lock do
 * not wait inside SQLite (the busy timeout is lifted for them), so the process stays free while it waits; `fn` runs
 * only once the lock is held, and is not retried after it ran: a transaction either commits, and this resolves, or
 * rolls back, and this rejects. Transactions that `fn` opens itself become savepoints of this one.
 */
export function createWriteLock(client: Database.Database, options: WriteLockOptions): WriteLock {
  const begin = client.prepare("BEGIN IMMEDIATE");
  const commit = client.prepare("COMMIT");
  const rollback = client.prepare("ROLLBACK");
  const sleep = options.sleep ?? ((ms: number) => sleepTimer(ms));
  const now = options.now ?? Date.now;

  const tryBegin = (): boolean => {
    const timeout = client.pragma("busy_timeout", { simple: true }) as number;
    client.pragma("busy_timeout = 0");
    try {
      begin.run();
      return true;
    } catch (error) {
      if (isBusy(error)) return false;
      throw error;
    } finally {
      client.pragma(`busy_timeout = ${timeout}`);
    }
  };

  return async <T>(fn: () => T): Promise<T> => {
    // Already inside a transaction of this connection (a synchronous caller's): that one holds the lock.
    if (client.inTransaction) return client.transaction(fn)();
    const started = now();
    for (let attempt = 0; !tryBegin(); attempt++) {
      const waited = now() - started;
      if (waited >= options.maxWaitMs) throw new StoreBusyError(waited);
      await sleep(Math.min(lockBackoffMs(attempt), options.maxWaitMs - waited));
    }
    try {
      const result = fn();
      commit.run();
      return result;
    } catch (error) {
      if (client.inTransaction) rollback.run();
      throw error;
    }
  };
}
