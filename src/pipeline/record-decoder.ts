import { openEnvelopes } from "../cloudtrail/envelopes.js";
import { unwrapEnvelope, validateRecord } from "../cloudtrail/normalise.js";
import type { CloudTrailRecord } from "../cloudtrail/record.js";
import {
  MAX_RECORD_CHARS,
  RecordSplitter,
  recordsSpanned,
  type SplitItem,
} from "../sources/files/split-records.js";
import type { Place } from "../sources/source.js";
import type { RejectReason } from "./reject-reasons.js";

/**
 * From JSON to checked records, the same for every way records arrive (ingest of any source, explain, pushes):
 * parse, open the envelopes records travel in, check each record against the record schema. What is not a record
 * is said once, with its reason and how many records it spans.
 */

export interface DecodedReject {
  reason: RejectReason;
  detail: string;
  raw: string;
  place: Place;
  /** How many records the rejected text spans; null when that cannot be told. */
  records: number | null;
}

export interface DecodeSink {
  /** A checked record; `raw` is its text as it came when known and not an envelope's, else its JSON. */
  record(record: CloudTrailRecord, raw: string, place: Place): void;
  reject(reject: DecodedReject): void;
  /** Input that is not a record and was not meant to be one (a CloudWatch Logs control message). */
  ignored(place: Place): void;
}

export interface DecodeOptions {
  /** The record size limit, in characters (envelopes inflate up to it). */
  maxRecordChars?: number;
}

function joinPosition(outer: string, inner: string): string {
  return outer && inner ? `${outer}, ${inner}` : outer || inner;
}

/** One parsed value: a record, an envelope, an array of them or a {"Records": […]} document. */
export function decodeValue(
  value: unknown,
  raw: string | null,
  place: Place,
  sink: DecodeSink,
  options: DecodeOptions = {},
): void {
  const maxChars = options.maxRecordChars ?? MAX_RECORD_CHARS;
  for (const opened of openEnvelopes(value, raw, { maxChars })) {
    const at = { ...place, position: joinPosition(place.position, opened.position) };
    if (opened.kind === "ignored") sink.ignored(at);
    else if (opened.kind === "reject")
      sink.reject({ reason: opened.reason, detail: opened.detail, raw: opened.raw, place: at, records: 1 });
    else {
      const checked = validateRecord(opened.value);
      if ("rejection" in checked) {
        const { reason, detail } = checked.rejection;
        sink.reject({
          reason,
          detail,
          raw: opened.raw ?? JSON.stringify(opened.value),
          place: at,
          records: 1,
        });
        continue;
      }
      // An EventBridge event's text is the envelope's: the record itself is stored.
      const own = opened.raw !== null && unwrapEnvelope(opened.value) === opened.value;
      sink.record(checked.record, own ? (opened.raw as string) : JSON.stringify(checked.record), at);
    }
  }
}

/**
 * One JSON text that a record splitter cut (its nesting is bounded, so parsing it is safe), holding a record, an
 * envelope, an array of them or a {"Records": […]} document.
 */
export function decodeText(text: string, place: Place, sink: DecodeSink, options: DecodeOptions = {}): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    sink.reject({
      reason: "json.invalid",
      detail: (error as Error).message,
      raw: text,
      place,
      records: recordsSpanned(text),
    });
    return;
  }
  decodeValue(value, text, place, sink, options);
}

/** What decoding a document found: how many record texts it held, and the first problem with it. */
export interface DocumentRead {
  units: number;
  firstProblem: string | undefined;
}

function splitterFor(options: DecodeOptions): RecordSplitter {
  return new RecordSplitter(
    options.maxRecordChars !== undefined ? { maxUnitChars: options.maxRecordChars } : {},
  );
}

function decodeSplit(
  items: SplitItem[],
  location: string,
  sink: DecodeSink,
  options: DecodeOptions,
  read: DocumentRead,
): void {
  for (const item of items) {
    const place = { location, position: item.index !== null ? `record ${item.index}` : `line ${item.line}` };
    if (item.kind === "unit") {
      read.units++;
      decodeText(item.text, place, sink, options);
    } else {
      read.firstProblem ??= item.detail;
      sink.reject({ reason: item.reason, detail: item.detail, raw: item.text, place, records: item.records });
    }
  }
}

/**
 * A whole document in any accepted shape (a request body): cut into record texts by the same splitter as files,
 * then decoded. Positions are 'record N' in an array or Records list, 'line N' otherwise.
 */
export function decodeDocument(
  text: string,
  location: string,
  sink: DecodeSink,
  options: DecodeOptions = {},
): DocumentRead {
  const splitter = splitterFor(options);
  const read: DocumentRead = { units: 0, firstProblem: undefined };
  decodeSplit([...splitter.push(text), ...splitter.end()], location, sink, options, read);
  return read;
}

/** The same for a document read in chunks (a file, standard input): memory stays that of one record. */
export async function decodeChunks(
  chunks: AsyncIterable<string>,
  location: string,
  sink: DecodeSink,
  options: DecodeOptions = {},
): Promise<DocumentRead> {
  const splitter = splitterFor(options);
  const read: DocumentRead = { units: 0, firstProblem: undefined };
  for await (const chunk of chunks) decodeSplit(splitter.push(chunk), location, sink, options, read);
  decodeSplit(splitter.end(), location, sink, options, read);
  return read;
}
