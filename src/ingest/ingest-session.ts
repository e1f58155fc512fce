import {
  type NormalisedEvent,
  normaliseRecord,
  type RejectReason,
  rejectReasons,
  unwrapEnvelope,
  validateRecord,
} from "../cloudtrail/normalise.js";
import type {
  Batch,
  Checkpoint,
  FileDone,
  IngestWriter,
  QuarantineEntry,
  StoredEvent,
} from "../db/ingest.repository.js";

/** Where a piece of input came from, for reports and the quarantine table. */
export interface Place {
  location: string;
  /** 'record 5', 'line 12' or ''. */
  position: string;
}

export interface RejectionReport extends Place {
  reason: RejectReason;
  detail: string;
}

export interface IngestSummary {
  source: string;
  files: { read: number; skipped: number };
  /** Valid records seen (stored or duplicate). */
  events: number;
  stored: { denials: number; evidence: number; usage: number };
  duplicates: number;
  rejected: { total: number; byReason: Partial<Record<RejectReason, number>> };
  /** Uncompressed characters of JSON read. */
  chars: number;
  durationMs: number;
}

const MAX_RAW = 64 * 1024;

export interface IngestSessionOptions {
  source: string;
  writer: IngestWriter;
  /** Events per transaction; 10k-row transactions measured near the insert ceiling. */
  batchSize?: number;
  /** Called for every rejected piece of input, as it happens. */
  onReject?: (report: RejectionReport) => void;
  now?: () => number;
}

/**
 * Turns raw input into stored events in batches: parse, validate, normalise, and commit each batch in one
 * transaction together with the progress marks (files done, checkpoints) that belong to it. Shared by every source.
 */
export class IngestSession {
  readonly summary: IngestSummary;
  private readonly batchSize: number;
  private readonly now: () => number;
  private readonly started: number;
  private events: StoredEvent[] = [];
  private rejections: QuarantineEntry[] = [];
  private filesDone: FileDone[] = [];
  private checkpoints: Checkpoint[] = [];

  constructor(private readonly options: IngestSessionOptions) {
    this.batchSize = options.batchSize ?? 10_000;
    this.now = options.now ?? Date.now;
    this.started = this.now();
    this.summary = {
      source: options.source,
      files: { read: 0, skipped: 0 },
      events: 0,
      stored: { denials: 0, evidence: 0, usage: 0 },
      duplicates: 0,
      rejected: { total: 0, byReason: {} },
      chars: 0,
      durationMs: 0,
    };
  }

  /** One JSON text holding a record, an EventBridge event, an array of them or a {"Records":[…]} document. */
  acceptText(text: string, place: Place): void {
    this.summary.chars += text.length;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      this.reject("json.invalid", (error as Error).message, text, place);
      return;
    }
    this.acceptValue(value, text, place);
  }

  /** An already parsed value; `raw` is its original text when known (kept as is for denials and evidence). */
  acceptValue(value: unknown, raw: string | null, place: Place): void {
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        this.acceptValue(item, null, { ...place, position: joinPosition(place.position, `record ${i}`) });
      });
      return;
    }
    const records =
      typeof value === "object" && value !== null ? (value as { Records?: unknown }).Records : undefined;
    if (Array.isArray(records)) {
      this.acceptValue(records, null, place);
      return;
    }
    const checked = validateRecord(value);
    if ("rejection" in checked) {
      const { reason, detail } = checked.rejection;
      this.reject(reason, detail, raw ?? JSON.stringify(value), place);
      return;
    }
    const unwrapped = unwrapEnvelope(value) !== value;
    this.add(
      normaliseRecord(checked.record),
      raw !== null && !unwrapped ? raw : JSON.stringify(checked.record),
    );
  }

  reject(reason: RejectReason, detail: string, raw: string, place: Place): void {
    const r = this.summary.rejected;
    r.total++;
    r.byReason[reason] = (r.byReason[reason] ?? 0) + 1;
    this.rejections.push({
      source: this.options.source,
      location: place.location,
      position: place.position,
      reason,
      detail: detail || rejectReasons[reason],
      raw: raw.length > MAX_RAW ? raw.slice(0, MAX_RAW) : raw,
    });
    this.options.onReject?.({ ...place, reason, detail: detail || rejectReasons[reason] });
  }

  /** Marks a file as read to the end; committed with its last events, so a crash never marks it early. */
  fileDone(file: FileDone): void {
    this.filesDone.push(file);
    this.summary.files.read++;
  }

  /** A source's resume point, committed atomically with the events read up to it. */
  checkpoint(checkpoint: Checkpoint): void {
    this.checkpoints.push(checkpoint);
  }

  /** Commits what is pending. Sources call it at their own safe points (end of a page, end of a file). */
  flush(): void {
    if (
      this.events.length === 0 &&
      this.rejections.length === 0 &&
      this.filesDone.length === 0 &&
      this.checkpoints.length === 0
    )
      return;
    const batch: Batch = {
      source: this.options.source,
      events: this.events,
      rejections: this.rejections,
      filesDone: this.filesDone,
      checkpoints: this.checkpoints,
    };
    this.events = [];
    this.rejections = [];
    this.filesDone = [];
    this.checkpoints = [];
    const result = this.options.writer.writeBatch(batch);
    const s = this.summary.stored;
    s.denials += result.denials;
    s.evidence += result.evidence;
    s.usage += result.usage;
    this.summary.duplicates += result.duplicates;
  }

  /** Flushes and returns the final summary. */
  finish(): IngestSummary {
    this.flush();
    this.summary.durationMs = this.now() - this.started;
    return this.summary;
  }

  private add(event: NormalisedEvent, raw: string): void {
    this.summary.events++;
    this.events.push({ event, raw: event.class === "usage" ? "" : raw });
    if (this.events.length >= this.batchSize) this.flush();
  }
}

function joinPosition(outer: string, inner: string): string {
  return outer ? `${outer}, ${inner}` : inner;
}
