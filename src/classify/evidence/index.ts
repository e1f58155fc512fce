import { isServicePrincipal, sessionShape } from "../../cloudtrail/arn.js";
import {
  type EvidenceEvent,
  evidenceEventOf,
  SERVICE_ASSUME_ROLE,
} from "../../cloudtrail/evidence-events.js";
import { extractPrincipal } from "../../cloudtrail/principal.js";
import type { CloudTrailRecord } from "../../cloudtrail/record.js";
import { addInvokedShape, addShape, type Catalog, type RoleState } from "../role-state.js";
import { registerScalableTarget } from "./application-autoscaling.js";
import { createDeploymentGroup } from "./codedeploy.js";
import type { EvidenceReading, EvidenceRecord, Extractor } from "./context.js";
import { instanceProfileLaunch, readLaunchedProfiles } from "./ec2.js";
import {
  createOrUpdateService,
  readLaunchTypeHosts,
  registerContainerInstance,
  registerTaskDefinition,
  runTask,
} from "./ecs.js";
import { assumeRoleForPodIdentity, createNodegroup, podIdentityAssociation } from "./eks.js";
import { putTargets } from "./events.js";
import {
  addRoleToInstanceProfile,
  attachOrDetachRolePolicy,
  createServiceLinkedRole,
  trustPolicy,
} from "./iam.js";
import { functionRole } from "./lambda.js";
import { assumeRoleWithSaml, assumeRoleWithWebIdentity, serviceAssumeRole } from "./sts.js";

/**
 * The extractor of each evidence event the classifier reads, keyed as src/cloudtrail/evidence-events.ts keys them
 * (a test checks the keys are exactly the events that list gives the classifier). New evidence: an extractor in
 * the service's file and one line here.
 */
export const evidenceExtractors: Partial<Record<EvidenceEvent, Extractor>> = {
  "ecs:RegisterTaskDefinition": registerTaskDefinition,
  "ecs:RunTask": runTask,
  "ecs:StartTask": runTask,
  "ecs:CreateService": createOrUpdateService,
  "ecs:UpdateService": createOrUpdateService,
  "ecs:RegisterContainerInstance": registerContainerInstance,
  "ec2:RunInstances": instanceProfileLaunch,
  "ec2:AssociateIamInstanceProfile": instanceProfileLaunch,
  "ec2:ReplaceIamInstanceProfileAssociation": instanceProfileLaunch,
  "ec2:CreateLaunchTemplate": instanceProfileLaunch,
  "ec2:CreateLaunchTemplateVersion": instanceProfileLaunch,
  "autoscaling:CreateLaunchConfiguration": instanceProfileLaunch,
  "iam:AddRoleToInstanceProfile": addRoleToInstanceProfile,
  "iam:CreateRole": trustPolicy,
  "iam:UpdateAssumeRolePolicy": trustPolicy,
  "iam:AttachRolePolicy": attachOrDetachRolePolicy,
  "iam:DetachRolePolicy": attachOrDetachRolePolicy,
  "iam:CreateServiceLinkedRole": createServiceLinkedRole,
  "sts:AssumeRole": serviceAssumeRole,
  "sts:AssumeRoleWithWebIdentity": assumeRoleWithWebIdentity,
  "sts:AssumeRoleWithSAML": assumeRoleWithSaml,
  "eks-auth:AssumeRoleForPodIdentity": assumeRoleForPodIdentity,
  "eks:CreatePodIdentityAssociation": podIdentityAssociation,
  "eks:UpdatePodIdentityAssociation": podIdentityAssociation,
  "eks:CreateNodegroup": createNodegroup,
  "events:PutTargets": putTargets,
  "application-autoscaling:RegisterScalableTarget": registerScalableTarget,
  "codedeploy:CreateDeploymentGroup": createDeploymentGroup,
  "lambda:CreateFunction": functionRole,
  "lambda:UpdateFunctionConfiguration": functionRole,
};

/**
 * Records in time order, ties by event ID: the order every later-wins rule (trust updates, detaches) relies on.
 * Each comes with its parsed time, so the reader does not parse it a second time.
 */
function inTimeOrder(records: CloudTrailRecord[]): { r: CloudTrailRecord; t: number }[] {
  const keyed = records.map((r) => ({ r, t: Date.parse(r.eventTime) }));
  keyed.sort((a, b) => a.t - b.t || (a.r.eventID < b.r.eventID ? -1 : a.r.eventID > b.r.eventID ? 1 : 0));
  return keyed;
}

/** The record as extractors see it; the caller is seen (time, session shape) whatever the event. */
function evidenceRecord(
  catalog: Catalog,
  reading: EvidenceReading,
  r: CloudTrailRecord,
  time: number,
): EvidenceRecord {
  const principal = extractPrincipal(r);
  const account = r.recipientAccountId ?? principal.accountId;
  const caller = principal.roleArn
    ? catalog.ref(principal.roleArn, account, 0)
    : principal.type === "IAMUser" || principal.type === "Root"
      ? catalog.ref(principal.arn, account, 0)
      : null;
  if (caller) {
    catalog.seen(caller, time, time);
    const session = principal.sessionName;
    const by = principal.invokedBy;
    if (session && by && isServicePrincipal(by)) addInvokedShape(caller, sessionShape(session), session, by);
    else if (session) addShape(caller, sessionShape(session), session);
  }
  return {
    record: r,
    time,
    req: r.requestParameters ?? {},
    resp: r.responseElements ?? {},
    principal,
    account,
    caller,
    catalog,
    // Rank 1: named by ARN in an event; rank 2: a bare name, rebuilt into an ARN without a path.
    named: (arnOrName: string | undefined): RoleState | null =>
      arnOrName ? catalog.ref(arnOrName, account, arnOrName.startsWith("arn:") ? 1 : 2) : null,
    reading,
  };
}

/** Reads the evidence records in time order into role states; returns ECS AssumeRole events for pairing. */
export function readEvidence(catalog: Catalog, evidence: CloudTrailRecord[]): EvidenceReading["ecsAssumes"] {
  const reading: EvidenceReading = {
    ecsAssumes: new Map(),
    profileRoles: new Map(),
    launchedProfiles: new Map(),
    hostRoleByContainerInstance: new Map(),
    ec2LaunchTypeHosts: new Map(),
    trustByText: new Map(),
  };
  for (const { r, t } of inTimeOrder(evidence)) {
    const e = evidenceRecord(catalog, reading, r, t);
    const event = evidenceEventOf(r);
    // Only a service assuming a role says what the role is for.
    if (event === null || (event === SERVICE_ASSUME_ROLE && e.principal.type !== "AWSService")) continue;
    evidenceExtractors[event]?.(e);
  }
  readLaunchedProfiles(catalog, reading);
  readLaunchTypeHosts(catalog, reading);
  return reading.ecsAssumes;
}
