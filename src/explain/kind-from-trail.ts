import { type ArnKind, kindFromArn } from "../classify/arn-kind.js";
import type { RoleCatalogEntry, RoleKind } from "../classify/kinds.js";
import { sessionShape } from "../cloudtrail/arn.js";
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

/** The better supported of two readings of the same principal. */
function stronger(a: ArnKind, b: ArnKind): { kind: RoleKind; confidence: number } {
  const best = b.confidence > a.confidence ? b : a;
  return { kind: best.kind, confidence: best.confidence };
}

/**
 * The kind of the denied principal when the catalogue has nothing: what its ARNs show (kindFromArn, the one home of
 * that reading: the issuer's role ARN keeps the path, the session ARN the session name), sharpened by what this one
 * event adds: web identity, the Lambda runtime or the ECS agent in the user agent, and launch-time calls.
 */
export function kindFromTrail(
  record: CloudTrailRecord,
  principal: Principal,
  action: string | null,
): { kind: RoleKind; confidence: number } {
  if (principal.type === "IAMUser") return { kind: "iam-user", confidence: 1 };
  if (principal.type === "Root") return { kind: "root", confidence: 1 };
  if (principal.type === "AWSService") return { kind: "service-linked", confidence: 0.6 };
  const fromArn = stronger(kindFromArn(principal.roleArn), kindFromArn(principal.arn));
  // Paths AWS writes itself outweigh anything one event shows.
  if (fromArn.kind === "sso" || fromArn.kind === "service-linked") return fromArn;
  if (principal.federatedProvider?.includes("oidc.eks.")) return { kind: "eks-irsa", confidence: 0.9 };
  const ua = typeof record.userAgent === "string" ? record.userAgent : "";
  if (isLambdaUserAgent(ua)) return { kind: "lambda", confidence: 0.85 };
  const shape = principal.sessionName ? sessionShape(principal.sessionName) : null;
  const agents = agentClassOf(record.userAgent);
  if (shape === "ec2-instance-id" || shape === "managed-instance-id") {
    if (isEcsAgentUserAgent(ua) || (action !== null && isContainerInstanceCall(action, agents)))
      return { kind: "ecs-container-instance", confidence: 0.8 };
    return fromArn;
  }
  if (shape === "ecs-task-id" || shape === "uuid") {
    const launch = action !== null && (isLaunchAction(action) || isLaunchSecretCall(action, agents));
    if (launch && (isEcsAgentUserAgent(ua) || !isSdkUserAgent(ua)))
      return { kind: "ecs-task-execution", confidence: 0.6 };
  }
  return fromArn;
}
