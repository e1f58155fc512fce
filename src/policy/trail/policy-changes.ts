import { serviceOf } from "../../cloudtrail/action.js";
import { type PolicyEvidenceEvent, unversionedEventName } from "../../cloudtrail/evidence-events.js";
import type { CloudTrailRecord } from "../../cloudtrail/record.js";
import { placeOf } from "./event-place.js";
import { type ChangeParser, iamChangeParsers } from "./iam-changes.js";
import { orgChangeParsers } from "./org-changes.js";
import type { PolicyChange } from "./policy-change.js";
import { resourceChangeParsers } from "./resource-changes.js";

/**
 * The parser of every event that changes the policy model. The events are the list in src/cloudtrail/evidence-events.ts
 * (they are evidence, stored raw): the types below fail when a listed event has no parser or a parser no event.
 */
export const policyChangeParsers = {
  ...iamChangeParsers,
  ...resourceChangeParsers,
  ...orgChangeParsers,
} as const satisfies Record<PolicyEvidenceEvent, ChangeParser>;

export type PolicyChangeEvent = keyof typeof policyChangeParsers;
type Unlisted = Exclude<PolicyChangeEvent, PolicyEvidenceEvent>;
/** Compiles only while every parser's event is in the evidence list. */
export const everyParserIsListed: [Unlisted] extends [never] ? true : Unlisted = true;

/** `<service>:<eventName>` of every event the policy model reads. */
export const policyChangeEvents = Object.keys(policyChangeParsers) as PolicyChangeEvent[];

const parsers: ReadonlyMap<string, ChangeParser> = new Map(Object.entries(policyChangeParsers));

/** The policy event a record is (`lambda:AddPermission` for `AddPermission20150331v2`), or undefined. */
export function policyChangeEventOf(record: {
  eventSource: string;
  eventName: string;
}): PolicyChangeEvent | undefined {
  const service = serviceOf(record.eventSource);
  const key = `${service}:${unversionedEventName(service, record.eventName)}`;
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
