import { isAscii } from "node:buffer";
import { TextDecoder } from "node:util";
import { normaliseRecord } from "../cloudtrail/normalise.js";
import type { CloudTrailRecord } from "../cloudtrail/record.js";
import type { DecodedEvents, StoredEvent } from "../db/ingest.repository.js";
import { UsageFolder } from "../db/usage-fold.js";
import { fileRecordChunks } from "../sources/files/files.source.js";
import { releaseBytes, wholeFileBytes } from "../sources/files/read-text.js";
import { cutRecordsArray } from "../sources/files/records-array.js";
import type { FileIdentity, Place } from "../sources/source.js";
import { type DecodedReject, type DecodeSink, decodeText, decodeValue } from "./record-decoder.js";

/**
 * A file decoded to what the store takes: denials and evidence as events with their text, usage events already
 * folded into rows, and rejects. The same function runs on a decode worker and, with none, on the main thread, so
 * the stored result is the same whatever the number of workers.
 */
export interface DecodedPart {
  events: DecodedEvents;
  rejects: DecodedReject[];
  /** Valid records: stored plus folded. */
  records: number;
  /** Input that is not a record and was not meant to be one (CloudWatch Logs control messages). */
  ignored: number;
  /** Characters of JSON read. */
  chars: number;
}

/** Records per part: a file larger than this is handed over in several parts, so memory stays flat. */
export const PART_RECORDS = 5_000;

/** What a part weighs against a worker's limit of parts not taken: its records, and at least one. */
export const partWeight = (part: DecodedPart): number => Math.max(1, part.records);

/** The part being decoded: `take` hands it over and starts the next. */
class PartBuilder implements DecodeSink {
  private stored: StoredEvent[] = [];
  private storedAt: number[] = [];
  private rejects: DecodedReject[] = [];
  private folder = new UsageFolder();
  chars = 0;
  private ignoredCount = 0;

  /** `size`: the records that make a part full. */
  constructor(private readonly size: number) {}

  get records(): number {
    return this.stored.length + this.folder.count;
  }

  /** It holds a whole part: time to hand it over. */
  get full(): boolean {
    return this.records >= this.size;
  }

  /** Nothing was decoded into it, not even a reject or input it ignored. */
  get empty(): boolean {
    return this.records === 0 && this.rejects.length === 0 && this.ignoredCount === 0 && this.chars === 0;
  }

  record(record: CloudTrailRecord, raw: string, _place: Place): void {
    const event = normaliseRecord(record);
    if (event.class === "usage") this.folder.add(event);
    else {
      this.stored.push({ event, raw });
      this.storedAt.push(this.folder.count);
    }
  }

  reject(reject: DecodedReject): void {
    this.rejects.push(reject);
  }

  ignored(_place: Place): void {
    this.ignoredCount++;
  }

  /** The part decoded so far; the builder starts an empty one. */
  take(): DecodedPart {
    const part: DecodedPart = {
      events: { stored: this.stored, storedAt: this.storedAt, folded: this.folder.take() },
      rejects: this.rejects,
      records: this.records,
      ignored: this.ignoredCount,
      chars: this.chars,
    };
    this.stored = [];
    this.storedAt = [];
    this.rejects = [];
    this.folder = new UsageFolder();
    this.chars = 0;
    this.ignoredCount = 0;
    return part;
  }
}

/** `text` parsed, or undefined when it is not JSON. */
function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Record i of a cut file as text: ASCII (CloudTrail's usual) is its own Latin-1; anything else is decoded. */
function recordText(bytes: Buffer, cuts: number[], i: number, utf8: TextDecoder | null): string {
  const [start, end] = [cuts[2 * i] as number, cuts[2 * i + 1] as number];
  return utf8 === null ? bytes.toString("latin1", start, end) : utf8.decode(bytes.subarray(start, end));
}

/**
 * Reads, cuts or splits, parses, checks, normalises and folds one file, a part at a time. A file read whole and
 * laid out as CloudTrail writes it is cut at its records' starts (src/sources/files/records-array.ts); at the first
 * piece that does not parse (a damaged record, or a cut inside one), and for any other file, the splitter takes
 * over, past the records already decoded, from the bytes already read when there are.
 */
export async function* decodeFile(
  file: FileIdentity,
  options: FileDecodeOptions = {},
  partRecords = PART_RECORDS,
): AsyncGenerator<DecodedPart> {
  const read = options.maxInflatedBytes !== undefined ? { maxInflatedBytes: options.maxInflatedBytes } : {};
  const whole = await wholeFileBytes(file.path, options.bytes, read);
  const cuts = whole === null ? null : cutRecordsArray(whole.bytes);
  const part = new PartBuilder(partRecords);
  let decoded = 0;
  try {
    if (whole !== null && cuts !== null) {
      const utf8 = isAscii(whole.bytes) ? null : new TextDecoder("utf-8");
      for (; decoded < cuts.length / 2; decoded++) {
        const text = recordText(whole.bytes, cuts, decoded, utf8);
        const value = parsed(text);
        if (value === undefined) break;
        part.chars += text.length;
        decodeValue(value, text, { location: file.path, position: `record ${decoded}` }, part);
        if (part.full) yield part.take();
      }
    }
    if (cuts === null || decoded < cuts.length / 2) {
      let units = 0;
      const bytes = whole?.bytes ?? options.bytes;
      for await (const chunk of fileRecordChunks(file.path, options.maxInflatedBytes, bytes)) {
        for (const item of chunk) {
          if (item.kind === "text") {
            if (units++ < decoded) continue;
            part.chars += item.text.length;
            decodeText(item.text, item.place, part);
          } else if (item.kind === "reject")
            part.reject({
              reason: item.reason,
              detail: item.detail,
              raw: item.raw,
              place: item.place,
              records: item.records ?? null,
            });
          if (part.full) yield part.take();
        }
      }
    }
  } finally {
    if (whole !== null) releaseBytes(whole);
  }
  if (!part.empty) yield part.take();
}

/** How a file is read. */
export interface FileDecodeOptions {
  /** The most its gzip stream may inflate to (read-text.ts's MAX_INFLATED_BYTES when absent). */
  maxInflatedBytes?: number;
  /** Its content, fetched already (an S3 object): decoded from these instead of read from the file's path. */
  bytes?: Uint8Array;
}

/** What reads the files a source hands over: on the main thread, or on a pool of decode workers. */
export interface FileDecoder {
  /** How many files may be decoding ahead of the one being stored. */
  readonly lookahead: number;
  /** The file's parts in order; a pool starts decoding at once. */
  decode(file: FileIdentity, options?: FileDecodeOptions): AsyncIterable<DecodedPart>;
  close(): Promise<void>;
}

/** Decodes each file on the main thread when its turn comes. */
export const inlineDecoder: FileDecoder = {
  lookahead: 0,
  decode: (file, options) => decodeFile(file, options),
  close: async () => {},
};
