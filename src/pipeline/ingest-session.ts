import { normaliseRecord } from "../cloudtrail/normalise.js";
import type { CloudTrailRecord } from "../cloudtrail/record.js";
import { primaryResource, usageResource } from "../cloudtrail/resource.js";
import type { Batch, DecodedEvents, LoggedCredentialRequest, StoredEvent } from "../db/ingest.repository.js";
import type { Store } from "../db/store.js";
import type { UsageDayReplacement } from "../db/usage-days.repository.js";
import { Aggregates } from "../db/usage-fold.js";
import { MAX_RECORD_CHARS } from "../sources/files/split-records.js";
import {
  type Checkpoint,
  type FileIdentity,
  type FileMark,
  InputRefusedError,
  type Place,
  type Progress,
  type Source,
  type SourceItem,
  type SourceUsage,
} from "../sources/source.js";
import { decodePool } from "./decode-pool.js";
import { type DecodedPart, type FileDecodeOptions, type FileDecoder, inlineDecoder } from "./file-decode.js";
import { type DecodedReject, type DecodeSink, decodeText, decodeValue } from "./record-decoder.js";
import { RejectFolds } from "./reject-folds.js";
import { type RejectReason, rejectReasons } from "./reject-reasons.js";

export interface RejectionReport extends Place {
  reason: RejectReason;
  detail: string;
  /** How many records the rejected input spans; null when that cannot be told. */
  records: number | null;
}

/** More records than a session may take (a push past its cap): nothing of it is stored. */
export class RecordLimitError extends InputRefusedError {
  constructor(readonly limit: number) {
    super("request.too_many_records", `more than ${limit} records in one request`);
  }
}

export interface IngestSummary {
  source: string;
  files: { read: number; skipped: number };
  /** Valid records seen (stored or duplicate). */
  events: number;
  stored: { denials: number; evidence: number; usage: number };
  duplicates: number;
  rejected: {
    total: number;
    byReason: Partial<Record<RejectReason, number>>;
    /** Records the rejects span, summed over those where it can be told; `unknown` counts the others. */
    spans: { records: number; unknown: number };
  };
  /** Input that is not a record and was not meant to be one (CloudWatch Logs control messages). */
  ignored: number;
  /** Days of usage aggregates replaced by a source that aggregates by itself (Athena). */
  usageDaysReplaced: number;
  /** Requests for task credentials that ECS agents logged, stored (duplicates are counted with the events'). */
  credentialRequests: number;
  /** Uncompressed characters of JSON read. */
  chars: number;
  durationMs: number;
}

export interface IngestSessionOptions {
  /** Stored with what is ingested (denials.source, quarantine.source). */
  source: string;
  store: Store;
  /** Events per transaction; 10k-row transactions sit near the insert ceiling. */
  batchSize?: number;
  /** Called for every rejected piece of input, as it happens. */
  onReject?: (report: RejectionReport) => void;
  now?: () => number;
  /**
   * Threads that read and decode the files a source hands over (gunzip, split, parse, check, normalise, fold);
   * 0 (the default) decodes them on this thread. The stored result is the same whatever the number.
   */
  decodeWorkers?: number;
  /** At most this many records and rejects in all: past it the session throws RecordLimitError. */
  maxRecords?: number;
  /** The record size limit, in characters: what a rejected record's raw text is kept up to. */
  maxRecordChars?: number;
}

/** Whether anything reached the store that the stages after storing should see. */
export function storedAnything(s: IngestSummary): boolean {
  return (
    s.stored.denials + s.stored.evidence + s.stored.usage + s.usageDaysReplaced + s.credentialRequests > 0
  );
}

/**
 * Turns a source's items into stored events in batches: parse, validate, normalise, and commit each batch in one
 * transaction together with the progress marks (files done, checkpoints) that belong to it. The same for every
 * source.
 */
export class IngestSession {
  readonly summary: IngestSummary;
  private readonly batchSize: number;
  private readonly now: () => number;
  private readonly started: number;
  private readonly store: Store;
  private events: StoredEvent[] = [];
  private decoded: DecodedEvents[] = [];
  /** Events in `decoded`. */
  private decodedEvents = 0;
  private credentialRequests: LoggedCredentialRequest[] = [];
  private readonly rejections = new RejectFolds();
  private readonly sink: DecodeSink;
  private readonly maxRecordChars: number;
  /** Records and rejects taken so far, against `maxRecords`. */
  private taken = 0;
  private filesDone: FileMark[] = [];
  private checkpoints: Checkpoint[] = [];
  private usageDays: UsageDayReplacement[] = [];
  /** Quarantine rows whose input this session read again (a retry): deleted in the commit that stores it. */
  private resolvedQuarantine: number[] = [];
  /** Quarantine rows deleted by this session's commits. */
  quarantineResolved = 0;
  /** Events accepted since the last file boundary: the count a file mark records. */
  private fileEvents = 0;
  /** Set by an item after which what is pending must be committed before the next item is taken. */
  private commitDue = false;
  /** Rejects since the last file boundary: a file with any is not marked done, so a fixed re-run reads it again. */
  private fileRejects = 0;

  constructor(private readonly options: IngestSessionOptions) {
    this.store = options.store;
    this.batchSize = options.batchSize ?? 10_000;
    this.maxRecordChars = options.maxRecordChars ?? MAX_RECORD_CHARS;
    this.now = options.now ?? Date.now;
    this.sink = {
      record: (record, raw) => this.acceptRecord(record, raw),
      reject: (r) => this.rejectDecoded(r),
      ignored: () => {
        this.summary.ignored++;
      },
    };
    this.started = this.now();
    this.summary = {
      source: options.source,
      files: { read: 0, skipped: 0 },
      events: 0,
      stored: { denials: 0, evidence: 0, usage: 0 },
      duplicates: 0,
      rejected: { total: 0, byReason: {}, spans: { records: 0, unknown: 0 } },
      ignored: 0,
      usageDaysReplaced: 0,
      credentialRequests: 0,
      chars: 0,
      durationMs: 0,
    };
  }

  /** What a source may ask about its own progress: the store's checkpoints and file marks. */
  get progress(): Progress {
    const writer = this.store.ingest;
    return {
      readCheckpoint: writer.readCheckpoint,
      isFileDone: writer.isFileDone,
      isObjectDone: writer.isObjectDone,
    };
  }

  /**
   * Reads a source to its end, committing as it goes; returns the source's own result. Whatever was read before a
   * failure is committed (the event-id ledger makes reading it again harmless), then the failure is rethrown.
   */
  async read<R>(source: Source<R>, options: { signal?: AbortSignal; onChunk?: () => void } = {}): Promise<R> {
    const signal = options.signal ?? new AbortController().signal;
    const reader = source.read({ signal, progress: this.progress });
    const workers = this.options.decodeWorkers ?? 0;
    let decoder: FileDecoder | null = null;
    const ahead = new Ahead();
    try {
      for (;;) {
        const next = await reader.next();
        if (next.done) {
          await this.drain(ahead, 0);
          return next.value;
        }
        for (const item of next.value) {
          if (item.kind !== "file") ahead.items.push({ item });
          else {
            decoder ??= workers > 0 ? decodePool(workers) : inlineDecoder;
            ahead.items.push({ item, parts: decoder.decode(item.file, decodeOptions(item)) });
            ahead.files++;
            ahead.bytes += item.bytes?.length ?? 0;
          }
        }
        // A source that yields `commit` acts on it once resumed (SQS deletes its messages): all of it first.
        const barrier = next.value.some((item) => item.kind === "commit");
        await this.drain(ahead, barrier ? 0 : (decoder?.lookahead ?? 0));
        options.onChunk?.();
      }
    } catch (error) {
      // Input refused as a whole (a push past its record cap, a body that is not JSON) leaves nothing behind.
      if (error instanceof InputRefusedError) this.discard();
      throw error;
    } finally {
      await decoder?.close();
      await this.commit();
    }
  }

  /**
   * Takes items in order until no more than `lookahead` files are decoding ahead. A checkpoint, a full batch or a
   * day of usage commits before the next item or part is taken.
   */
  private async drain(ahead: Ahead, lookahead: number): Promise<void> {
    for (;;) {
      const head = ahead.items[0];
      if (head === undefined || (head.parts !== undefined && ahead.within(lookahead))) return;
      ahead.items.shift();
      if (head.parts === undefined) {
        this.accept(head.item);
        if (this.commitDue) await this.commit();
        continue;
      }
      ahead.files--;
      if (head.item.kind === "file") ahead.bytes -= head.item.bytes?.length ?? 0;
      for await (const part of head.parts) {
        this.acceptPart(part);
        if (this.commitDue) await this.commit();
      }
    }
  }

  /** A part of a file decoded elsewhere: its rejects, events and folded usage join the batch. */
  acceptPart(part: DecodedPart): void {
    this.summary.chars += part.chars;
    for (const r of part.rejects) this.rejectDecoded(r);
    this.summary.ignored += part.ignored;
    this.taken += part.records;
    this.summary.events += part.records;
    this.fileEvents += part.records;
    if (part.records > 0) {
      this.decoded.push(part.events);
      this.decodedEvents += part.records;
    }
    if (this.events.length + this.decodedEvents >= this.batchSize) this.commitDue = true;
  }

  accept(item: SourceItem): void {
    switch (item.kind) {
      case "text":
        this.acceptText(item.text, item.place);
        break;
      case "value":
        if (item.raw !== null) this.summary.chars += item.raw.length;
        this.acceptValue(item.value, item.raw, item.place);
        break;
      case "reject":
        this.reject(item.reason, item.detail, item.raw, item.place, item.records ?? null);
        break;
      case "file":
        throw new Error("a file item is decoded by read(), not accepted alone");
      case "file-done":
        this.fileDone(item.file);
        break;
      case "file-skipped":
        this.summary.files.skipped++;
        this.fileEvents = 0;
        this.fileRejects = 0;
        break;
      case "checkpoint":
        this.checkpoints.push(item.checkpoint);
        this.commitDue = true;
        break;
      case "commit":
        this.commitDue = true;
        break;
      case "usage-day":
        this.replaceUsageDay(item.day, item.rows, item.checkpoint);
        break;
      case "credential-request":
        this.credentialRequests.push({ request: item.request, raw: item.raw, occurrence: item.occurrence });
        this.fileEvents++;
        if (this.credentialRequests.length >= this.batchSize) this.commitDue = true;
        break;
    }
  }

  /** One JSON text holding a record, an envelope, an array of them or a {"Records":[…]} document. */
  acceptText(text: string, place: Place): void {
    this.summary.chars += text.length;
    decodeText(text, place, this.sink, { maxRecordChars: this.maxRecordChars });
  }

  /** An already parsed value; `raw` is its original text when known (kept as is for denials and evidence). */
  acceptValue(value: unknown, raw: string | null, place: Place): void {
    decodeValue(value, raw, place, this.sink, { maxRecordChars: this.maxRecordChars });
  }

  private count(): void {
    const max = this.options.maxRecords;
    if (max !== undefined && ++this.taken > max) throw new RecordLimitError(max);
  }

  private acceptRecord(record: CloudTrailRecord, raw: string): void {
    this.count();
    const event = normaliseRecord(record);
    this.summary.events++;
    this.fileEvents++;
    this.events.push({ event, raw: event.class === "usage" ? "" : raw });
    if (this.events.length + this.decodedEvents >= this.batchSize) this.commitDue = true;
  }

  private rejectDecoded(r: DecodedReject): void {
    this.reject(r.reason, r.detail, r.raw, r.place, r.records);
  }

  reject(reason: RejectReason, detail: string, raw: string, place: Place, records: number | null = 1): void {
    this.count();
    this.fileRejects++;
    const r = this.summary.rejected;
    r.total++;
    r.byReason[reason] = (r.byReason[reason] ?? 0) + 1;
    if (records === null) r.spans.unknown++;
    else r.spans.records += records;
    const text = detail || rejectReasons[reason];
    this.rejections.add({
      source: this.options.source,
      location: place.location,
      position: place.position,
      reason,
      detail: text,
      raw: raw.length > this.maxRecordChars ? raw.slice(0, this.maxRecordChars) : raw,
      records,
    });
    this.options.onReject?.({ ...place, reason, detail: text, records });
    // Rejects fill batches too: a file of nothing but bad lines must not gather them all in memory.
    if (this.rejections.size + this.events.length + this.decodedEvents >= this.batchSize)
      this.commitDue = true;
  }

  /**
   * A quarantined row whose text was accepted again (a retry): the row is deleted in the same transaction as the
   * events read from it, so it is never both stored and still quarantined.
   */
  resolveQuarantined(id: number): void {
    this.resolvedQuarantine.push(id);
  }

  /**
   * Marks a file as read to the end; committed with its last events, so a crash never marks it early. A file that
   * had rejects is not marked: a re-run after a fix reads it again (what it stored is then counted as duplicates).
   */
  fileDone(file: FileIdentity | null): void {
    if (file !== null && this.fileRejects === 0) this.filesDone.push({ ...file, records: this.fileEvents });
    this.fileEvents = 0;
    this.fileRejects = 0;
    this.summary.files.read++;
  }

  /**
   * Commits what is pending in one transaction: the batch, then the days of usage a source replaced after it, in the
   * order they were read. Waits for the write lock when another process holds it.
   */
  async commit(): Promise<void> {
    this.commitDue = false;
    const days = this.usageDays;
    if (
      this.events.length === 0 &&
      this.decoded.length === 0 &&
      this.credentialRequests.length === 0 &&
      this.rejections.size === 0 &&
      this.filesDone.length === 0 &&
      this.checkpoints.length === 0 &&
      this.resolvedQuarantine.length === 0 &&
      days.length === 0
    )
      return;
    const batch: Batch = {
      source: this.options.source,
      events: this.events,
      decoded: this.decoded,
      credentialRequests: this.credentialRequests,
      rejections: this.rejections.take(),
      filesDone: this.filesDone,
      checkpoints: this.checkpoints,
    };
    this.events = [];
    this.decoded = [];
    this.decodedEvents = 0;
    this.credentialRequests = [];
    this.filesDone = [];
    this.checkpoints = [];
    this.usageDays = [];
    const resolved = this.resolvedQuarantine;
    this.resolvedQuarantine = [];
    const result = await this.store.write(() => {
      const stored = this.store.ingest.writeBatch(batch);
      for (const day of days) this.store.usageDays.replaceDay(day);
      this.quarantineResolved += this.store.quarantine.remove(resolved);
      return stored;
    });
    const s = this.summary.stored;
    s.denials += result.denials;
    s.evidence += result.evidence;
    s.usage += result.usage;
    this.summary.duplicates += result.duplicates;
    this.summary.credentialRequests += result.credentialRequests;
    this.summary.usageDaysReplaced += days.length;
  }

  /** Forgets everything pending (input refused as a whole). */
  private discard(): void {
    this.events = [];
    this.decoded = [];
    this.decodedEvents = 0;
    this.credentialRequests = [];
    this.rejections.drop();
    this.filesDone = [];
    this.checkpoints = [];
    this.usageDays = [];
    this.resolvedQuarantine = [];
  }

  /** Commits and returns the final summary. */
  async finish(): Promise<IngestSummary> {
    await this.commit();
    this.summary.durationMs = this.now() - this.started;
    return this.summary;
  }

  /**
   * A day of aggregates a source computed: their resources built from their calls and folded as ingest does it,
   * rows that then share a usage key merged as a batch merges them, and the stored day replaced after everything read before it, in the same commit.
   */
  private replaceUsageDay(day: string, rows: SourceUsage[], checkpoint: Checkpoint | null): void {
    const aggregates = new Aggregates();
    aggregates.addRows(
      rows.map(({ call, ...row }) => ({ ...row, resource: usageResource(primaryResource(call)) })),
    );
    this.usageDays.push({ day, rows: aggregates.usage.rows, checkpoint });
    this.commitDue = true;
  }
}

/** How a file item is decoded: its inflation cap, and its bytes when the source fetched them. */
function decodeOptions(item: SourceItem & { kind: "file" }): FileDecodeOptions {
  return {
    ...(item.maxInflatedBytes !== undefined ? { maxInflatedBytes: item.maxInflatedBytes } : {}),
    ...(item.bytes !== undefined ? { bytes: item.bytes } : {}),
  };
}

/** The most fetched bytes (S3 objects) held by files read ahead, whatever the decoder's lookahead. */
const AHEAD_BYTES = 64 * 1024 * 1024;

/** Items read ahead of the writer: files decoding (with their parts to come) and the items between them. */
class Ahead {
  readonly items: { item: SourceItem; parts?: AsyncIterable<DecodedPart> }[] = [];
  /** Files among them. */
  files = 0;
  /** The bytes of those a source fetched already. */
  bytes = 0;

  /** No more than `lookahead` files and AHEAD_BYTES fetched bytes are ahead. */
  within(lookahead: number): boolean {
    return this.files <= lookahead && (this.bytes <= AHEAD_BYTES || this.files === 0);
  }
}

export interface IngestRun<R> {
  summary: IngestSummary;
  result: R;
}

/** Reads a whole source into the store (no stages after it): the summary, and the source's own result. */
export async function ingestSource<R>(
  store: Store,
  source: Source<R>,
  options: Omit<IngestSessionOptions, "store" | "source"> & {
    signal?: AbortSignal;
    onChunk?: () => void;
  } = {},
): Promise<IngestRun<R>> {
  const { signal, onChunk, ...sessionOptions } = options;
  const session = new IngestSession({ ...sessionOptions, store, source: source.name });
  const result = await session.read(source, {
    ...(signal ? { signal } : {}),
    ...(onChunk ? { onChunk } : {}),
  });
  return { summary: await session.finish(), result };
}
