import { createHash } from "node:crypto";
import type { RoleKind } from "../classify/kinds.js";
import type { DeniedBy } from "../cloudtrail/access-denied.js";
import type { Principal } from "../cloudtrail/principal.js";
import type { CloudTrailRecord } from "../cloudtrail/record.js";
import type { NoiseReason } from "./reasons.js";

export interface DenialFingerprint {
  /** The role ARN for sessions (all tasks of a role are one incident), else the principal ARN. */
  principalKey: string;
  action: string;
  resourcePattern: string;
  deniedBy: DeniedBy;
  policyArn: string | null;
}

/**
 * Folds the parts of a resource that change per call (object keys, log streams, task and instance ids) so that the
 * same failure from many tasks is one incident.
 */
export function resourcePattern(resource: string | null): string {
  if (!resource) return "";
  if (resource.startsWith("arn:aws:s3:::") || /^arn:aws[\w-]*:s3:::/.test(resource)) {
    const slash = resource.indexOf("/");
    if (slash === -1) return resource;
    const last = resource.lastIndexOf("/");
    return `${resource.slice(0, last === slash ? slash : last)}/*`;
  }
  return resource
    .replace(/(:log-stream:).*$/, "$1*")
    .replace(/(:task\/[^/]+\/)[0-9a-f]{32}$/, "$1*")
    .replace(/(:instance\/)i-[0-9a-f]+$/, "$1*")
    .replace(/(:container-instance\/(?:[^/]+\/)?)[0-9a-f-]+$/, "$1*");
}

export function fingerprintDenial(input: {
  principal: Principal;
  action: string | null;
  resource: string | null;
  deniedBy: DeniedBy;
  policyArn: string | null;
}): { id: string; fingerprint: DenialFingerprint } {
  const fingerprint: DenialFingerprint = {
    principalKey: input.principal.roleArn ?? input.principal.arn,
    action: input.action ?? "",
    resourcePattern: resourcePattern(input.resource),
    deniedBy: input.deniedBy,
    policyArn: input.policyArn,
  };
  const key = [
    fingerprint.principalKey,
    fingerprint.action,
    fingerprint.resourcePattern,
    fingerprint.deniedBy,
    fingerprint.policyArn ?? "",
  ].join("\n");
  return { id: `inc_${createHash("sha256").update(key).digest("hex").slice(0, 20)}`, fingerprint };
}

/** Actions an organization denies on purpose: a denial is the guardrail working. */
const GUARDRAIL_ACTIONS =
  /^(organizations:LeaveOrganization|cloudtrail:(StopLogging|DeleteTrail|UpdateTrail|PutEventSelectors)|guardduty:(DeleteDetector|DisassociateFromMasterAccount|DisassociateFromAdministratorAccount|UpdateDetector|DeleteMembers)|config:(StopConfigurationRecorder|DeleteConfigurationRecorder|DeleteDeliveryChannel)|securityhub:(DisableSecurityHub|DeleteMembers)|access-analyzer:DeleteAnalyzer|ec2:DisableEbsEncryptionByDefault|s3:PutAccountPublicAccessBlock|account:(CloseAccount|DisableRegion|EnableRegion)|iam:(CreateUser|CreateAccessKey|CreateLoginProfile))$/;

/** User agents of the AWS console: its pages probe many read APIs and show less when one is denied. */
const CONSOLE_AGENT =
  /^(AWS Internal|console\.amazonaws\.com|signin\.amazonaws\.com)|console\.aws\.amazon\.com/i;

/** Why a denial is noise, or null when it deserves attention. */
export function noiseReason(input: {
  record: CloudTrailRecord;
  principal: Principal;
  kind: RoleKind;
  action: string | null;
  deniedBy: DeniedBy;
  permissionless: boolean;
}): NoiseReason | null {
  const { record, principal, kind, action } = input;
  if (input.permissionless) return "permissionless-api";
  if (
    principal.type === "AWSService" ||
    kind === "service-linked" ||
    principal.roleArn?.includes(":role/aws-service-role/")
  )
    return "aws-service-principal";
  if ((input.deniedBy === "scp" || input.deniedBy === "rcp") && action && GUARDRAIL_ACTIONS.test(action))
    return "scp-guardrail";
  const verb = action?.slice(action.indexOf(":") + 1) ?? record.eventName;
  const readOnly = record.readOnly === true || /^(Get|List|Describe|Head|Search|Lookup)/.test(verb);
  if (readOnly && typeof record.userAgent === "string" && CONSOLE_AGENT.test(record.userAgent))
    return "console-probe";
  return null;
}
