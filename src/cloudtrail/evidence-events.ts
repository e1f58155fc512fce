import { serviceOf } from "./action.js";
import type { Principal } from "./principal.js";
import type { CloudTrailRecord } from "./record.js";

/**
 * Who reads an evidence event: the classifier (what a role is), the report (task definitions and ECS Exec), the policy
 * model (who holds which policy: src/policy/trail has exactly one parser for each of its events, a type check
 * holds it to this list).
 */
type Reader = "classify" | "report" | "policy";

/**
 * Successful management events that say what a role is for or which policies a principal or resource holds: THE
 * list, keyed `<service>:<eventName>`. They are kept in full because their readers need the request parameters
 * (task definitions, trust policies, instance profiles, policy documents). The Athena evidence query
 * (queries/evidence.sql) and the push rules of infra/ (infra/lib/push-pattern.ts) carry copies that tests compare
 * with it; the classifier's extractor map, the report's task records and the policy model's parsers are held to it.
 */
export const evidenceEvents = {
  "ecs:RegisterTaskDefinition": {
    readBy: ["classify", "report"],
    says: "the task and execution roles of a task definition",
  },
  "ecs:RunTask": {
    readBy: ["classify", "report"],
    says: "role overrides, and the container instances tasks are placed on",
  },
  "ecs:StartTask": {
    readBy: ["classify"],
    says: "role overrides, and the container instances tasks are placed on",
  },
  "ecs:CreateService": {
    readBy: ["classify", "report"],
    says: "the legacy ECS service role, and whether ECS Exec is on",
  },
  "ecs:UpdateService": {
    readBy: ["classify", "report"],
    says: "the legacy ECS service role, and whether ECS Exec is on",
  },
  "ecs:RegisterContainerInstance": { readBy: ["classify"], says: "the host role of a container instance" },
  "ec2:RunInstances": { readBy: ["classify"], says: "instance profiles attached to instances" },
  "ec2:AssociateIamInstanceProfile": {
    readBy: ["classify"],
    says: "instance profiles attached to instances",
  },
  "ec2:ReplaceIamInstanceProfileAssociation": {
    readBy: ["classify"],
    says: "instance profiles attached to instances",
  },
  "ec2:CreateLaunchTemplate": { readBy: ["classify"], says: "instance profiles of launch templates" },
  "ec2:CreateLaunchTemplateVersion": { readBy: ["classify"], says: "instance profiles of launch templates" },
  "autoscaling:CreateLaunchConfiguration": {
    readBy: ["classify"],
    says: "instance profiles of launch configurations",
  },
  "iam:CreateRole": {
    readBy: ["classify", "policy"],
    says: "a role's trust policy, and that it was created",
  },
  "iam:UpdateAssumeRolePolicy": { readBy: ["classify", "policy"], says: "a role's new trust policy" },
  "iam:DeleteRole": { readBy: ["policy"], says: "that a role and its policies are gone" },
  "iam:TagRole": { readBy: ["policy"], says: "a role's tags (principal tags in conditions)" },
  "iam:UntagRole": { readBy: ["policy"], says: "a role's tags (principal tags in conditions)" },
  "iam:AttachRolePolicy": {
    readBy: ["classify", "policy"],
    says: "managed policies attached to a role",
  },
  "iam:DetachRolePolicy": {
    readBy: ["classify", "policy"],
    says: "managed policies detached from a role",
  },
  "iam:PutRolePolicy": { readBy: ["policy"], says: "a role's inline policies" },
  "iam:DeleteRolePolicy": { readBy: ["policy"], says: "a role's inline policies" },
  "iam:PutRolePermissionsBoundary": { readBy: ["policy"], says: "a role's permissions boundary" },
  "iam:DeleteRolePermissionsBoundary": { readBy: ["policy"], says: "a role's permissions boundary" },
  "iam:CreateUser": { readBy: ["policy"], says: "that a user exists" },
  "iam:DeleteUser": { readBy: ["policy"], says: "that a user and its policies are gone" },
  "iam:TagUser": { readBy: ["policy"], says: "a user's tags" },
  "iam:UntagUser": { readBy: ["policy"], says: "a user's tags" },
  "iam:PutUserPolicy": { readBy: ["policy"], says: "a user's inline policies" },
  "iam:DeleteUserPolicy": { readBy: ["policy"], says: "a user's inline policies" },
  "iam:AttachUserPolicy": { readBy: ["policy"], says: "managed policies attached to a user" },
  "iam:DetachUserPolicy": { readBy: ["policy"], says: "managed policies detached from a user" },
  "iam:PutUserPermissionsBoundary": { readBy: ["policy"], says: "a user's permissions boundary" },
  "iam:DeleteUserPermissionsBoundary": { readBy: ["policy"], says: "a user's permissions boundary" },
  "iam:AddUserToGroup": { readBy: ["policy"], says: "group membership" },
  "iam:RemoveUserFromGroup": { readBy: ["policy"], says: "group membership" },
  "iam:PutGroupPolicy": { readBy: ["policy"], says: "a group's inline policies" },
  "iam:DeleteGroupPolicy": { readBy: ["policy"], says: "a group's inline policies" },
  "iam:AttachGroupPolicy": { readBy: ["policy"], says: "managed policies attached to a group" },
  "iam:DetachGroupPolicy": { readBy: ["policy"], says: "managed policies detached from a group" },
  "iam:CreatePolicy": { readBy: ["policy"], says: "customer-managed policy documents" },
  "iam:CreatePolicyVersion": { readBy: ["policy"], says: "customer-managed policy documents" },
  "iam:SetDefaultPolicyVersion": { readBy: ["policy"], says: "which policy version is in force" },
  "iam:DeletePolicyVersion": { readBy: ["policy"], says: "customer-managed policy documents" },
  "iam:DeletePolicy": { readBy: ["policy"], says: "customer-managed policy documents" },
  "iam:CreateInstanceProfile": { readBy: [], says: "instance profiles (kept for their history)" },
  "iam:AddRoleToInstanceProfile": { readBy: ["classify"], says: "the role of an instance profile" },
  "iam:RemoveRoleFromInstanceProfile": {
    readBy: [],
    says: "the role of an instance profile (kept for its history)",
  },
  "iam:CreateServiceLinkedRole": { readBy: ["classify"], says: "a service-linked role" },
  "sts:AssumeRole": {
    readBy: ["classify"],
    says: "a service assuming a role for a task, instance, function or pod",
  },
  "sts:AssumeRoleWithWebIdentity": { readBy: ["classify"], says: "EKS service accounts (IRSA)" },
  "sts:AssumeRoleWithSAML": { readBy: ["classify"], says: "IAM Identity Center sign-ins" },
  "eks-auth:AssumeRoleForPodIdentity": { readBy: ["classify"], says: "EKS Pod Identity roles" },
  "eks:CreatePodIdentityAssociation": { readBy: ["classify"], says: "EKS Pod Identity roles" },
  "eks:UpdatePodIdentityAssociation": { readBy: ["classify"], says: "EKS Pod Identity roles" },
  "eks:CreateNodegroup": { readBy: ["classify"], says: "EKS node roles" },
  "events:PutTargets": { readBy: ["classify"], says: "EventBridge roles that run ECS tasks" },
  "application-autoscaling:RegisterScalableTarget": {
    readBy: ["classify"],
    says: "ECS service autoscaling roles",
  },
  "codedeploy:CreateDeploymentGroup": { readBy: ["classify"], says: "CodeDeploy roles for ECS services" },
  "lambda:CreateFunction": { readBy: ["classify"], says: "Lambda execution roles" },
  "lambda:UpdateFunctionConfiguration": { readBy: ["classify"], says: "Lambda execution roles" },
  "lambda:AddPermission": { readBy: ["policy"], says: "a function's policy" },
  "lambda:RemovePermission": { readBy: ["policy"], says: "a function's policy" },
  "s3:PutBucketPolicy": { readBy: ["policy"], says: "a bucket's policy" },
  "s3:DeleteBucketPolicy": { readBy: ["policy"], says: "a bucket's policy" },
  "kms:PutKeyPolicy": { readBy: ["policy"], says: "a key's policy" },
  "kms:CreateKey": { readBy: ["policy"], says: "a key's first policy (the default one when none is given)" },
  "sqs:SetQueueAttributes": { readBy: ["policy"], says: "a queue's policy" },
  "sqs:CreateQueue": { readBy: ["policy"], says: "a queue's first policy" },
  "sns:SetTopicAttributes": { readBy: ["policy"], says: "a topic's policy" },
  "sns:CreateTopic": { readBy: ["policy"], says: "a topic's first policy" },
  "ecr:SetRepositoryPolicy": { readBy: ["policy"], says: "a repository's policy" },
  "ecr:DeleteRepositoryPolicy": { readBy: ["policy"], says: "a repository's policy" },
  "secretsmanager:PutResourcePolicy": { readBy: ["policy"], says: "a secret's policy" },
  "secretsmanager:DeleteResourcePolicy": { readBy: ["policy"], says: "a secret's policy" },
  "organizations:CreatePolicy": { readBy: ["policy"], says: "SCP and RCP documents" },
  "organizations:UpdatePolicy": { readBy: ["policy"], says: "SCP and RCP documents" },
  "organizations:DeletePolicy": { readBy: ["policy"], says: "SCP and RCP documents" },
  "organizations:AttachPolicy": { readBy: ["policy"], says: "where SCPs and RCPs apply" },
  "organizations:DetachPolicy": { readBy: ["policy"], says: "where SCPs and RCPs apply" },
} as const satisfies Record<string, { readBy: readonly Reader[]; says: string }>;

export type EvidenceEvent = keyof typeof evidenceEvents;

/** `<service>:<eventName>` of every evidence event. */
export const evidenceEventNames = Object.keys(evidenceEvents) as EvidenceEvent[];

/** The evidence events a reader reads, as a type. */
type ReadBy<R extends Reader> = {
  [K in EvidenceEvent]: R extends (typeof evidenceEvents)[K]["readBy"][number] ? K : never;
}[EvidenceEvent];

/** The evidence events one reader reads. */
export function evidenceEventsReadBy<R extends Reader>(reader: R): ReadBy<R>[] {
  return evidenceEventNames.filter((e): e is ReadBy<R> =>
    (evidenceEvents[e].readBy as readonly Reader[]).includes(reader),
  );
}

/** The events of the policy model. */
export type PolicyEvidenceEvent = ReadBy<"policy">;
export const policyEvidenceEvents: readonly PolicyEvidenceEvent[] = evidenceEventsReadBy("policy");

const EVIDENCE: ReadonlySet<string> = new Set(evidenceEventNames);

/** Only a service assuming a role says what the role is for: AssumeRole by people or code says nothing. */
export const SERVICE_ASSUME_ROLE: EvidenceEvent = "sts:AssumeRole";

const LAMBDA_VERSION_SUFFIX = /\d{8}(v\d+)?$/;

/** An event name without Lambda's API-version suffix (`AddPermission20150331v2` → `AddPermission`). */
export function unversionedEventName(service: string, eventName: string): string {
  return service === "lambda" ? eventName.replace(LAMBDA_VERSION_SUFFIX, "") : eventName;
}

/** The evidence event a record is, whatever its outcome, or null when it is none. */
export function evidenceEventOf(record: { eventSource: string; eventName: string }): EvidenceEvent | null {
  const service = serviceOf(record.eventSource);
  const key = `${service}:${unversionedEventName(service, record.eventName)}`;
  return EVIDENCE.has(key) ? (key as EvidenceEvent) : null;
}

/** True for a successful evidence event (for AssumeRole: only when an AWS service assumed the role). */
export function isEvidence(record: CloudTrailRecord, principal: Principal): boolean {
  if (record.errorCode) return false;
  const event = evidenceEventOf(record);
  if (event === null) return false;
  return event !== SERVICE_ASSUME_ROLE || principal.type === "AWSService";
}
