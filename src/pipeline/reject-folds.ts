import { createHash } from "node:crypto";
import type { QuarantineEntry } from "../db/ingest.repository.js";

/**
 * Rejects on their way to the quarantine table, identical ones folded: the same reason, detail and text from the
 * same input is one row with a count, at the place of its first occurrence. A million identical bad records cost one
 * row, not a million. A row's count is the run's running total and the store keeps the larger of two counts, so
 * reading the same input again leaves the row as it was.
 */
export class RejectFolds {
  /** Rows of the batch being built, by fold key. */
  private pending = new Map<string, QuarantineEntry>();
  /** Every fold of the run: where its row is and its count so far (bounded; past it, rows are not folded). */
  private readonly seen = new Map<string, { position: string; count: number }>();

  constructor(private readonly maxFolds = 10_000) {}

  get size(): number {
    return this.pending.size;
  }

  add(entry: Omit<QuarantineEntry, "count">): void {
    // Identical means the same text too: bad lines that differ keep their own rows (and their own raw text).
    const raw = entry.raw.length <= 256 ? entry.raw : createHash("sha256").update(entry.raw).digest("base64");
    const key = `${entry.location}\0${entry.reason}\0${entry.detail}\0${raw}`;
    const fold = this.seen.get(key);
    if (fold === undefined) {
      if (this.seen.size < this.maxFolds) this.seen.set(key, { position: entry.position, count: 1 });
      // Past the bound a reject is its own row (its place keeps it apart).
      const own = this.seen.has(key) ? key : `${key}\0${entry.position}`;
      this.pending.set(own, { ...entry, count: 1 });
      return;
    }
    fold.count++;
    const row = this.pending.get(key);
    if (row) row.count = fold.count;
    else this.pending.set(key, { ...entry, position: fold.position, count: fold.count });
  }

  /** The rows to write with this batch; the next batch starts empty. */
  take(): QuarantineEntry[] {
    const rows = [...this.pending.values()];
    this.pending = new Map();
    return rows;
  }

  /** Forgets what is pending (a batch that will not be written). */
  drop(): void {
    this.pending = new Map();
  }
}
