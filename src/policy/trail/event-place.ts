import { type CloudTrailRecord, field, stringField } from "../../cloudtrail/record.js";
import { recordPartition } from "../../cloudtrail/resource.js";
import { isJsonObject } from "../../shared/json.js";
import type { ChangeOrigin, PrincipalSubject, PrincipalType } from "./policy-change.js";

/**
 * Where an event happened: the account whose policies it changed (recipientAccountId: for a cross-account call it
 * is the resource owner, not the caller), the region and partition ARNs are built in, and the change's origin.
 */
export interface EventPlace {
  origin: ChangeOrigin;
  account: string;
  region: string;
  partition: string;
  params: Record<string, unknown>;
  response: Record<string, unknown>;
}

const asObject = (value: unknown): Record<string, unknown> => (isJsonObject(value) ? value : {});

export function placeOf(record: CloudTrailRecord, event: string): EventPlace {
  return {
    origin: { eventId: record.eventID, at: record.eventTime, event },
    account: record.recipientAccountId ?? record.userIdentity?.accountId ?? "",
    region: record.awsRegion ?? "",
    partition: recordPartition(record),
    params: asObject(record.requestParameters),
    response: asObject(record.responseElements),
  };
}

/** A string request parameter, or undefined. */
export function param(place: EventPlace, key: string): string | undefined {
  return stringField(place.params, key);
}

/** A nested response field (`role.arn`), or undefined. */
export function responseString(place: EventPlace, path: string): string | undefined {
  let value: unknown = place.response;
  for (const key of path.split(".")) value = field(value, key);
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * An IAM role, user or group named in an event. Names are unique in an account whatever the path, so a subject
 * built from a name alone (no path) still names the same principal; the full ARN is used when the event gives it.
 */
export function principalSubject(
  place: EventPlace,
  type: PrincipalType,
  name: string,
  fullArn?: string,
): PrincipalSubject {
  const arn = fullArn ?? `arn:${place.partition}:iam::${place.account}:${type}/${name}`;
  return { type, arn, name, account: place.account };
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>` in the event's partition, region and account. */
export function regionalArn(
  place: EventPlace,
  service: string,
  resource: string,
  account = place.account,
): string {
  return `arn:${place.partition}:${service}:${place.region}:${account}:${resource}`;
}

/**
 * Tags as IAM and most services log them: `[{key, value}]` (either case), or a plain object. Built with
 * Object.fromEntries so that a tag named `__proto__` stays a tag.
 */
export function tagsFrom(value: unknown): Record<string, string> {
  const entries: [string, string][] = [];
  if (Array.isArray(value)) {
    for (const tag of value) {
      const key = stringField(tag, "key") ?? stringField(tag, "Key");
      const v = stringField(tag, "value") ?? stringField(tag, "Value") ?? "";
      if (key !== undefined) entries.push([key, v]);
    }
  } else if (typeof value === "object" && value !== null) {
    for (const [key, v] of Object.entries(value)) if (typeof v === "string") entries.push([key, v]);
  }
  return Object.fromEntries(entries);
}

/** A list of strings (tag keys), ignoring anything else. */
export function stringsFrom(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
