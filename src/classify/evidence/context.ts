import type { Principal } from "../../cloudtrail/principal.js";
import { type CloudTrailRecord, stringField } from "../../cloudtrail/record.js";
import type { Catalog, RoleState } from "../role-state.js";
import type { TrustPrincipals } from "../trust-policy.js";

/** What one pass over the evidence collects across records, for the joins made after the last record. */
export interface EvidenceReading {
  /** Roles ECS assumed, by session name (the task ID), with when: for pairing task and execution roles. */
  ecsAssumes: Map<string, { role: RoleState; time: number }[]>;
  /** `<account>:<instance profile>` → the keys of the roles added to it. */
  profileRoles: Map<string, Set<string>>;
  /** `<account>:<instance profile>` → the event that attached it to instances. */
  launchedProfiles: Map<string, string>;
  /** Container-instance ARN → the key of the role that registered it. */
  hostRoleByContainerInstance: Map<string, string>;
  /** Container-instance ARN → a task definition placed on it with the EC2 launch type. */
  ec2LaunchTypeHosts: Map<string, string>;
  /** Trust-policy text → what it trusts: roles made by one template share one text. */
  trustByText: Map<string, TrustPrincipals | null>;
}

/** One evidence record as an extractor sees it. */
export interface EvidenceRecord {
  record: CloudTrailRecord;
  /** The record's time, parsed once. */
  time: number;
  req: unknown;
  resp: unknown;
  principal: Principal;
  account: string;
  /** The role (or user) that made the call, when it is one. */
  caller: RoleState | null;
  catalog: Catalog;
  /** The role a request names, by ARN or by bare name in the record's account. */
  named(arnOrName: string | undefined): RoleState | null;
  reading: EvidenceReading;
}

/** Reads one kind of evidence event into role states. */
export type Extractor = (e: EvidenceRecord) => void;

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** First string among several spellings of one field (CloudTrail camel-cases some services and not others). */
export function firstString(value: unknown, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const v = stringField(value, key);
    if (v) return v;
  }
  return undefined;
}
