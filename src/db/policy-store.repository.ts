import { hash } from "node:crypto";
import type { Db } from "./client.js";
import type {
  EvidenceToExtract,
  StoredPolicyChange,
  StoredPolicyImport,
  StoredPolicySnapshot,
} from "./store.types.js";

/** An import to store: the snapshot and problems as JSON text (the store keeps them as they are). */
export interface PolicyImportInput {
  kind: string;
  subject: string;
  ref: string;
  capturedAt: number;
  importedAt: number;
  snapshot: string;
  problems: string;
}

const IMPORT_COLUMNS = `id, kind, subject, ref, captured_at AS capturedAt, imported_at AS importedAt, problems`;

/** The statements of the policy store, prepared once per store. */
function policyStatements(c: Db["$client"]) {
  return {
    insertImport: c.prepare(
      `INSERT OR IGNORE INTO policy_imports (kind, subject, ref, captured_at, imported_at, content_hash, snapshot,
         problems) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    importByHash: c.prepare(
      `SELECT ${IMPORT_COLUMNS} FROM policy_imports WHERE kind = ? AND subject = ? AND content_hash = ?`,
    ),
    imports: c.prepare(`SELECT ${IMPORT_COLUMNS} FROM policy_imports ORDER BY captured_at, id`),
    snapshots: c.prepare(`SELECT ${IMPORT_COLUMNS}, snapshot FROM policy_imports ORDER BY captured_at, id`),
    insertChange: c.prepare(
      "INSERT OR IGNORE INTO policy_changes (event_id, seq, at, event, subject, change) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    // policy_changes_time_idx serves the replay order.
    changes: c.prepare(
      `SELECT event_id AS eventId, seq, at, event, subject, change FROM policy_changes
       ORDER BY at, event_id, seq`,
    ),
    changesAfter: c.prepare(
      `SELECT event_id AS eventId, seq, at, event, subject, change FROM policy_changes WHERE rowid > ?
       ORDER BY at, event_id, seq`,
    ),
    lastChangeRowid: c.prepare("SELECT coalesce(max(rowid), 0) FROM policy_changes").pluck(),
    changeCount: c.prepare("SELECT count(*) FROM policy_changes").pluck(),
    deleteChanges: c.prepare("DELETE FROM policy_changes"),
    evidenceAfter: c.prepare(
      `SELECT rowid, event_source AS eventSource, event_name AS eventName, raw FROM evidence_events
       WHERE rowid > ? ORDER BY rowid LIMIT ?`,
    ),
    cursor: c.prepare("SELECT position, generation FROM stage_cursors WHERE stage = ?"),
    setCursor: c.prepare(
      `INSERT INTO stage_cursors (stage, position, generation) VALUES (?, ?, ?)
       ON CONFLICT (stage) DO UPDATE SET position = excluded.position, generation = excluded.generation`,
    ),
    evidenceGeneration: c
      .prepare("SELECT generation FROM table_generations WHERE table_name = 'evidence_events'")
      .pluck(),
    generation: c
      .prepare(
        "SELECT coalesce((SELECT generation FROM table_generations WHERE table_name = 'policy_store'), 0)",
      )
      .pluck(),
    // One row moved per write: the model built from this store is rebuilt (or brought up to date) when it moves.
    bumpGeneration: c.prepare(
      `INSERT INTO table_generations (table_name, generation) VALUES ('policy_store', 1)
       ON CONFLICT (table_name) DO UPDATE SET generation = generation + 1`,
    ),
  };
}

/**
 * Where the policy model's history is kept: the imports a user ran (snapshots with provenance) and the trail's
 * policy changes, which the pipeline extracts from the stored evidence events. The model itself is built by the
 * pipeline (the store never runs the policy code) and cached in the store object (`Store.remember`).
 */
export function createPolicyStore(db: Db) {
  const s = policyStatements(db.$client);
  return {
    /**
     * Stores an import unless the same data (kind, subject, snapshot) was imported before: then nothing is written
     * and the earlier import is returned with `created: false`.
     */
    saveImport(input: PolicyImportInput): { import: StoredPolicyImport; created: boolean } {
      const digest = hash("sha256", input.snapshot);
      const result = s.insertImport.run(
        input.kind,
        input.subject,
        input.ref,
        input.capturedAt,
        input.importedAt,
        digest,
        input.snapshot,
        input.problems,
      );
      if (result.changes > 0) s.bumpGeneration.run();
      const stored = s.importByHash.get(input.kind, input.subject, digest) as StoredPolicyImport;
      return { import: stored, created: result.changes > 0 };
    },
    /** Every import, oldest capture first, without snapshots. */
    imports(): StoredPolicyImport[] {
      return s.imports.all() as StoredPolicyImport[];
    },
    /** Every import with its snapshot, oldest capture first: what a rebuild of the model reads. */
    snapshots(): StoredPolicySnapshot[] {
      return s.snapshots.all() as StoredPolicySnapshot[];
    },
    /** Stores changes (ignoring those stored already); returns how many were new. */
    addChanges(changes: readonly StoredPolicyChange[]): number {
      let added = 0;
      for (const c of changes)
        added += s.insertChange.run(c.eventId, c.seq, c.at, c.event, c.subject, c.change).changes;
      if (added > 0) s.bumpGeneration.run();
      return added;
    },
    /** Every change in the order they apply (event time, then event id and position). */
    changes(): StoredPolicyChange[] {
      return s.changes.all() as StoredPolicyChange[];
    },
    /** Changes stored after the one with `rowid` (see `lastChangeRowid`), in the order they apply. */
    changesAfter(rowid: number): StoredPolicyChange[] {
      return s.changesAfter.all(rowid) as StoredPolicyChange[];
    },
    lastChangeRowid(): number {
      return s.lastChangeRowid.get() as number;
    },
    changeCount(): number {
      return s.changeCount.get() as number;
    },
    /** Forgets every extracted change (the evidence they came from was rewritten): extraction starts over. */
    clearChanges(): void {
      if (s.deleteChanges.run().changes > 0) s.bumpGeneration.run();
    },
    /** Up to `limit` stored evidence events after `rowid`, in the order they were stored. */
    evidenceAfter(rowid: number, limit: number): EvidenceToExtract[] {
      return s.evidenceAfter.all(rowid, limit) as EvidenceToExtract[];
    },
    /** Moves when stored evidence is updated or deleted (migration 0007): what was read from it may be stale. */
    evidenceGeneration(): number {
      return s.evidenceGeneration.get() as number;
    },
    cursor(stage: string): { position: number; generation: number } | undefined {
      return s.cursor.get(stage) as { position: number; generation: number } | undefined;
    },
    setCursor(stage: string, position: number, generation: number): void {
      s.setCursor.run(stage, position, generation);
    },
    /** Moves whenever an import or a change is stored (or the changes are cleared). */
    generation(): number {
      return s.generation.get() as number;
    },
  };
}

export type PolicyStore = ReturnType<typeof createPolicyStore>;
