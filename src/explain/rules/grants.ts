import { hasSsoRolePath, isSsoRoleName, roleNameOf } from "../../cloudtrail/arn.js";
import { withCompanions } from "../../cloudtrail/ecs-calls.js";
import { foldLogStream } from "../../cloudtrail/resource.js";
import {
  grantResource,
  identityPolicy,
  permissionSetCommands,
  putRolePolicyCommand,
  putUserPolicyCommand,
  resourcePolicy,
  trustPolicy,
} from "../fix.js";
import type { Decision, DenialFacts, Grant } from "./rule.js";

type Condition = Record<string, Record<string, string>>;

/** Nothing to grant: the fix is outside the principal's policies (an organization policy, a boundary, …). */
export const noGrant: Grant = {
  type: "none",
  build: () => ({ policy: null, commands: [], resourceUnknown: false }),
};

/** An IAM Identity Center role: generated from a permission set, which is what changes (never the role). */
export function isIdentityCenterRole(roleArn: string | null): boolean {
  return roleArn !== null && (hasSsoRolePath(roleArn) || isSsoRoleName(roleNameOf(roleArn)));
}

/**
 * An identity policy for the principal: the denied action with the companions the trail cannot show, on the
 * resource (log streams widened, since each task names its own), with a condition when the rule gives one. The
 * commands apply it to the user, the role, or (for an Identity Center role) its permission set.
 */
export function identityGrant(
  opts: {
    condition?: (facts: DenialFacts) => Condition | undefined;
    followUp?: (facts: DenialFacts, decision: Decision) => string[];
  } = {},
): Grant {
  return {
    type: "identity",
    build(facts, decision) {
      const actions = withCompanions(facts.action);
      const target =
        actions.includes("logs:PutLogEvents") && facts.resource
          ? foldLogStream(facts.resource)
          : facts.resource;
      const g = grantResource(facts.action, target);
      const policy = identityPolicy(actions, g.resource, opts.condition?.(facts));
      const commands: string[] = [];
      if (facts.principal.type === "IAMUser")
        commands.push(putUserPolicyCommand(facts.principal.arn, policy, actions));
      else if (decision.roleArn && isIdentityCenterRole(decision.roleArn))
        commands.push(...permissionSetCommands(decision.roleArn, policy));
      else if (decision.roleArn) commands.push(putRolePolicyCommand(decision.roleArn, policy, actions));
      commands.push(...(opts.followUp?.(facts, decision) ?? []));
      return { policy, commands, resourceUnknown: g.unknown };
    },
  };
}

/**
 * A statement for the resource's own policy, allowing the principal the action. An AWS service acting as its
 * service principal is named as the service, limited to the denied call's account (aws:SourceAccount), so that no
 * other account's use of the service gets in.
 */
export const resourceGrant: Grant = {
  type: "resource",
  build(facts) {
    const g = grantResource(facts.action, facts.resource);
    const service = facts.principal.type === "AWSService" ? facts.principal.invokedBy : null;
    const principal = service ?? facts.principal.roleArn ?? facts.principal.arn;
    const account = facts.record.recipientAccountId ?? facts.principal.accountId;
    const condition = service && account ? { StringEquals: { "aws:SourceAccount": account } } : undefined;
    return {
      policy: resourcePolicy(principal, facts.action, g.resource, condition),
      commands: [],
      resourceUnknown: g.unknown,
    };
  },
};

/**
 * A trust-policy statement letting the caller assume the role, to merge into the role's trust policy: the service
 * the message names when a service could not assume it (ECS for a task role), else the principal.
 */
export const trustGrant: Grant = {
  type: "trust",
  build(facts, decision) {
    const policy = trustPolicy(facts.trustedService ?? facts.principal.roleArn ?? facts.principal.arn);
    const commands = decision.roleArn
      ? [
          `aws iam update-assume-role-policy --role-name ${roleNameOf(decision.roleArn)} --policy-document file://trust.json  # merge the statement into the current trust policy first`,
        ]
      : [];
    return { policy, commands, resourceUnknown: false };
  },
};

/** A new task role holding exactly the denied action, to set as the task definition's taskRoleArn. */
export const newTaskRoleGrant: Grant = {
  type: "new-task-role",
  build(facts) {
    const policy = identityPolicy([facts.action], grantResource(facts.action, facts.resource).resource);
    return {
      policy,
      commands: [
        'aws iam create-role --role-name <app>-task-role --assume-role-policy-document \'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}\'',
        `aws iam put-role-policy --role-name <app>-task-role --policy-name deniedby-task-role --policy-document '${JSON.stringify(policy)}'`,
        "# then set taskRoleArn in the task definition, register a new revision, and update the service",
      ],
      resourceUnknown: false,
    };
  },
};
