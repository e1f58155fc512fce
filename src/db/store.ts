import type { Db } from "./client.js";
import {
  createDenialAnalysisRepository,
  type DenialAnalysisRepository,
} from "./denial-analysis.repository.js";
import { createDenialPages, type DenialPages } from "./denial-pages.repository.js";
import { createExamplesRepository, type ExamplesRepository } from "./examples.repository.js";
import { createFactsReader, type FactsReader } from "./facts.repository.js";
import { createIngestWriter, type IngestWriter } from "./ingest.repository.js";
import { createPolicyStore, type PolicyStore } from "./policy-store.repository.js";
import { createQuarantineRepository, type QuarantineRepository } from "./quarantine.repository.js";
import { type CatalogWriter, createCatalogWriter } from "./role-catalog.repository.js";
import { createUsageDayRepository, type UsageDayRepository } from "./usage-days.repository.js";
import { createWriteLock, type WriteLockOptions } from "./write-lock.js";

/** The generations a reader of derived data checks with one read: both move when what they count is written. */
export interface StoreGenerations {
  catalog: number;
  analysis: number;
  /** The policy store's: moves with every import and every stored policy change. */
  policy: number;
}

/**
 * Values derived from the database (the policy model, built by the pipeline), kept in the store object until their
 * stamp (a generation) moves, and the consistent reads that build them. The store does not know what a value is:
 * whoever builds it names it by key.
 */
function createDerived(db: Db) {
  const memos = new Map<string, { stamp: unknown; value: unknown }>();
  return {
    /** Runs `fn` (reads only) in one deferred transaction: what it reads is one committed state. Takes no lock. */
    read<T>(fn: () => T): T {
      return db.$client.transaction(fn).deferred();
    },
    /** The value under `key` for `stamp`; `build` gets what was held before, to bring it up to date. */
    remember<T>(
      key: string,
      stamp: unknown,
      build: (previous: { stamp: unknown; value: T } | undefined) => T,
    ): T {
      const held = memos.get(key) as { stamp: unknown; value: T } | undefined;
      if (held && held.stamp === stamp) return held.value;
      const value = build(held);
      memos.set(key, { stamp, value });
      return value;
    },
    /** True when a value is remembered under `key` (whatever its stamp). */
    holds(key: string): boolean {
      return memos.has(key);
    },
  };
}

export interface StoreOptions {
  /**
   * How long a write may wait for another process to release the database's write lock before it fails with
   * `store.busy` (nothing written). The server answers a push within it; a command line can afford to wait longer.
   */
  lockWaitMs?: number;
  /** Waits between attempts to take the lock (tests pass a virtual clock). */
  sleep?: WriteLockOptions["sleep"];
}

/** The server's default: a push waits this long for a concurrent ingest's transaction before it answers 503. */
export const DEFAULT_LOCK_WAIT_MS = 30_000;

/** The generations StoreGenerations names, read by one statement. */
function generationsStatement(db: Db) {
  return db.$client
    .prepare(
      `SELECT (SELECT generation FROM table_generations WHERE table_name = 'role_catalog'),
         coalesce((SELECT generation FROM table_generations WHERE table_name = 'denial_analysis'), 0),
         coalesce((SELECT generation FROM table_generations WHERE table_name = 'policy_store'), 0)`,
    )
    .raw(true);
}

/** A value built on first use and kept (by the closure: each store has its own). */
function lazy<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= build();
    return value;
  };
}

/**
 * Everything that reads or writes the database, built once per connection (in buildDeps, or by a command). Its
 * repositories keep their prepared statements and their caches (parsed evidence, the last catalogue saved) as
 * fields of this object: nothing about a connection lives in module state. Each repository is prepared on first
 * use, so a store that only reads prepares no writes.
 */
export function createStore(db: Db, options: StoreOptions = {}) {
  const ingest = lazy(() => createIngestWriter(db));
  const usageDays = lazy(() => createUsageDayRepository(db));
  const facts = lazy(() => createFactsReader(db));
  const catalog = lazy(() => createCatalogWriter(db));
  const analysis = lazy(() => createDenialAnalysisRepository(db));
  const pages = lazy(() => createDenialPages(db));
  const quarantine = lazy(() => createQuarantineRepository(db));
  const policies = lazy(() => createPolicyStore(db));
  const examples = lazy(() => createExamplesRepository(db));
  const writeLock = lazy(() =>
    createWriteLock(db.$client, {
      maxWaitMs: options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS,
      ...(options.sleep ? { sleep: options.sleep } : {}),
    }),
  );
  // Two prepared statements rather than one SELECT over pragma_data_version: that table-valued function prepares and
  // finalises a PRAGMA statement inside every run. total_changes() opens no transaction.
  const dataVersion = lazy(() => db.$client.prepare("PRAGMA data_version").pluck());
  const totalChanges = lazy(() => db.$client.prepare("SELECT total_changes()").pluck());
  const generations = lazy(() => generationsStatement(db));
  return {
    db,
    get ingest(): IngestWriter {
      return ingest();
    },
    get usageDays(): UsageDayRepository {
      return usageDays();
    },
    get facts(): FactsReader {
      return facts();
    },
    get catalog(): CatalogWriter {
      return catalog();
    },
    get analysis(): DenialAnalysisRepository {
      return analysis();
    },
    get denialPages(): DenialPages {
      return pages();
    },
    get quarantine(): QuarantineRepository {
      return quarantine();
    },
    get policies(): PolicyStore {
      return policies();
    },
    get examples(): ExamplesRepository {
      return examples();
    },
    ...createDerived(db),
    /**
     * Runs `fn` in one transaction that takes the write lock first (BEGIN IMMEDIATE), waiting for another process's
     * transaction to end without blocking the event loop (bounded: `store.busy` past `lockWaitMs`). Resolves once
     * committed; rejects only when nothing was committed. Every write of the pipeline goes through here.
     */
    write<T>(fn: () => T): Promise<T> {
      return writeLock()(fn);
    },
    /**
     * A number that moves whenever anything is committed to the database: by another connection (PRAGMA
     * data_version) or by this one (total_changes()). The cheapest "did anything change?" for a reader's cache.
     */
    changeStamp(): string {
      return `${dataVersion().get() as number}:${totalChanges().get() as number}`;
    },
    /** The role catalogue's, the denial analysis's and the policy store's generations, read together. */
    generations(): StoreGenerations {
      const [catalog, analysis, policy] = generations().get() as [number, number, number];
      return { catalog, analysis, policy };
    },
    close(): void {
      db.$client.close();
    },
  };
}

export type Store = ReturnType<typeof createStore>;
