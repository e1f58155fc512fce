import { hash } from "node:crypto";
import type { RoleKind } from "../classify/kinds.js";
import type { DeniedBy } from "../cloudtrail/access-denied.js";
import { isServiceLinkedRoleArn } from "../cloudtrail/arn.js";
import type { Principal } from "../cloudtrail/principal.js";
import type { CloudTrailRecord } from "../cloudtrail/record.js";
import { resourcePattern } from "../cloudtrail/resource.js";
import { isConsoleCall } from "../cloudtrail/user-agents.js";
import type { NoiseReason } from "./reasons.js";

export interface DenialFingerprint {
  /** The role ARN for sessions (all tasks of a role are one incident), else the principal ARN. */
  principalKey: string;
  action: string;
  resourcePattern: string;
  deniedBy: DeniedBy;
  policyArn: string | null;
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
  const key = `${fingerprint.principalKey}\n${fingerprint.action}\n${fingerprint.resourcePattern}\n${fingerprint.deniedBy}\n${fingerprint.policyArn ?? ""}`;
  return { id: incidentIdOf(key), fingerprint };
}

/** The incident id of a fingerprint key: the first 20 hex digits of its SHA-256 (crypto.hash: one call, no object). */
function incidentIdOf(key: string): string {
  return `inc_${hash("sha256", key).slice(0, 20)}`;
}

/** Actions an organization denies on purpose: a denial is the guardrail working. */
const GUARDRAIL_ACTIONS =
  /^(organizations:LeaveOrganization|cloudtrail:(StopLogging|DeleteTrail|UpdateTrail|PutEventSelectors)|guardduty:(DeleteDetector|DisassociateFromMasterAccount|DisassociateFromAdministratorAccount|UpdateDetector|DeleteMembers)|config:(StopConfigurationRecorder|DeleteConfigurationRecorder|DeleteDeliveryChannel)|securityhub:(DisableSecurityHub|DeleteMembers)|access-analyzer:DeleteAnalyzer|ec2:DisableEbsEncryptionByDefault|s3:PutAccountPublicAccessBlock|account:(CloseAccount|DisableRegion|EnableRegion)|iam:(CreateUser|CreateAccessKey|CreateLoginProfile))$/;

/**
 * Policies a customer owns, which a denial of an AWS service's own identity can still be fixed in: a bucket or key
 * policy, an endpoint policy, the organization's policies.
 */
const CUSTOMER_POLICIES: ReadonlySet<DeniedBy> = new Set(["resource", "vpc-endpoint", "scp", "rcp"]);

/**
 * A denial of AWS acting as itself (a service principal, a service-linked role) that nobody should change: AWS
 * manages those identities' own permissions. A policy the customer wrote that denied them is fixed there (a Config
 * delivery refused by the bucket policy), and a service principal is only ever allowed by such policies.
 */
function isAwsManagedDenial(input: { principal: Principal; kind: RoleKind; deniedBy: DeniedBy }): boolean {
  const { principal, kind, deniedBy } = input;
  const service = principal.type === "AWSService";
  const serviceLinked =
    kind === "service-linked" || (principal.roleArn !== null && isServiceLinkedRoleArn(principal.roleArn));
  if (!service && !serviceLinked) return false;
  if (CUSTOMER_POLICIES.has(deniedBy)) return false;
  return !(service && deniedBy === "unknown");
}

/** Why a denial is noise (nobody should change anything for it), or null when it deserves attention. */
export function noiseReason(input: {
  record: CloudTrailRecord;
  principal: Principal;
  kind: RoleKind;
  action: string | null;
  deniedBy: DeniedBy;
  permissionless: boolean;
}): NoiseReason | null {
  const { record, principal, action } = input;
  if (input.permissionless) return "permissionless-api";
  if (isAwsManagedDenial(input)) return "aws-service-principal";
  if ((input.deniedBy === "scp" || input.deniedBy === "rcp") && action && GUARDRAIL_ACTIONS.test(action))
    return "scp-guardrail";
  const verb = action?.slice(action.indexOf(":") + 1) ?? record.eventName;
  const readOnly = record.readOnly === true || /^(Get|List|Describe|Head|Search|Lookup)/.test(verb);
  // The console's pages probe many read APIs and simply show less when one is denied. A service reading for the
  // caller (invokedBy, AWS Internal) is not the console: its failure breaks whatever the service was doing.
  const origin = {
    userAgent: record.userAgent,
    invokedBy: principal.invokedBy,
    sessionCredentialFromConsole: record.sessionCredentialFromConsole,
  };
  if (readOnly && isConsoleCall(origin)) return "console-probe";
  return null;
}
