import type { PolicyContent } from "../model/policy-content.js";
import type { PolicyStatement } from "../policy.schema.js";

/**
 * What one successful CloudTrail event did to the policy model: plain data, so the store can keep it and replay it
 * in time order. Every change names its subject (a role, user, group, managed policy, resource or organisation
 * policy) and the event that made it.
 */

/** The event a change comes from. */
export interface ChangeOrigin {
  eventId: string;
  /** The event time, ISO 8601 as CloudTrail wrote it. */
  at: string;
  /** `<service>:<eventName>` with Lambda's API-version suffix removed. */
  event: string;
}

export type PrincipalType = "role" | "user" | "group";

/** An IAM role, user or group. `arn` carries the path when the event gave it, else none. */
export interface PrincipalSubject {
  type: PrincipalType;
  arn: string;
  name: string;
  account: string;
}

/** The resource types whose policies the trail can change (and `deniedby import resource-policy` accepts). */
export const resourceTypes = {
  "s3-bucket": "an S3 bucket policy",
  "kms-key": "a KMS key policy",
  "sqs-queue": "an SQS queue policy",
  "sns-topic": "an SNS topic policy",
  "ecr-repository": "an ECR repository policy",
  "secretsmanager-secret": "a Secrets Manager secret's resource policy",
  "lambda-function": "a Lambda function's resource-based policy",
  "iam-role": "a role's trust policy",
} as const;
export type ResourceType = keyof typeof resourceTypes;

export interface ResourceSubject {
  type: ResourceType;
  arn: string;
  account: string;
}

/** Organisation policy types that decide requests. Other types (tag, backup, AI opt-out…) are not modelled. */
export type OrgPolicyType = "SERVICE_CONTROL_POLICY" | "RESOURCE_CONTROL_POLICY";

/** Where an organisation policy is attached: the root (`r-…`), an OU (`ou-…`) or an account (12 digits). */
export type OrgTargetType = "root" | "ou" | "account";

export type PrincipalChange =
  | { kind: "principal-created"; trust?: PolicyContent; boundaryArn?: string; tags: Record<string, string> }
  | { kind: "principal-deleted" }
  | { kind: "trust-policy-set"; trust: PolicyContent }
  | { kind: "inline-policy-put"; policyName: string; content: PolicyContent }
  | { kind: "inline-policy-deleted"; policyName: string }
  | { kind: "managed-policy-attached"; policyArn: string }
  | { kind: "managed-policy-detached"; policyArn: string }
  | { kind: "permissions-boundary-set"; policyArn: string }
  | { kind: "permissions-boundary-removed" }
  | { kind: "tags-added"; tags: Record<string, string> }
  | { kind: "tags-removed"; keys: string[] }
  | { kind: "group-joined"; group: PrincipalSubject }
  | { kind: "group-left"; group: PrincipalSubject };

export type ManagedPolicyChange =
  | { kind: "managed-policy-created"; name: string; path: string; versionId: string; content: PolicyContent }
  | { kind: "policy-version-created"; versionId?: string; setAsDefault: boolean; content: PolicyContent }
  | { kind: "policy-default-version-set"; versionId: string }
  | { kind: "policy-version-deleted"; versionId: string }
  | { kind: "managed-policy-deleted" };

export type ResourceChange =
  /** `none`: the resource now has no policy (created without one, or its policy set to empty). */
  | { kind: "resource-policy-set"; content: PolicyContent | { state: "none" } }
  | { kind: "resource-policy-deleted" }
  /** Lambda AddPermission: one statement added to the function's policy, by Sid. */
  | { kind: "resource-statement-added"; sid: string; statement: PolicyStatement }
  | { kind: "resource-statement-removed"; sid: string };

export type OrgChange =
  | {
      kind: "org-policy-created";
      name: string;
      policyType: OrgPolicyType;
      policyArn?: string;
      content: PolicyContent;
    }
  /** Content absent when only the name or description changed. */
  | { kind: "org-policy-updated"; content?: PolicyContent; policyType?: OrgPolicyType }
  | { kind: "org-policy-deleted" }
  | { kind: "org-policy-attached"; target: { id: string; type: OrgTargetType } }
  | { kind: "org-policy-detached"; target: { id: string; type: OrgTargetType } };

export type PolicyChange = ChangeOrigin &
  (
    | ({ subjectType: "principal"; subject: PrincipalSubject } & PrincipalChange)
    | ({ subjectType: "managed-policy"; subject: { arn: string; account: string } } & ManagedPolicyChange)
    | ({ subjectType: "resource"; subject: ResourceSubject } & ResourceChange)
    /** Organisation policies are named by id (`p-…`): attach and detach events carry no ARN. */
    | ({ subjectType: "org-policy"; subject: { id: string } } & OrgChange)
  );

export type PolicyChangeKind = PolicyChange["kind"];
