import { serviceOf } from "../../cloudtrail/evidence.js";
import type { CloudTrailRecord } from "../../cloudtrail/record.js";
import { placeOf } from "./event-place.js";
import { type ChangeParser, iamChangeParsers } from "./iam-changes.js";
import { orgChangeParsers } from "./org-changes.js";
import type { PolicyChange } from "./policy-change.js";
import { resourceChangeParsers } from "./resource-changes.js";

/** Every event that changes the policy model, keyed `<service>:<eventName>`, with the parser that reads it. */
export const policyChangeParsers = {
  ...iamChangeParsers,
  ...resourceChangeParsers,
  ...orgChangeParsers,
} as const satisfies Record<string, ChangeParser>;

export type PolicyChangeEvent = keyof typeof policyChangeParsers;

/** `<service>:<eventName>` of every event the policy model reads. */
export const policyChangeEvents = Object.keys(policyChangeParsers) as PolicyChangeEvent[];

const parsers: ReadonlyMap<string, ChangeParser> = new Map(Object.entries(policyChangeParsers));

/** Lambda logs its management events with API-version suffixes (AddPermission20150331v2). */
const LAMBDA_VERSION_SUFFIX = /\d{8}(v\d+)?$/;

/** The policy event a record is (`lambda:AddPermission` for `AddPermission20150331v2`), or undefined. */
export function policyChangeEventOf(record: {
  eventSource: string;
  eventName: string;
}): PolicyChangeEvent | undefined {
  const service = serviceOf(record.eventSource);
  const name = service === "lambda" ? record.eventName.replace(LAMBDA_VERSION_SUFFIX, "") : record.eventName;
  const key = `${service}:${name}`;
  return parsers.has(key) ? (key as PolicyChangeEvent) : undefined;
}

/**
 * What a successful event did to the policy model: nothing for failed calls, for events the model does not read,
 * and for events that do not name what they changed. A document CloudTrail left out is an unknown content.
 */
export function policyChangesFrom(record: CloudTrailRecord): PolicyChange[] {
  if (record.errorCode) return [];
  const event = policyChangeEventOf(record);
  const parse = event === undefined ? undefined : parsers.get(event);
  if (event === undefined || parse === undefined) return [];
  return parse(placeOf(record, event));
}
