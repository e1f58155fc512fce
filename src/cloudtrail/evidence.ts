import type { Principal } from "./principal.js";
import type { CloudTrailRecord } from "./record.js";

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
]);

/** `<service>:<eventName>` of every evidence event (infra/eventbridge-push forwards these). */
export const evidenceEventNames: readonly string[] = [...EVIDENCE_EVENTS];

const LAMBDA_ROLE_EVENTS = /^(CreateFunction|UpdateFunctionConfiguration)(\d{8}(v\d+)?)?$/;

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
  if (service === "lambda") return LAMBDA_ROLE_EVENTS.test(record.eventName);
  return EVIDENCE_EVENTS.has(`${service}:${record.eventName}`);
}
