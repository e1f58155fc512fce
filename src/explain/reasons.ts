import { type RoleKind, roleKinds } from "../classify/kinds.js";

/** Who must change something, besides a role of a given kind. */
export const policyTargets = {
  "organization-policy": "an AWS Organizations policy (SCP or RCP): no change to the role alone helps",
  "resource-policy": "the resource's own policy (bucket, key, repository, secret, queue, topic, …)",
  "permissions-boundary": "the permissions boundary attached to the principal",
  "session-policy": "the session policy passed when the session was created",
  "vpc-endpoint-policy": "the policy of the VPC endpoint the request went through",
  "trust-policy": "the trust policy of the role being assumed",
  "task-definition": "the ECS task definition (which roles the task runs with)",
} as const;
export type PolicyTarget = keyof typeof policyTargets;
export type FixTarget = RoleKind | PolicyTarget;

/** What a fix target means, in words: a policy to change, or a kind of role. */
export function fixTargetLabel(target: FixTarget): string {
  return target in policyTargets ? policyTargets[target as PolicyTarget] : roleKinds[target as RoleKind];
}

/** Why the fix points where it does. Each code has the reasoning an on-call engineer reads. */
export const fixReasons = {
  "org-policy":
    "An organization policy denied the call. Roles cannot override SCPs or RCPs; the organization's administrators must change or exempt it.",
  "resource-policy":
    "A resource-based policy denied the call (or, across accounts, does not allow it). Change the policy on the resource.",
  "permissions-boundary":
    "The principal's permissions boundary does not allow the action. Adding it to the role's policies will not help until the boundary allows it.",
  "session-policy":
    "The session policy passed at AssumeRole/GetFederationToken limits this session. Whoever creates the session must pass a broader policy.",
  "vpc-endpoint-policy":
    "The VPC endpoint's policy denied the call. Change the endpoint policy; the role is not at fault.",
  "trust-policy":
    "The role's trust policy does not let this principal assume it (or the caller lacks sts:AssumeRole).",
  "ecs-image-pull":
    "Image pulls (ECR token, manifest, layers) are made with the task execution role, not the task role.",
  "ecs-image-pull-instance":
    "On the EC2 launch type a task without an execution role pulls images with the container instance's role.",
  "ecs-launch-secrets":
    "Secrets and parameters named in the task definition are fetched at launch with the task execution role.",
  "ecs-launch-logs": "The awslogs driver creates log streams at launch with the task execution role.",
  "ecs-launch-kms":
    "Secrets Manager/SSM decrypt the secret with KMS on behalf of the task execution role: the role and the key policy must allow kms:Decrypt.",
  "ecs-exec":
    "ECS Exec opens SSM message channels from inside the task with the task role, not the execution role.",
  "ecs-agent": "ECS agent registration and polling run with the container instance's role.",
  "eks-node-image-pull":
    "An EC2 host with no sign of ECS pulled the image with its instance role: on an EKS worker node the kubelet pulls with the node role, which needs ECR pull permissions.",
  "ecs-instance-fallback":
    "An application call was made with the EC2 instance's credentials: the task has no task role and the SDK fell back to the host's instance metadata. Give the task a task role; do not widen the instance role.",
  "ecs-task-app": "Application SDK calls from a task use the task role.",
  "dual-use":
    "One role serves as both task role and execution role; split it so each half has only what it needs.",
  "pass-role":
    "Passing a role to a service needs iam:PassRole on that role, granted to the principal making the call.",
  "principal-kind": "The denied principal must be granted the action.",
  "kind-unknown":
    "The principal was denied, but the trail does not say what kind of role it is; the grant below is for the role that was denied.",
  "service-principal":
    "A service-linked role was denied by a permission AWS manages (its own policy): nothing for you to change.",
  "service-principal-resource":
    "An AWS service acting as its service principal is allowed only by the resource's own policy (bucket, key, topic, queue): add a statement for the service, limited to your account.",
  "service-role":
    "An AWS service acts with this service role: its policy is yours to change (unlike a service-linked role's), so grant the action there.",
  "chained-role":
    "This role was assumed by another role's session (role chaining): the code holds this role's credentials, so the permission goes on this role, not on the role that assumed it.",
  "identity-center":
    "The caller signed in through IAM Identity Center: the role is generated from a permission set, so change the permission set and re-provision it; changes to the generated role are overwritten.",
  "no-evidence": "The trail does not say enough to tell who must change what.",
} as const;
export type FixReason = keyof typeof fixReasons;

/** What CloudTrail cannot show for a denial like this. */
export const caveats = {
  "data-events-off":
    "Data events (S3 objects, Lambda Invoke, DynamoDB items, …) are off by default: other denials like this may be missing from the trail.",
  "passrole-not-logged":
    "iam:PassRole is not logged as an event of its own; it only shows inside the failing call's message.",
  "vpce-unlogged":
    "Calls denied by a VPC endpoint policy that would otherwise be allowed are not recorded in CloudTrail.",
  "message-truncated":
    "CloudTrail cut the error message at 1,024 characters; the policy type or ARN may be missing.",
  "scp-implicit-as-explicit":
    "SCP denials may say 'explicit deny' even when the SCP simply does not allow the action.",
  "one-policy-type":
    "AWS names only one denying policy type; after fixing it another (boundary, SCP, resource policy) may still deny.",
  "no-enhanced-message":
    "The message does not name the action or policy type: action and resource were derived from the event.",
  "encoded-message": "EC2 encoded the full decision; decode it with the command given.",
  "putlogevents-unlogged":
    "logs:PutLogEvents is not logged by CloudTrail: grant it with logs:CreateLogStream.",
  "s3-missing-key":
    "S3 answers 403 for a missing key when the caller lacks s3:ListBucket: check the key exists before granting more.",
  "kms-key-policy":
    "KMS also checks the key policy: the key policy must allow the role (directly or by delegating to IAM).",
  "cross-account":
    "The resource is in another account: both the caller's policy and the resource's policy must allow the call.",
  "ssmmessages-unlogged":
    "The ssmmessages calls of ECS Exec may not appear in CloudTrail; check the task role even without such denials.",
  "action-unverified":
    "The derived action is not in the IAM action catalogue; check its spelling before granting it.",
  "resource-unknown": 'The resource could not be determined; the statement uses "*" and should be narrowed.',
  "message-only":
    "Explained from the error message alone, with no CloudTrail event: no user agent, source address, request parameters or time, so the kind rests on the stored catalogue or on what the ARN shows.",
  "message-no-principal":
    "The message does not say who was denied: the fix cannot name the role or user; the CloudTrail event would.",
  "message-no-resource":
    "The message names no resource: the CloudTrail event (or the request that failed) says which one to grant.",
} as const;
export type Caveat = keyof typeof caveats;

/** Denials worth counting but not paging anyone about. Marked, never hidden. */
export const noiseReasons = {
  "console-probe":
    "a read-only call made by the AWS console while someone browsed; the page simply shows less",
  "aws-service-principal":
    "made by an AWS service principal or service-linked role and denied by a policy AWS manages: nobody should change it",
  "scp-guardrail": "an organization guardrail doing its job (the SCP denies this action on purpose)",
  "permissionless-api": "the API needs no permission; the failure is not an IAM policy gap",
} as const;
export type NoiseReason = keyof typeof noiseReasons;
