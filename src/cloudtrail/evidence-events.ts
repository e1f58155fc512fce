import { serviceOf } from "./action.js";
import type { Principal } from "./principal.js";
import type { CloudTrailRecord } from "./record.js";

/**
 * Who reads an evidence event: the classifier (what a role is), the report (task definitions and ECS Exec), the policy
 * model (who holds which policy: src/policy/trail has exactly one parser for each of its events, a type check
 * holds it to this list).
 */
type Reader = "classify" | "report" | "policy";

/** A set of readers as the table keys it: their names, space-separated; `nobody` for events kept for history. */
type Readers = Reader | `${Reader} ${Reader}` | "nobody";

/**
 * Successful management events that say what a role is for or which policies a principal or resource holds: THE
 * list, as one table: who reads them → what they say → the events, each `<service>:<eventName>`. They are kept in
 * full because their readers need the request parameters (task definitions, trust policies, instance profiles,
 * policy documents). The Athena queries apply it in SQL rendered from it (src/cloudtrail/query-blocks.ts); the
 * push rules of infra/ (infra/lib/push-pattern.ts) carry a copy that a test compares with it; the classifier's extractor map, the report's
 * task records and the policy model's parsers are held to it.
 */
const EVIDENCE_TABLE = {
  "classify report": {
    "the task and execution roles of a task definition": ["ecs:RegisterTaskDefinition"],
    "role overrides, and the container instances tasks are placed on": ["ecs:RunTask"],
    "the legacy ECS service role, and whether ECS Exec is on": ["ecs:CreateService", "ecs:UpdateService"],
  },
  classify: {
    "role overrides, and the container instances tasks are placed on": ["ecs:StartTask"],
    "the host role of a container instance": ["ecs:RegisterContainerInstance"],
    "instance profiles attached to instances": [
      "ec2:RunInstances",
      "ec2:AssociateIamInstanceProfile",
      "ec2:ReplaceIamInstanceProfileAssociation",
    ],
    "instance profiles of launch templates": ["ec2:CreateLaunchTemplate", "ec2:CreateLaunchTemplateVersion"],
    "instance profiles of launch configurations": ["autoscaling:CreateLaunchConfiguration"],
    "the role of an instance profile": ["iam:AddRoleToInstanceProfile"],
    "a service-linked role": ["iam:CreateServiceLinkedRole"],
    "a service assuming a role for a task, instance, function or pod": ["sts:AssumeRole"],
    "EKS service accounts (IRSA)": ["sts:AssumeRoleWithWebIdentity"],
    "IAM Identity Center sign-ins": ["sts:AssumeRoleWithSAML"],
    "EKS Pod Identity roles": [
      "eks-auth:AssumeRoleForPodIdentity",
      "eks:CreatePodIdentityAssociation",
      "eks:UpdatePodIdentityAssociation",
    ],
    "EKS node roles": ["eks:CreateNodegroup"],
    "EventBridge roles that run ECS tasks": ["events:PutTargets"],
    "ECS service autoscaling roles": ["application-autoscaling:RegisterScalableTarget"],
    "CodeDeploy roles for ECS services": ["codedeploy:CreateDeploymentGroup"],
    "Lambda execution roles": ["lambda:CreateFunction", "lambda:UpdateFunctionConfiguration"],
  },
  "classify policy": {
    "a role's trust policy, and that it was created": ["iam:CreateRole"],
    "a role's new trust policy": ["iam:UpdateAssumeRolePolicy"],
    "managed policies attached to a role": ["iam:AttachRolePolicy"],
    "managed policies detached from a role": ["iam:DetachRolePolicy"],
  },
  policy: {
    "that a role and its policies are gone": ["iam:DeleteRole"],
    "a role's tags (principal tags in conditions)": ["iam:TagRole", "iam:UntagRole"],
    "a role's inline policies": ["iam:PutRolePolicy", "iam:DeleteRolePolicy"],
    "a role's permissions boundary": ["iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary"],
    "that a user exists": ["iam:CreateUser"],
    "that a user and its policies are gone": ["iam:DeleteUser"],
    "a user's tags": ["iam:TagUser", "iam:UntagUser"],
    "a user's inline policies": ["iam:PutUserPolicy", "iam:DeleteUserPolicy"],
    "managed policies attached to a user": ["iam:AttachUserPolicy"],
    "managed policies detached from a user": ["iam:DetachUserPolicy"],
    "a user's permissions boundary": ["iam:PutUserPermissionsBoundary", "iam:DeleteUserPermissionsBoundary"],
    "group membership": ["iam:AddUserToGroup", "iam:RemoveUserFromGroup"],
    "a group's inline policies": ["iam:PutGroupPolicy", "iam:DeleteGroupPolicy"],
    "managed policies attached to a group": ["iam:AttachGroupPolicy"],
    "managed policies detached from a group": ["iam:DetachGroupPolicy"],
    "customer-managed policy documents": [
      "iam:CreatePolicy",
      "iam:CreatePolicyVersion",
      "iam:DeletePolicyVersion",
      "iam:DeletePolicy",
    ],
    "which policy version is in force": ["iam:SetDefaultPolicyVersion"],
    "a function's policy": ["lambda:AddPermission", "lambda:RemovePermission"],
    "a bucket's policy": ["s3:PutBucketPolicy", "s3:DeleteBucketPolicy"],
    "a key's policy": ["kms:PutKeyPolicy"],
    "a key's first policy (the default one when none is given)": ["kms:CreateKey"],
    "a queue's policy": ["sqs:SetQueueAttributes"],
    "a queue's first policy": ["sqs:CreateQueue"],
    "a topic's policy": ["sns:SetTopicAttributes"],
    "a topic's first policy": ["sns:CreateTopic"],
    "a repository's policy": ["ecr:SetRepositoryPolicy", "ecr:DeleteRepositoryPolicy"],
    "a secret's policy": ["secretsmanager:PutResourcePolicy", "secretsmanager:DeleteResourcePolicy"],
    "SCP and RCP documents": [
      "organizations:CreatePolicy",
      "organizations:UpdatePolicy",
      "organizations:DeletePolicy",
    ],
    "where SCPs and RCPs apply": ["organizations:AttachPolicy", "organizations:DetachPolicy"],
  },
  nobody: {
    "instance profiles (kept for their history)": ["iam:CreateInstanceProfile"],
    "the role of an instance profile (kept for its history)": ["iam:RemoveRoleFromInstanceProfile"],
  },
} as const satisfies Partial<Record<Readers, Record<string, readonly `${string}:${string}`[]>>>;

type Table = typeof EVIDENCE_TABLE;
/** The table as plain data, for reading it at run time. */
const rows: Record<string, Record<string, readonly string[]>> = EVIDENCE_TABLE;
/** The events listed under a key of the table. */
type EventsOf<K extends keyof Table> = {
  [S in keyof Table[K]]: Table[K][S];
}[keyof Table[K]] extends readonly (infer E)[]
  ? E
  : never;
export type EvidenceEvent = { [K in keyof Table]: EventsOf<K> }[keyof Table];

/** The readers a key names. */
type ReadersOf<K> = K extends `${infer R} ${infer Rest}` ? R | ReadersOf<Rest> : K;

/** The evidence events a reader reads, as a type. */
type ReadBy<R extends Reader> = {
  [K in keyof Table]: R extends ReadersOf<K> ? EventsOf<K> : never;
}[keyof Table];

const readersOf = (key: string): Reader[] => (key === "nobody" ? [] : (key.split(" ") as Reader[]));

interface EvidenceFact {
  readBy: readonly Reader[];
  says: string;
}

/** Each evidence event with who reads it and what it says (every event of the table is a key: it is built from it). */
export const evidenceEvents = Object.fromEntries(
  Object.entries(rows).flatMap(([readers, facts]) =>
    Object.entries(facts).flatMap(([says, events]) =>
      events.map((event) => [event, { readBy: readersOf(readers), says }]),
    ),
  ),
) as Partial<Record<EvidenceEvent, EvidenceFact>> as Record<EvidenceEvent, EvidenceFact>;

/** `<service>:<eventName>` of every evidence event (an event listed twice would be here twice: a test refuses it). */
export const evidenceEventNames = Object.values(rows).flatMap((facts) =>
  Object.values(facts).flat(),
) as EvidenceEvent[];

/** The evidence events one reader reads. */
export function evidenceEventsReadBy<R extends Reader>(reader: R): ReadBy<R>[] {
  return evidenceEventNames.filter((e): e is ReadBy<R> => evidenceEvents[e].readBy.includes(reader));
}

/** The events of the policy model. */
export type PolicyEvidenceEvent = ReadBy<"policy">;
export const policyEvidenceEvents: readonly PolicyEvidenceEvent[] = evidenceEventsReadBy("policy");

const EVIDENCE: ReadonlySet<string> = new Set(evidenceEventNames);

/** Only a service assuming a role says what the role is for: AssumeRole by people or code says nothing. */
export const SERVICE_ASSUME_ROLE: EvidenceEvent = "sts:AssumeRole";

/** Lambda's API-version suffix on event names (`…20150331v2`). */
export const LAMBDA_VERSION_SUFFIX = /\d{8}(v\d+)?$/;

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
