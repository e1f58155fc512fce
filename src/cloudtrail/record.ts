import { z } from "zod";
import { compileCheck, type JsonSchema } from "../shared/json-schema-check.js";

/**
 * The fields of a CloudTrail record that deniedby reads, as one zod schema: a record is checked against it before
 * anything of it is normalised or reaches SQL, so a field of the wrong JSON type (an array `awsRegion`, an object
 * `userIdentity.type`) sets its record aside instead of crashing a batch or shifting columns. Records are loose
 * JSON whose fields vary by service and year: every field past the identifying ones is optional, and fields not
 * named here are kept as they are and read defensively (`field`, `stringField`).
 * Field reference: CloudTrail record contents (userIdentity, sessionContext, requestParameters, …).
 */

/**
 * CloudTrail's eventTime: an ISO-8601 UTC date and time, `2026-11-16T10:00:00Z` (AWS documents UTC; exports and
 * log shippers add fractions of a second, and an offset is accepted in case one ever appears), and the form records
 * exported through Athena carry, `2025-01-21 17:49:47.000000000` (a space, no zone: UTC). Nothing else: no bare
 * dates, no other layouts, no impossible dates, nothing before 1970 (the event ledger keys events by their hour since
 * the epoch). Read by character codes rather than a regular expression: it runs once per event.
 */
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number of `length` decimal digits at `at`, or -1. */
function digits(text: string, at: number, length: number): number {
  let n = 0;
  for (let i = at; i < at + length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** The offset of a time's zone designator (`Z`, `+hh:mm`, `-hh:mm`) in ms, or null; `at` is where it starts. */
function zoneOffset(text: string, at: number): number | null {
  if (text.length === at + 1 && text.charCodeAt(at) === 90) return 0;
  const sign = text.charCodeAt(at);
  if (text.length !== at + 6 || (sign !== 43 && sign !== 45) || text.charCodeAt(at + 3) !== 58) return null;
  const hours = digits(text, at + 1, 2);
  const minutes = digits(text, at + 4, 2);
  if (hours < 0 || hours > 14 || minutes < 0 || minutes > 59) return null;
  return (sign === 45 ? -1 : 1) * (hours * 60 + minutes) * 60_000;
}

/** The instant of a CloudTrail eventTime (epoch ms), or null when it is not one of CloudTrail's forms. */
export function parseEventTime(text: string): number | null {
  const athena = text[10] === " ";
  if (text.length < 19 || text[4] !== "-" || text[7] !== "-" || (text[10] !== "T" && !athena)) return null;
  if (text[13] !== ":" || text[16] !== ":") return null;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (year < 1970 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) return null;
  if (minute < 0 || minute > 59 || second < 0 || second > 59) return null;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (DAYS[month - 1] ?? 0) + (leap ? 1 : 0)) return null;
  let at = 19;
  let ms = 0;
  if (text[19] === ".") {
    let end = 20;
    while (end < text.length && end < 29 && digits(text, end, 1) >= 0) end++;
    if (end === 20) return null;
    ms = digits(`${text.slice(20, Math.min(end, 23))}00`, 0, 3);
    at = end;
  }
  // Athena and the exports built on it write `2025-01-21 17:49:47.000000000`: UTC, without a zone designator.
  const offset = athena ? (at === text.length ? 0 : null) : zoneOffset(text, at);
  if (offset === null) return null;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset;
}

/** An optional string field; null is JSON's way of saying it is absent, as some exports write it. */
const text = z.string().nullable().optional();
const flag = z.union([z.boolean(), z.string()]).nullable().optional();
/** A JSON object (not an array), whose fields are read one by one, defensively. */
const jsonObject = z.record(z.string(), z.unknown());

export const SessionIssuer = z.object({
  type: text,
  principalId: text,
  arn: text,
  accountId: text,
  userName: text,
});

export const SessionContext = z.object({
  sessionIssuer: SessionIssuer.optional(),
  webIdFederationData: z.object({ federatedProvider: text, attributes: jsonObject.optional() }).optional(),
  attributes: z.object({ creationDate: text, mfaAuthenticated: text }).optional(),
  /** "1.0" / "2.0": credentials delivered by EC2 instance metadata (IMDSv1 / IMDSv2). */
  ec2RoleDelivery: text,
  sourceIdentity: text,
});

export const UserIdentity = z.object({
  type: text,
  principalId: text,
  arn: text,
  accountId: text,
  accessKeyId: text,
  userName: text,
  invokedBy: text,
  identityProvider: text,
  sessionContext: SessionContext.optional(),
});

/** A resource of `resources`, as CloudTrail writes it. */
export const ResourceEntry = z.object({ ARN: text, accountId: text, type: text });

/** The record schema. Validation only: the record itself is kept as it came, unknown fields and all. */
export const CloudTrailRecord = z.object({
  eventVersion: text,
  eventID: z.string().min(1),
  eventTime: z.string().refine((t) => parseEventTime(t) !== null),
  eventSource: z.string(),
  eventName: z.string().min(1),
  awsRegion: text,
  sourceIPAddress: text,
  userAgent: text,
  userIdentity: UserIdentity.optional(),
  errorCode: text,
  errorMessage: text,
  requestParameters: jsonObject.nullable().optional(),
  responseElements: jsonObject.nullable().optional(),
  // Hand-written and exported records list a resource as its ARN alone; both forms are read.
  resources: z
    .array(z.union([ResourceEntry, z.string()]))
    .nullable()
    .optional(),
  recipientAccountId: text,
  sharedEventID: text,
  eventType: text,
  // Booleans, written as "true"/"false" by some exports.
  readOnly: flag,
  managementEvent: flag,
  vpcEndpointId: text,
});

/**
 * The schema as an allocation-free predicate, for the ingest hot path: zod's own parse builds an output object per
 * record, several times the cost of the check itself (docs/performance.md). Compiled from zod's JSON Schema of the
 * one schema above, so the two cannot drift; the eventTime refinement, which JSON Schema cannot carry, is checked
 * beside it. A test holds the predicate to zod's verdict on valid and mutated records.
 */
const matchesSchema = compileCheck(z.toJSONSchema(CloudTrailRecord, { io: "input" }) as JsonSchema);

/** Whether a value passes the record schema: the same verdict as `CloudTrailRecord.safeParse(value).success`. */
export function isCloudTrailRecord(value: unknown): value is CloudTrailRecord {
  return matchesSchema(value) && parseEventTime((value as { eventTime: string }).eventTime) !== null;
}

export type SessionIssuer = z.infer<typeof SessionIssuer>;
export type ResourceEntry = z.infer<typeof ResourceEntry>;
export type SessionContext = z.infer<typeof SessionContext>;
export type UserIdentity = z.infer<typeof UserIdentity>;
/**
 * A record that passed the schema: its fields as the schema says, and whatever else it holds. Fields read only as
 * hints, never stored, stay outside the schema (a record is not set aside for them) and are read defensively.
 */
export type CloudTrailRecord = z.infer<typeof CloudTrailRecord> & {
  /** "true" (a boolean in some exports) when the call used an AWS Management Console session; absent otherwise. */
  sessionCredentialFromConsole?: unknown;
  [key: string]: unknown;
};

/** Reads a property of an unknown JSON value without trusting its shape. */
export function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** A string property, or undefined when absent or not a string. */
export function stringField(value: unknown, key: string): string | undefined {
  const v = field(value, key);
  return typeof v === "string" ? v : undefined;
}
