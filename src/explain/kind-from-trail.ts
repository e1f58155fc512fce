import type { RoleCatalogEntry, RoleKind } from "../classify/kinds.js";
import {
  hasSsoRolePath,
  isServiceLinkedRoleArn,
  isSsoRoleName,
  roleNameOf,
  sessionShape,
} from "../cloudtrail/arn.js";
import { isContainerInstanceCall, isLaunchAction, isLaunchSecretCall } from "../cloudtrail/ecs-calls.js";
import type { Principal } from "../cloudtrail/principal.js";
import type { CloudTrailRecord } from "../cloudtrail/record.js";
import {
  agentClassOf,
  isEcsAgentUserAgent,
  isLambdaUserAgent,
  isSdkUserAgent,
} from "../cloudtrail/user-agents.js";

/** The leading kind of a catalogue entry, when there is one. */
export function bestKind(
  entry: RoleCatalogEntry | undefined,
): { kind: RoleKind; confidence: number } | undefined {
  const first = entry?.kinds[0];
  return first ? { kind: first.kind, confidence: first.confidence } : undefined;
}

/** The kind of the denied principal from the trail alone, when the catalogue has nothing. */
export function kindFromTrail(
  record: CloudTrailRecord,
  principal: Principal,
  action: string | null,
): { kind: RoleKind; confidence: number } {
  if (principal.type === "IAMUser") return { kind: "iam-user", confidence: 1 };
  if (principal.type === "Root") return { kind: "root", confidence: 1 };
  if (principal.type === "AWSService") return { kind: "service-linked", confidence: 0.6 };
  const role = principal.roleArn ?? "";
  if (isServiceLinkedRoleArn(role)) return { kind: "service-linked", confidence: 0.95 };
  // A session ARN rebuilt without the issuer loses the reserved path; the role name still says SSO.
  if (hasSsoRolePath(role) || (role !== "" && isSsoRoleName(roleNameOf(role))))
    return { kind: "sso", confidence: 0.95 };
  if (principal.federatedProvider?.includes("oidc.eks.")) return { kind: "eks-irsa", confidence: 0.9 };
  const ua = typeof record.userAgent === "string" ? record.userAgent : "";
  if (isLambdaUserAgent(ua)) return { kind: "lambda", confidence: 0.85 };
  const shape = principal.sessionName ? sessionShape(principal.sessionName) : null;
  const agents = agentClassOf(record.userAgent);
  if (shape === "ec2-instance-id" || shape === "managed-instance-id")
    return isEcsAgentUserAgent(ua) || (action !== null && isContainerInstanceCall(action, agents))
      ? { kind: "ecs-container-instance", confidence: 0.8 }
      : { kind: "ec2-instance", confidence: 0.6 };
  if (shape === "eks-pod") return { kind: "eks-pod-identity", confidence: 0.85 };
  if (shape === "ecs-task-id" || shape === "uuid") {
    const launch = action !== null && (isLaunchAction(action) || isLaunchSecretCall(action, agents));
    if (launch && (isEcsAgentUserAgent(ua) || !isSdkUserAgent(ua)))
      return { kind: "ecs-task-execution", confidence: 0.6 };
    if (shape === "ecs-task-id") return { kind: "ecs-task", confidence: 0.5 };
  }
  return { kind: "unknown", confidence: 0 };
}
