import type { Principal } from "./principal.js";
import type { CloudTrailRecord } from "./record.js";

/**
 * Successful events that change the policy model (issue 13): who holds which inline, managed, boundary and trust
 * policy, resource policies, SCPs and RCPs. Evidence too, so they are stored raw and the model can be replayed.
 * src/policy/trail has exactly one parser for each (a type check holds it to this list). Lambda's are logged with
 * API-version suffixes (AddPermission20150331v2).
 */
export const policyEvidenceEvents = [
  "iam:CreateRole",
  "iam:DeleteRole",
  "iam:UpdateAssumeRolePolicy",
  "iam:TagRole",
  "iam:UntagRole",
  "iam:PutRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:AttachRolePolicy",
  "iam:DetachRolePolicy",
  "iam:PutRolePermissionsBoundary",
  "iam:DeleteRolePermissionsBoundary",
  "iam:CreateUser",
  "iam:DeleteUser",
  "iam:TagUser",
  "iam:UntagUser",
  "iam:PutUserPolicy",
  "iam:DeleteUserPolicy",
  "iam:AttachUserPolicy",
  "iam:DetachUserPolicy",
  "iam:PutUserPermissionsBoundary",
  "iam:DeleteUserPermissionsBoundary",
  "iam:AddUserToGroup",
  "iam:RemoveUserFromGroup",
  "iam:PutGroupPolicy",
  "iam:DeleteGroupPolicy",
  "iam:AttachGroupPolicy",
  "iam:DetachGroupPolicy",
  "iam:CreatePolicy",
  "iam:CreatePolicyVersion",
  "iam:SetDefaultPolicyVersion",
  "iam:DeletePolicyVersion",
  "iam:DeletePolicy",
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "kms:PutKeyPolicy",
  "kms:CreateKey",
  "sqs:SetQueueAttributes",
  "sqs:CreateQueue",
  "sns:SetTopicAttributes",
  "sns:CreateTopic",
  "ecr:SetRepositoryPolicy",
  "ecr:DeleteRepositoryPolicy",
  "secretsmanager:PutResourcePolicy",
  "secretsmanager:DeleteResourcePolicy",
  "lambda:AddPermission",
  "lambda:RemovePermission",
  "organizations:CreatePolicy",
  "organizations:UpdatePolicy",
  "organizations:DeletePolicy",
  "organizations:AttachPolicy",
  "organizations:DetachPolicy",
] as const;
export type PolicyEvidenceEvent = (typeof policyEvidenceEvents)[number];

/**
 * Successful management events that say what a role is for. They are kept in full because the classifier reads
 * their request parameters (task definitions, trust policies, instance profiles, policy attachments).
 * Keyed `<service>:<eventName>`; Lambda's versioned names (CreateFunction20150331) are matched by prefix.
 */
const EVIDENCE_EVENTS = new Set([
  "ecs:RegisterTaskDefinition",
  "ecs:RunTask",
  "ecs:StartTask",
  "ecs:CreateService",
  "ecs:UpdateService",
  "ecs:RegisterContainerInstance",
  "ec2:RunInstances",
  "ec2:AssociateIamInstanceProfile",
  "ec2:ReplaceIamInstanceProfileAssociation",
  "ec2:CreateLaunchTemplate",
  "ec2:CreateLaunchTemplateVersion",
  "autoscaling:CreateLaunchConfiguration",
  "iam:CreateRole",
  "iam:UpdateAssumeRolePolicy",
  "iam:DeleteRole",
  "iam:AttachRolePolicy",
  "iam:DetachRolePolicy",
  "iam:PutRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:CreatePolicy",
  "iam:CreatePolicyVersion",
  "iam:SetDefaultPolicyVersion",
  "iam:PutRolePermissionsBoundary",
  "iam:DeleteRolePermissionsBoundary",
  "iam:CreateInstanceProfile",
  "iam:AddRoleToInstanceProfile",
  "iam:RemoveRoleFromInstanceProfile",
  "iam:CreateServiceLinkedRole",
  "sts:AssumeRoleWithWebIdentity",
  "sts:AssumeRoleWithSAML",
  "eks-auth:AssumeRoleForPodIdentity",
  "eks:CreatePodIdentityAssociation",
  "eks:UpdatePodIdentityAssociation",
  "eks:CreateNodegroup",
  "events:PutTargets",
  "application-autoscaling:RegisterScalableTarget",
  "codedeploy:CreateDeploymentGroup",
  ...policyEvidenceEvents,
]);

/** `<service>:<eventName>` of every evidence event (the push rules of infra/ forward these: infra/lib/push-pattern.ts). */
export const evidenceEventNames: readonly string[] = [...EVIDENCE_EVENTS];

const LAMBDA_ROLE_EVENTS = /^(CreateFunction|UpdateFunctionConfiguration)(\d{8}(v\d+)?)?$/;
const LAMBDA_VERSION_SUFFIX = /\d{8}(v\d+)?$/;

/** An event name without Lambda's API-version suffix (`AddPermission20150331v2` → `AddPermission`). */
export function unversionedEventName(service: string, eventName: string): string {
  return service === "lambda" ? eventName.replace(LAMBDA_VERSION_SUFFIX, "") : eventName;
}

/** The service prefix of an event source: `ecs.amazonaws.com` → `ecs`. */
export function serviceOf(eventSource: string): string {
  const dot = eventSource.indexOf(".");
  return dot === -1 ? eventSource : eventSource.slice(0, dot);
}

export function isEvidence(record: CloudTrailRecord, principal: Principal): boolean {
  if (record.errorCode) return false;
  const service = serviceOf(record.eventSource);
  // Services assume roles for tasks, instances, functions and pods: the birth of a role session.
  if (service === "sts" && record.eventName === "AssumeRole") return principal.type === "AWSService";
  if (service === "lambda" && LAMBDA_ROLE_EVENTS.test(record.eventName)) return true;
  return EVIDENCE_EVENTS.has(`${service}:${unversionedEventName(service, record.eventName)}`);
}
