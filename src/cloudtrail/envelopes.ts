import { gunzipSync } from "node:zlib";
import { isJsonObject, MAX_JSON_DEPTH, parseJson } from "../shared/json.js";
import type { RejectReason } from "./normalise.js";

/**
 * The shapes CloudTrail records travel in, opened down to the records. One level each, never recursively, so no
 * input can make it recurse:
 * - a JSON array of records, and `{"Records": [...]}` (a trail's S3 log file);
 * - `aws cloudtrail lookup-events` output: `{"Events": [...]}` or one Event at a time, whose record is the JSON
 *   string `CloudTrailEvent` (AWS CLI reference, cloudtrail lookup-events; CloudTrail API reference, Event);
 * - CloudWatch Logs subscription data for a trail delivered to CloudWatch Logs: `{"messageType": "DATA_MESSAGE",
 *   "logEvents": [{"id", "timestamp", "message": "<record>"}]}`, and the `{"awslogs": {"data": "…"}}` envelope a
 *   Lambda function receives, the same message gzipped and base64-encoded; `CONTROL_MESSAGE`s, which CloudWatch
 *   Logs sends to check that a destination is reachable, are ignored (CloudWatch Logs user guide, "Using
 *   subscription filters" and "Validate the flow of log events");
 * - anything else is a record candidate (EventBridge events and `record` wrappers are opened by validateRecord).
 */
export type Opened =
  /** A record candidate; `raw` is its own JSON text when the envelope carried it as text. */
  | { kind: "record"; value: unknown; raw: string | null; position: string }
  | { kind: "reject"; reason: RejectReason; detail: string; raw: string; position: string }
  /** Something that is not a record and was not meant to be one (a CloudWatch Logs control message). */
  | { kind: "ignored"; position: string; what: string };

export interface OpenOptions {
  /** The largest text an envelope may inflate to (awslogs data), in characters: the record size limit. */
  maxChars: number;
}

function join(outer: string, inner: string): string {
  return outer && inner ? `${outer}, ${inner}` : outer || inner;
}

/** A record carried as JSON text (a LookupEvents CloudTrailEvent, a log event's message). */
function recordText(text: string, position: string, what: string): Opened {
  const parsed = parseJson(text, MAX_JSON_DEPTH);
  if (!parsed.ok)
    return parsed.tooDeep
      ? {
          kind: "reject",
          reason: "record.too_deep",
          detail: `${what} ${parsed.message}`,
          raw: text,
          position,
        }
      : {
          kind: "reject",
          reason: what === "CloudTrailEvent" ? "record.invalid_cloudtrail_event" : "json.invalid",
          detail: `${what} is not JSON: ${parsed.message}`,
          raw: text,
          position,
        };
  if (!isJsonObject(parsed.value))
    return {
      kind: "reject",
      reason: what === "CloudTrailEvent" ? "record.invalid_cloudtrail_event" : "record.not_object",
      detail: `${what} holds ${Array.isArray(parsed.value) ? "an array" : typeof parsed.value}`,
      raw: text,
      position,
    };
  return { kind: "record", value: parsed.value, raw: text, position };
}

/** A LookupEvents Event: the record is its CloudTrailEvent string. */
function lookupEvent(event: Record<string, unknown>, position: string): Opened {
  const text = event.CloudTrailEvent;
  if (typeof text !== "string" || text === "")
    return {
      kind: "reject",
      reason: "record.invalid_cloudtrail_event",
      detail: "CloudTrailEvent is missing",
      raw: JSON.stringify(event),
      position,
    };
  return recordText(text, position, "CloudTrailEvent");
}

/** A CloudWatch Logs subscription message: its log events' messages are the records. */
function logsMessage(message: Record<string, unknown>, position: string): Opened[] {
  if (message.messageType === "CONTROL_MESSAGE")
    return [{ kind: "ignored", position, what: "CloudWatch Logs control message" }];
  const events = Array.isArray(message.logEvents) ? message.logEvents : [];
  return events.map((event, i): Opened => {
    const at = join(position, `log event ${i}`);
    const text = isJsonObject(event) ? event.message : undefined;
    if (typeof text !== "string")
      return {
        kind: "reject",
        reason: "json.invalid",
        detail: "the log event has no message",
        raw: JSON.stringify(event) ?? "",
        position: at,
      };
    return recordText(text, at, "the log event's message");
  });
}

/** The `{"awslogs": {"data": "…"}}` envelope: base64 of gzip of a subscription message, inflated within bounds. */
function awslogs(data: string, position: string, options: OpenOptions): Opened[] {
  const reject = (reason: RejectReason, detail: string): Opened[] => [
    { kind: "reject", reason, detail, raw: data.slice(0, 64 * 1024), position },
  ];
  let text: string;
  try {
    // Inflation stops at the limit: a small payload that inflates to gigabytes is never materialised.
    text = gunzipSync(Buffer.from(data, "base64"), { maxOutputLength: options.maxChars }).toString("utf8");
  } catch (error) {
    const tooLarge = (error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE";
    return tooLarge
      ? reject("record.too_large", `awslogs.data inflates past ${options.maxChars} characters`)
      : reject("json.invalid", `awslogs.data is not base64 of gzip: ${(error as Error).message}`);
  }
  const parsed = parseJson(text, MAX_JSON_DEPTH);
  if (!parsed.ok || !isJsonObject(parsed.value) || typeof parsed.value.messageType !== "string")
    return reject("json.invalid", "awslogs.data does not hold a CloudWatch Logs subscription message");
  return logsMessage(parsed.value, position);
}

/** One element of an array or a Records/Events list: opened one level, never as a list again. */
function element(value: unknown, raw: string | null, position: string, options: OpenOptions): Opened[] {
  if (Array.isArray(value))
    return [
      { kind: "reject", reason: "record.not_object", detail: "found array", raw: raw ?? "[…]", position },
    ];
  if (!isJsonObject(value)) return [{ kind: "record", value, raw, position }];
  if (typeof value.CloudTrailEvent === "string" || ("EventId" in value && "CloudTrailEvent" in value))
    return [lookupEvent(value, position)];
  if (typeof value.messageType === "string" && "logEvents" in value) return logsMessage(value, position);
  const logs = value.awslogs;
  if (isJsonObject(logs) && typeof logs.data === "string") return awslogs(logs.data, position, options);
  return [{ kind: "record", value, raw, position }];
}

/**
 * The records in one parsed value, each with its position inside it ('' for the value itself, 'record 3',
 * 'record 3, log event 2'); `raw` is the value's own text when known.
 */
export function openEnvelopes(value: unknown, raw: string | null, options: OpenOptions): Opened[] {
  const list = Array.isArray(value)
    ? value
    : isJsonObject(value) && Array.isArray(value.Records)
      ? value.Records
      : isJsonObject(value) && Array.isArray(value.Events)
        ? value.Events
        : null;
  if (list === null) return element(value, raw, "", options);
  return list.flatMap((item, i) => element(item, null, `record ${i}`, options));
}
