import { assumeRoleRule } from "./assume-role.rule.js";
import { chainedRoleRule } from "./chained-role.rule.js";
import { dualUseTaskRule } from "./dual-use-task.rule.js";
import { ecsAgentRule } from "./ecs-agent.rule.js";
import { ecsExecRule } from "./ecs-exec.rule.js";
import { ecsImagePullRule } from "./ecs-image-pull.rule.js";
import { ecsImagePullInstanceRule } from "./ecs-image-pull-instance.rule.js";
import { ecsInstanceFallbackRule } from "./ecs-instance-fallback.rule.js";
import { ecsLaunchKmsRule } from "./ecs-launch-kms.rule.js";
import { ecsLaunchLogsRule } from "./ecs-launch-logs.rule.js";
import { ecsLaunchSecretsRule } from "./ecs-launch-secrets.rule.js";
import { ecsTaskAppRule } from "./ecs-task-app.rule.js";
import { eksNodeImagePullRule } from "./eks-node-image-pull.rule.js";
import { identityCenterRule } from "./identity-center.rule.js";
import { kindUnknownRule } from "./kind-unknown.rule.js";
import { noEvidenceRule } from "./no-evidence.rule.js";
import { orgPolicyRule } from "./org-policy.rule.js";
import { passRoleRule } from "./pass-role.rule.js";
import { permissionsBoundaryRule } from "./permissions-boundary.rule.js";
import { principalKindRule } from "./principal-kind.rule.js";
import { resourcePolicyRule } from "./resource-policy.rule.js";
import { roleTrustRule } from "./role-trust.rule.js";
import type { DenialFacts, ExplainRule } from "./rule.js";
import { servicePrincipalRule } from "./service-principal.rule.js";
import { serviceRoleRule } from "./service-role.rule.js";
import { sessionPolicyRule } from "./session-policy.rule.js";
import { vpcEndpointPolicyRule } from "./vpc-endpoint-policy.rule.js";

/**
 * The explanation rules, tried in this order; the first that applies decides. Why this order:
 *
 * 1. When the message names the policy type that denied, that policy is what changes, whoever the principal is:
 *    organization policies first (no change to any role can override them), then the principal's own limits
 *    (boundary, session), the network path (VPC endpoint), the assumed role's trust, the resource's policy.
 * 2. iam:PassRole before anything about ECS: a RunTask or RegisterTaskDefinition naming PassRole is about the
 *    caller passing a role, not about the task's roles.
 * 3. An AssumeRole with no reason given is about the assumed role's trust, whatever the caller is.
 * 4. AWS service principals and service-linked roles: AWS manages a service-linked role's own policies; a service
 *    principal is allowed only by resource policies. Nothing ECS applies.
 * 5. Principals whose kind says who acts, whatever the call: an Identity Center user (a person; the permission set
 *    changes), a service role (a service acts with it), a chained role (code that assumed it). A CodeBuild role
 *    pulling an image or a person at a laptop is no ECS execution role.
 * 6. ECS launch-time calls belong to the role that makes them, not the role named: image pulls (an EC2 host with
 *    no sign of ECS is an EKS node, then the instance role on an ECS host's i-… session, then the execution
 *    role), ECS Exec (the task role), the agent's own calls (the instance role), then launch secrets, decrypts and
 *    log streams (the execution role; a decrypt before the secret read that needs it).
 * 7. An application call on an ECS host's instance session is a task without a task role: only after the
 *    agent's and the launch calls, which are the host's own.
 * 8. Then what the principal is: the task half of a dual-use role, a task role, nothing known (with or without a
 *    role to name), and last, the principal's own kind, which always applies.
 *
 * Adding a rule: a `<name>.rule.ts` beside these, its `<name>.cases.json`, and one line here.
 */
export const explainRules: readonly ExplainRule[] = [
  orgPolicyRule,
  permissionsBoundaryRule,
  sessionPolicyRule,
  vpcEndpointPolicyRule,
  roleTrustRule,
  resourcePolicyRule,
  passRoleRule,
  assumeRoleRule,
  servicePrincipalRule,
  identityCenterRule,
  serviceRoleRule,
  chainedRoleRule,
  eksNodeImagePullRule,
  ecsImagePullInstanceRule,
  ecsImagePullRule,
  ecsExecRule,
  ecsAgentRule,
  ecsLaunchKmsRule,
  ecsLaunchLogsRule,
  ecsLaunchSecretsRule,
  ecsInstanceFallbackRule,
  dualUseTaskRule,
  ecsTaskAppRule,
  noEvidenceRule,
  kindUnknownRule,
  principalKindRule,
];

/** The first rule that applies (the last rule always does). */
export function firstRule(facts: DenialFacts): ExplainRule {
  for (const rule of explainRules) if (rule.applies(facts)) return rule;
  return principalKindRule;
}
