import { isJsonObject } from "../shared/json.js";
import { type SessionShape, sessionShape } from "./arn.js";
import { isDenial } from "./denial.js";
import { isEvidence } from "./evidence-events.js";
import { extractPrincipal, type Principal } from "./principal.js";
import { CloudTrailRecord, isCloudTrailRecord, parseEventTime } from "./record.js";
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
  "record.too_deep": "the record nests deeper than the depth limit",
  "record.truncated": "the input ends inside a record",
  "record.missing_event_id": "the record has no eventID",
  "record.missing_event_time": "the record has no eventTime",
  "record.invalid_event_time": "the record's eventTime is not a CloudTrail time (2026-11-16T10:00:00Z)",
  "record.invalid_field": "a field the record schema names has the wrong JSON type",
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

/**
 * Unwraps the envelopes records travel in: EventBridge events ("AWS API Call via CloudTrail", record in `detail`)
 * and SIEM/log-shipper exports that nest the record under `record`. Returns the value unchanged otherwise.
 */
export function unwrapEnvelope(value: unknown): unknown {
  if (!isJsonObject(value)) return value;
  if ("eventID" in value || "eventName" in value) return value;
  if (isJsonObject(value.detail) && typeof value["detail-type"] === "string") return value.detail;
  if (isJsonObject(value.record)) return value.record;
  return value;
}

/**
 * The records of a request or file body in the accepted shapes — one record or event, an array of them, or a
 * CloudTrail log file {"Records": [...]} — each with its position in the body ('record 3', or '' for a lone one).
 */
export function bodyRecords(body: unknown): { position: string; value: unknown }[] {
  const records = isJsonObject(body) ? body.Records : undefined;
  const list = Array.isArray(body) ? body : Array.isArray(records) ? records : null;
  return list
    ? list.map((value, i) => ({ position: `record ${i}`, value }))
    : [{ position: "", value: body }];
}

/** What a value is, in words, for a rejection's detail. */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return value === "" ? "an empty string" : "a string";
  return `a ${typeof value}`;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value;
  for (const key of path)
    v = typeof v === "object" && v !== null ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}

const absent = (v: unknown) => v === undefined || v === null || v === "";

/** The rejection for the first field of a record the schema refused, named by its path. */
function fieldRejection(
  v: Record<string, unknown>,
  path: readonly PropertyKey[],
  expected: string,
): Rejection {
  const name = path.map(String).join(".");
  const found = valueAt(v, path);
  const id = typeof v.eventID === "string" ? `eventID ${v.eventID.slice(0, 80)}: ` : "";
  if (name === "eventID" && absent(found))
    return { reason: "record.missing_event_id", detail: "eventID is missing or empty" };
  if (name === "eventTime" && absent(found))
    return { reason: "record.missing_event_time", detail: `${id}eventTime is missing` };
  if (name === "eventTime" && typeof found === "string")
    return {
      reason: "record.invalid_event_time",
      detail: `${id}eventTime ${JSON.stringify(found.slice(0, 80))} is not a CloudTrail time (2026-11-16T10:00:00Z)`,
    };
  if ((name === "eventSource" || name === "eventName") && absent(found))
    return { reason: "record.missing_event_name", detail: `${id}eventSource/eventName missing` };
  return {
    reason: "record.invalid_field",
    detail: `${id}${name}: expected ${expected}, found ${kindOf(found)}`,
  };
}

/**
 * Checks a record against the record schema (src/cloudtrail/record.ts) before anything of it is stored: a field of
 * the wrong type or an impossible eventTime sets this record aside, with the field named, and nothing else.
 */
export function validateRecord(value: unknown): { record: CloudTrailRecord } | { rejection: Rejection } {
  const v = unwrapEnvelope(value);
  if (!isJsonObject(v))
    return { rejection: { reason: "record.not_object", detail: `found ${kindOf(v).replace(/^an? /, "")}` } };
  if (!("eventID" in v || "eventTime" in v || "eventName" in v || "eventSource" in v))
    return {
      rejection: {
        reason: "record.not_cloudtrail",
        detail: `keys: ${Object.keys(v).slice(0, 8).join(", ")}`,
      },
    };
  // Logstash-style exports move eventTime to @timestamp; the instant is the same.
  if (absent(v.eventTime) && typeof v["@timestamp"] === "string")
    return validateRecord({ ...v, eventTime: v["@timestamp"] });
  if (isCloudTrailRecord(v)) return { record: v };
  // Only a refused record pays for zod's parse, which names the field.
  const checked = CloudTrailRecord.safeParse(v);
  if (checked.success) return { record: v as CloudTrailRecord };
  const issue = checked.error.issues[0];
  const expected =
    issue === undefined
      ? "a valid value"
      : issue.code === "invalid_type"
        ? `${/^[aeiou]/.test(issue.expected) ? "an" : "a"} ${issue.expected}`
        : issue.message;
  return { rejection: fieldRejection(v, issue?.path ?? [], expected.replace(/^expected /, "")) };
}

/** CloudTrail writes eventTime in UTC ('…Z'): its first ten characters are the day; an offset time is converted. */
function utcDay(text: string, ms: number): string {
  return text.endsWith("Z") ? text.slice(0, 10) : new Date(ms).toISOString().slice(0, 10);
}

/** Reduces a valid record to a stored event and decides where it goes: denials, evidence, or usage aggregates. */
export function normaliseRecord(record: CloudTrailRecord): NormalisedEvent {
  const principal = extractPrincipal(record);
  // Validated by the record schema: never null here.
  const eventTime = parseEventTime(record.eventTime) ?? Number.NaN;
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
