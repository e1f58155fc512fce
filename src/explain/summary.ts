import type { RoleKind } from "../classify/kinds.js";
import { permissionSetOf, roleNameOf } from "../cloudtrail/arn.js";
import type { Explanation, Fix } from "./explanation.schema.js";
import type { PolicyTarget } from "./reasons.js";

/** What the summary says to change, per fix target: the end of one sentence, lower case, no final period. */
const changes: Record<RoleKind | PolicyTarget, string> = {
  "ecs-task": "grant it in the ECS task role, the application's identity inside the task",
  "ecs-task-execution": "grant it in the ECS task execution role, the agent's identity at launch",
  "ecs-container-instance": "grant it in the container instance's role, the ECS agent's identity on the host",
  "ec2-instance": "grant it in the EC2 instance's role",
  lambda: "grant it in the Lambda function's execution role",
  "eks-irsa": "grant it in the role of the pod's Kubernetes service account (IRSA)",
  "eks-pod-identity": "grant it in the role of the pod's EKS Pod Identity association",
  sso: "change the IAM Identity Center permission set the role was generated from, then provision it again",
  "service-linked": "change nothing, since AWS manages this service-linked role's own permissions",
  "ecs-service": "grant it in the legacy ECS service role",
  "ecs-events": "grant it in the EventBridge role that runs the ECS tasks",
  "ecs-autoscale": "grant it in the Application Auto Scaling role of the ECS service",
  "ecs-codedeploy": "grant it in the CodeDeploy role of the ECS deployment",
  "service-role": "grant it in this service role, which an AWS service assumes",
  "chained-role": "grant it in this role, not in the role that assumed it",
  "iam-user": "grant it in the IAM user's policy",
  root: "look at the organization's and the resource's policies, since nothing else limits the root user",
  unknown: "find which workload uses the role, then grant it in the role's policy",
  "organization-policy":
    "change the organization's service or resource control policy, since no role change alone helps",
  "resource-policy": "change the resource's own policy (bucket, key, repository, secret, queue, topic, …)",
  "permissions-boundary": "change the permissions boundary attached to the principal",
  "session-policy": "change the session policy passed when the session was created",
  "vpc-endpoint-policy": "change the policy of the VPC endpoint the request went through",
  "trust-policy": "change the trust policy of the role being assumed",
  "task-definition": "give the ECS task definition a task role holding the permission",
};

/** What names the change more exactly, when the catalogue or the ARN knows it. */
export interface SummaryDetail {
  /** The service that assumes a service role. */
  service: string | null;
  /** The roles that assumed a chained role. */
  assumedBy: string[];
}

function changeOf(target: Fix["target"], roleArn: string | null, detail: SummaryDetail): string {
  if (target === "service-role" && detail.service)
    return `grant it in this service role, which ${detail.service} assumes`;
  if (target === "chained-role" && detail.assumedBy[0])
    return `grant it in this role, not in ${roleNameOf(detail.assumedBy[0])}, whose session assumed it`;
  const set = target === "sso" && roleArn ? permissionSetOf(roleNameOf(roleArn)) : null;
  if (set) return `change the ${set} permission set in IAM Identity Center, then provision it again`;
  return changes[target];
}

/**
 * The one-sentence summary of an explanation: who was denied what, by which policy, and what to change. When the
 * principal's kind is unknown the sentence says so before the change.
 */
export function summarise(
  e: Pick<
    Explanation,
    "principal" | "action" | "eventSource" | "eventName" | "resource" | "deniedBy" | "explicitDeny"
  >,
  fix: Pick<Fix, "target" | "roleArn">,
  detail: SummaryDetail,
): string {
  // extractPrincipal names a caller it cannot identify `unknown`.
  const named = e.principal.arn !== "" && e.principal.arn !== "unknown";
  const who = e.principal.roleArn ? roleNameOf(e.principal.roleArn) : named ? e.principal.arn : "The caller";
  const call = `${e.eventSource} ${e.eventName}`.trim();
  const what = e.action ?? (call || "a call");
  const on = e.resource && e.resource !== "*" ? ` on ${e.resource}` : "";
  const by =
    e.deniedBy === "unknown"
      ? ""
      : ` by ${e.explicitDeny ? "an explicit deny in " : "a missing allow in "}the ${e.deniedBy} policy`;
  const change = changeOf(fix.target, fix.roleArn ?? e.principal.roleArn, detail);
  const kind = e.principal.kind === "unknown" ? "the role's kind is unknown: " : "";
  return `${who} was denied ${what}${on}${by}; ${kind}${change}.`;
}
