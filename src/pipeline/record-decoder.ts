import { unwrapEnvelope, validateRecord } from "../cloudtrail/normalise.js";
import type { CloudTrailRecord } from "../cloudtrail/record.js";
import type { Place } from "../sources/source.js";
import type { RejectReason } from "./reject-reasons.js";

/**
 * From JSON to checked records, the same wherever records are decoded (the ingest session, a decode worker):
 * parse, unwrap envelopes and Records lists, check each record. What is not a record is said with its reason.
 */

export interface DecodedReject {
  reason: RejectReason;
  detail: string;
  raw: string;
  place: Place;
}

export interface DecodeSink {
  /** A checked record; `raw` is its text as it came when known and not an envelope's, else its JSON. */
  record(record: CloudTrailRecord, raw: string, place: Place): void;
  reject(reject: DecodedReject): void;
}

function joinPosition(outer: string, inner: string): string {
  return outer ? `${outer}, ${inner}` : inner;
}

/** One parsed value: a record, an EventBridge event, an array of them or a {"Records": […]} document. */
export function decodeValue(value: unknown, raw: string | null, place: Place, sink: DecodeSink): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      decodeValue(item, null, { ...place, position: joinPosition(place.position, `record ${i}`) }, sink);
    });
    return;
  }
  const records =
    typeof value === "object" && value !== null ? (value as { Records?: unknown }).Records : undefined;
  if (Array.isArray(records)) {
    decodeValue(records, null, place, sink);
    return;
  }
  const checked = validateRecord(value);
  if ("rejection" in checked) {
    const { reason, detail } = checked.rejection;
    sink.reject({ reason, detail, raw: raw ?? JSON.stringify(value), place });
    return;
  }
  // An EventBridge event's text is the envelope's: the record itself is stored.
  const unwrapped = unwrapEnvelope(value) !== value;
  sink.record(checked.record, raw !== null && !unwrapped ? raw : JSON.stringify(checked.record), place);
}

/** One JSON text holding a record, an EventBridge event, an array of them or a {"Records": […]} document. */
export function decodeText(text: string, place: Place, sink: DecodeSink): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    sink.reject({ reason: "json.invalid", detail: (error as Error).message, raw: text, place });
    return;
  }
  decodeValue(value, text, place, sink);
}
