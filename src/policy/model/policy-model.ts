import type { PolicyStatement } from "../policy.schema.js";
import type { OrgPolicyType, PrincipalType, ResourceType } from "../trail/policy-change.js";
import type { PolicyContent } from "./policy-content.js";

/**
 * The policy model: every policy that can decide a request, with where each part came from and what was never
 * seen. Plain data (records keyed by ARN or id, no classes, no Maps), so the store can persist it as it is. It is
 * the union of the imports, the trail's changes applied in time order, and (looked up on demand) AWS managed
 * policies from the data package.
 */

/** Where a fact came from: an event (`ref` its id) or an import (`ref` its file), and when it became true. */
export interface Provenance {
  source: "trail" | "iam-import" | "org-import" | "resource-policy-import";
  /** ISO 8601: the event's time, or when the import's data was captured. */
  at: string;
  ref: string;
}

export interface InlinePolicyEntry {
  content: PolicyContent;
  from: Provenance;
}

export type BoundaryState =
  | { state: "none"; from: Provenance }
  | { state: "set"; policyArn: string; from: Provenance }
  | { state: "unknown" };

export interface PrincipalEntry {
  type: PrincipalType;
  /** With its path when an import or a create event said it, else path-less. */
  arn: string;
  name: string;
  account: string;
  id?: string;
  /**
   * Whether every inline policy, attachment, tag (and group, for users) is known: an import listed the principal,
   * or the trail saw it created. A principal known only from later changes has unseen policies.
   */
  complete: boolean;
  /** Why `complete` is what it is, for answers: `iam import of <file>`, `created in the trail`. */
  basis: string;
  inlinePolicies: Record<string, InlinePolicyEntry>;
  attachedPolicyArns: string[];
  boundary: BoundaryState;
  /** Roles: the trust policy; unknown until an import or a create/update event. */
  trust?: PolicyContent;
  tags: Record<string, string>;
  /** Users: path-less ARNs of their groups. */
  groupArns: string[];
  deleted?: Provenance;
  updated: Provenance;
  /** When an import captured this whole entry: trail changes older than that are already in it and are skipped. */
  snapshotAt?: string;
}

export interface PolicyVersionEntry {
  content: PolicyContent;
  from: Provenance;
}

export interface ManagedPolicyEntry {
  arn: string;
  name: string;
  /** The owning account, or `aws` for AWS managed policies. */
  account: string;
  defaultVersionId?: string;
  versions: Record<string, PolicyVersionEntry>;
  deleted?: Provenance;
  updated: Provenance;
  /** When an import captured this whole entry: trail changes older than that are already in it and are skipped. */
  snapshotAt?: string;
}

export interface ResourcePolicyEntry {
  arn: string;
  type: ResourceType;
  account: string;
  /** `none`: the resource is known to have no policy. */
  policy: PolicyContent | { state: "none" };
  /**
   * Lambda: statements added (by Sid) while the rest of the function's policy is unknown. Evaluated as an
   * incomplete policy: they can deny, and an allow they give rests on the unknown rest.
   */
  knownStatements: PolicyStatement[];
  updated: Provenance;
  /** When an import captured this whole entry: trail changes older than that are already in it and are skipped. */
  snapshotAt?: string;
}

export interface OrgPolicyEntry {
  id: string;
  name: string;
  /** `unknown` when only an attach/detach event named the policy. */
  type: OrgPolicyType | "unknown";
  arn?: string;
  content: PolicyContent;
  deleted?: Provenance;
  updated: Provenance;
}

/**
 * The organisation: `unknown` until an organisation import (SCPs may apply but were never seen), `none` when the
 * user said the accounts are in no organisation, `known` after an import (the trail keeps it current).
 */
export interface OrgModel {
  state: "unknown" | "none" | "known";
  organizationId?: string;
  managementAccount?: string;
  /** Parent of each OU and account; roots have none. */
  parents: Record<string, string>;
  roots: string[];
  /** The policy types an import listed; the other types' policies are unknown. */
  policyTypes: OrgPolicyType[];
  /** What the organisation import left out (missing or bad files). */
  gaps: string[];
  policies: Record<string, OrgPolicyEntry>;
  /** Policy ids attached to each root, OU or account. */
  attachments: Record<string, string[]>;
  from?: Provenance;
  /** When an import captured this whole entry: trail changes older than that are already in it and are skipped. */
  snapshotAt?: string;
}

export interface PolicyModel {
  /** Roles, users and groups, keyed by their path-less ARN (names are unique in an account, paths are not). */
  principals: Record<string, PrincipalEntry>;
  /** Customer managed policies, and AWS managed ones an import listed, keyed by path-less ARN. */
  managedPolicies: Record<string, ManagedPolicyEntry>;
  /** Resource policies keyed by the resource's ARN. */
  resourcePolicies: Record<string, ResourcePolicyEntry>;
  org: OrgModel;
  /** Every import applied, for answers to cite. */
  imports: Provenance[];
}

/** An organisation with nothing in it yet: never imported (`unknown`), or known to be none. */
export function emptyOrg(state: "unknown" | "none"): OrgModel {
  return { state, parents: {}, roots: [], policyTypes: [], gaps: [], policies: {}, attachments: {} };
}

export function emptyModel(): PolicyModel {
  return { principals: {}, managedPolicies: {}, resourcePolicies: {}, org: emptyOrg("unknown"), imports: [] };
}

const IAM_PATHED = /^(arn:aws[\w-]*:iam::[^:]*:)(role|user|group|policy)\/(?:.*\/)?([^/]+)$/;

/** The path-less form of an IAM role, user, group or policy ARN: the key the model files it under. */
export function modelKey(arn: string): string {
  const m = IAM_PATHED.exec(arn);
  return m ? `${m[1]}${m[2]}/${m[3]}` : arn;
}
