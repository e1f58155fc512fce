import type { PolicyContent } from "../model/policy-content.js";
import type { PrincipalType } from "../trail/policy-change.js";
import type { ImportProblem } from "./import.errors.js";

/**
 * What `aws iam get-account-authorization-details` says about an account at the moment it ran: every role, user
 * and group with all of its inline policies, attachments, boundary and tags, and every managed policy with its
 * versions. Plain data: the store keeps it as it is.
 */

export interface InlinePolicySnapshot {
  name: string;
  content: PolicyContent;
}

export interface PrincipalSnapshot {
  type: PrincipalType;
  /** The ARN with its path. */
  arn: string;
  name: string;
  path: string;
  account: string;
  /** RoleId / UserId / GroupId (AROA…, AIDA…, AGPA…): `aws:userid` starts with it. */
  id?: string;
  inlinePolicies: InlinePolicySnapshot[];
  attachedPolicyArns: string[];
  boundaryArn?: string;
  tags: Record<string, string>;
  /** Roles: the trust policy. */
  trust?: PolicyContent;
  /** Roles: instance profiles that carry the role. */
  instanceProfileArns?: string[];
  /** Users: ARNs of the groups the user is in. */
  groupArns?: string[];
}

export interface PolicyVersionSnapshot {
  versionId: string;
  isDefault: boolean;
  content: PolicyContent;
}

export interface ManagedPolicySnapshot {
  arn: string;
  name: string;
  path: string;
  /** The owning account, or `aws` for AWS managed policies. */
  account: string;
  defaultVersionId?: string;
  versions: PolicyVersionSnapshot[];
}

export interface AccountSnapshot {
  /** Accounts the entries belong to (one, for output of one account). */
  accounts: string[];
  principals: PrincipalSnapshot[];
  policies: ManagedPolicySnapshot[];
}

export interface ImportResult<T> {
  snapshot: T;
  /** Entries skipped or read in part, each with its place; empty when everything was read. */
  problems: ImportProblem[];
}
