import { roleNameOf } from "../../cloudtrail/arn.js";
import { withCompanions } from "../../cloudtrail/ecs-calls.js";
import { foldLogStream } from "../../cloudtrail/resource.js";
import {
  grantResource,
  identityPolicy,
  putRolePolicyCommand,
  putUserPolicyCommand,
  resourcePolicy,
  trustPolicy,
} from "../fix.js";
import type { DenialFacts, Grant } from "./rule.js";

type Condition = Record<string, Record<string, string>>;

/** Nothing to grant: the fix is outside the principal's policies (an organization policy, a boundary, …). */
export const noGrant: Grant = {
  type: "none",
  build: () => ({ policy: null, commands: [], resourceUnknown: false }),
};

/**
 * An identity policy for the principal: the denied action with the companions the trail cannot show, on the
 * resource (log streams widened, since each task names its own), with a condition when the rule gives one.
 */
export function identityGrant(
  opts: { condition?: (facts: DenialFacts) => Condition | undefined; followUp?: string[] } = {},
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
      else if (decision.roleArn && decision.target !== "sso")
        commands.push(putRolePolicyCommand(decision.roleArn, policy, actions));
      commands.push(...(opts.followUp ?? []));
      return { policy, commands, resourceUnknown: g.unknown };
    },
  };
}

/** A statement for the resource's own policy, allowing the principal the action. */
export const resourceGrant: Grant = {
  type: "resource",
  build(facts) {
    const g = grantResource(facts.action, facts.resource);
    const principal = facts.principal.roleArn ?? facts.principal.arn;
    return {
      policy: resourcePolicy(principal, facts.action, g.resource),
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
