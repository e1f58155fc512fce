import { type SessionShape, sessionShape } from "./arn.js";
import { isDenial } from "./denial.js";
import { isEvidence } from "./evidence-events.js";
import { extractPrincipal, type Principal } from "./principal.js";
import type { CloudTrailRecord } from "./record.js";
import { primaryResource } from "./resource.js";

/** Why a record was set aside. Stable codes: summaries, the quarantine table and clients match on them. */
export const rejectReasons = {
  "json.invalid": "not valid JSON",
  "gzip.corrupt": "the gzip stream is truncated or corrupt",
  "file.unreadable": "the file could not be read",
  "file.not_cloudtrail": "the input holds no CloudTrail records",
  "record.not_object": "the record is not a JSON object",
  "record.not_cloudtrail": "the object has none of CloudTrail's record fields",
  "record.too_large": "the record is larger than the size limit",
  "record.truncated": "the input ends inside a record",
  "record.missing_event_id": "the record has no eventID",
  "record.missing_event_time": "the record has no eventTime",
  "record.invalid_event_time": "the record's eventTime is not a timestamp",
  "record.missing_event_name": "the record has no eventSource or eventName",
  "record.invalid_cloudtrail_event": "the LookupEvents result's CloudTrailEvent is not a JSON object",
} as const;
export type RejectReason = keyof typeof rejectReasons;

/** A rejected piece of input: a typed value, never a thrown string. */
export interface Rejection {
  reason: RejectReason;
  detail: string;
}

export type EventClass = "denial" | "evidence" | "usage";

/** A record reduced to what the store keeps, plus the record itself for denials and evidence. */
export interface NormalisedEvent {
  eventId: string;
  eventTime: number;
  /** UTC day, 'YYYY-MM-DD'. */
  day: string;
  accountId: string;
  region: string;
  eventSource: string;
  eventName: string;
  errorCode: string | null;
  errorMessage: string | null;
  principal: Principal;
  sessionShape: SessionShape | null;
  userAgent: string | null;
  sourceIp: string | null;
  resource: string | null;
  class: EventClass;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Unwraps the envelopes records travel in: EventBridge events ("AWS API Call via CloudTrail", record in `detail`)
 * and SIEM/log-shipper exports that nest the record under `record`. Returns the value unchanged otherwise.
 */
export function unwrapEnvelope(value: unknown): unknown {
  if (!isObject(value)) return value;
  if ("eventID" in value || "eventName" in value) return value;
  if (isObject(value.detail) && typeof value["detail-type"] === "string") return value.detail;
  if (isObject(value.record)) return value.record;
  return value;
}

/**
 * The records of a request or file body in the accepted shapes — one record or event, an array of them, or a
 * CloudTrail log file {"Records": [...]} — each with its position in the body ('record 3', or '' for a lone one).
 */
export function bodyRecords(body: unknown): { position: string; value: unknown }[] {
  const records = isObject(body) ? body.Records : undefined;
  const list = Array.isArray(body) ? body : Array.isArray(records) ? records : null;
  return list
    ? list.map((value, i) => ({ position: `record ${i}`, value }))
    : [{ position: "", value: body }];
}

/** Checks the fields deniedby cannot do without; everything else is read defensively later. */
export function validateRecord(value: unknown): { record: CloudTrailRecord } | { rejection: Rejection } {
  const v = unwrapEnvelope(value);
  if (!isObject(v))
    return {
      rejection: { reason: "record.not_object", detail: `found ${Array.isArray(v) ? "array" : typeof v}` },
    };
  if (!("eventID" in v || "eventTime" in v || "eventName" in v || "eventSource" in v))
    return {
      rejection: {
        reason: "record.not_cloudtrail",
        detail: `keys: ${Object.keys(v).slice(0, 8).join(", ")}`,
      },
    };
  if (typeof v.eventID !== "string" || v.eventID === "")
    return { rejection: { reason: "record.missing_event_id", detail: "eventID is missing or empty" } };
  // Logstash-style exports move eventTime to @timestamp; the instant is the same.
  if ((typeof v.eventTime !== "string" || v.eventTime === "") && typeof v["@timestamp"] === "string")
    return validateRecord({ ...v, eventTime: v["@timestamp"] });
  if (typeof v.eventTime !== "string" || v.eventTime === "")
    return {
      rejection: {
        reason: "record.missing_event_time",
        detail: `eventID ${v.eventID}: eventTime is missing`,
      },
    };
  if (Number.isNaN(Date.parse(v.eventTime)))
    return {
      rejection: {
        reason: "record.invalid_event_time",
        detail: `eventID ${v.eventID}: eventTime ${JSON.stringify(v.eventTime).slice(0, 80)}`,
      },
    };
  if (typeof v.eventSource !== "string" || typeof v.eventName !== "string" || !v.eventName)
    return {
      rejection: {
        reason: "record.missing_event_name",
        detail: `eventID ${v.eventID}: eventSource/eventName missing`,
      },
    };
  return { record: v as CloudTrailRecord };
}

/** CloudTrail writes eventTime as UTC 'YYYY-MM-DDTHH:MM:SSZ': its first ten characters are the day. */
const UTC_ISO = /^\d{4}-\d{2}-\d{2}T[^+]*Z$/;

function utcDay(text: string, ms: number): string {
  return UTC_ISO.test(text) ? text.slice(0, 10) : new Date(ms).toISOString().slice(0, 10);
}

/** Reduces a valid record to a stored event and decides where it goes: denials, evidence, or usage aggregates. */
export function normaliseRecord(record: CloudTrailRecord): NormalisedEvent {
  const principal = extractPrincipal(record);
  const eventTime = Date.parse(record.eventTime);
  const errorCode = record.errorCode || null;
  const errorMessage = typeof record.errorMessage === "string" ? record.errorMessage : null;
  const cls: EventClass = isDenial(errorCode ?? undefined, errorMessage ?? undefined)
    ? "denial"
    : isEvidence(record, principal)
      ? "evidence"
      : "usage";
  return {
    eventId: record.eventID,
    eventTime,
    day: utcDay(record.eventTime, eventTime),
    accountId: record.recipientAccountId ?? principal.accountId,
    region: record.awsRegion ?? "",
    eventSource: record.eventSource,
    eventName: record.eventName,
    errorCode,
    errorMessage,
    principal,
    sessionShape: principal.sessionName === null ? null : sessionShape(principal.sessionName),
    userAgent: typeof record.userAgent === "string" ? record.userAgent : null,
    sourceIp: typeof record.sourceIPAddress === "string" ? record.sourceIPAddress : null,
    resource: primaryResource(record),
    class: cls,
  };
}
