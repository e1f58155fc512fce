import type { QuarantinedInput, QuarantineFilters } from "../db/quarantine.repository.js";
import type { Store } from "../db/store.js";
import { IngestSession, type IngestSummary, type RejectionReport } from "./ingest-session.js";

/** A quarantined row that still does not pass, with what it fails on now. */
export interface StillRejected {
  id: number;
  reason: string;
  detail: string;
}

export interface RetryResult {
  /** Rows read again. */
  retried: number;
  /** Rows whose input now passed: stored (or found already stored) and deleted from the quarantine. */
  resolved: number;
  stored: IngestSummary["stored"];
  duplicates: number;
  /** Rows left in the quarantine: their input is still rejected (the first reason of each). */
  stillRejected: StillRejected[];
}

export interface RetryOptions extends QuarantineFilters {
  /** Only this row. */
  id?: number;
  /** Rows read and committed at a time. */
  batchSize?: number;
}

/** How a row's stored text is read again: as one JSON text at the place it came from. */
function placeOf(row: QuarantinedInput) {
  return { location: row.location, position: row.position };
}

/** The reasons the row's text is rejected for today, found without storing anything. */
function rejectionsOf(store: Store, row: QuarantinedInput): RejectionReport[] {
  const reports: RejectionReport[] = [];
  const trial = new IngestSession({ store, source: row.source, onReject: (r) => reports.push(r) });
  // Never committed: the trial only validates and normalises.
  trial.acceptText(row.raw, placeOf(row));
  return reports;
}

/**
 * Reads quarantined input again through the pipeline (after a fix, what was set aside may now parse). A row is
 * retried as a unit: when all of its text now passes, its events are stored under the row's own source tag and the
 * row is deleted in the same transaction; when any of it is still rejected, nothing of it is stored and the row
 * stays as it was. The caller runs the stages after storing when something was stored.
 */
export async function retryQuarantined(store: Store, options: RetryOptions = {}): Promise<RetryResult> {
  const result: RetryResult = {
    retried: 0,
    resolved: 0,
    stored: { denials: 0, evidence: 0, usage: 0 },
    duplicates: 0,
    stillRejected: [],
  };
  const batchSize = options.batchSize ?? 500;
  const filters: QuarantineFilters = {
    ...(options.source !== undefined ? { source: options.source } : {}),
    ...(options.reason !== undefined ? { reason: options.reason } : {}),
  };
  if (options.id !== undefined) {
    const row = store.quarantine.get(options.id);
    if (row !== undefined) await retryRows(store, [row], result);
    return result;
  }
  for (let afterId = 0; ; ) {
    // A page at a time: the raw text of a whole quarantine need not fit in memory.
    const rows = store.quarantine.after(filters, afterId, batchSize);
    const last = rows.at(-1);
    if (last === undefined) return result;
    afterId = last.id;
    await retryRows(store, rows, result);
  }
}

/** One page of rows: those that pass, grouped by source tag, each group one session committed with its deletions. */
async function retryRows(store: Store, rows: QuarantinedInput[], result: RetryResult): Promise<void> {
  const sessions = new Map<string, IngestSession>();
  for (const row of rows) {
    result.retried++;
    const rejections = rejectionsOf(store, row);
    const first = rejections[0];
    if (first !== undefined) {
      result.stillRejected.push({ id: row.id, reason: first.reason, detail: first.detail });
      continue;
    }
    let session = sessions.get(row.source);
    if (session === undefined) {
      session = new IngestSession({ store, source: row.source, batchSize: Number.POSITIVE_INFINITY });
      sessions.set(row.source, session);
    }
    session.acceptText(row.raw, placeOf(row));
    session.resolveQuarantined(row.id);
  }
  for (const session of sessions.values()) {
    const summary = await session.finish();
    result.resolved += session.quarantineResolved;
    result.stored.denials += summary.stored.denials;
    result.stored.evidence += summary.stored.evidence;
    result.stored.usage += summary.stored.usage;
    result.duplicates += summary.duplicates;
  }
}
