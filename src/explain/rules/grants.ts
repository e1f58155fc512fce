import { hasSsoRolePath, isSsoRoleName, roleNameOf } from "../../cloudtrail/arn.js";
import { recordPartition } from "../../cloudtrail/resource.js";
import type { PolicyDocument, PolicyStatement } from "../explanation.schema.js";
import {
  getIdentityPolicyCommand,
  grantResource,
  mergeStatements,
  ownedPolicyName,
  permissionSetCommands,
  putIdentityPolicyCommand,
  resourcePolicy,
  shellQuote,
  trustPolicy,
} from "../fix.js";
import { completeStatements, type FixScope } from "../fix-statements.js";
import type { Decision, DenialFacts, Grant, GrantResult } from "./rule.js";

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

/** The StringEquals values of a condition built from the call: what the call carried, as the rule read it. */
function callContextOf(condition: Condition | undefined): Record<string, string> | undefined {
  return condition?.StringEquals ? { ...condition.StringEquals } : undefined;
}

/** Where the denied call ran, to fill resource patterns the touched resource does not name. */
export function scopeOf(facts: DenialFacts): FixScope {
  return {
    partition: recordPartition(facts.record),
    region: facts.record.awsRegion ?? "",
    account: facts.record.recipientAccountId ?? facts.principal.accountId ?? "",
  };
}

/**
 * The owned policy of the identity with the new statements merged in, and the commands that write it: the merge is
 * what the model knows the policy holds; where the model does not know, the commands read the policy first.
 */
function ownedGrant(facts: DenialFacts, identityArn: string, added: PolicyStatement[]): GrantResult {
  const policyName = ownedPolicyName(identityArn);
  const owned = facts.ownedPolicy?.(identityArn, policyName) ?? {
    state: "unknown" as const,
    reason: "no policy model",
  };
  const statements = owned.state === "known" ? mergeStatements(owned.statements, added) : added;
  const policy: PolicyDocument = { Version: "2012-10-17", Statement: statements };
  const commands = owned.state === "unknown" ? [getIdentityPolicyCommand(identityArn)] : [];
  commands.push(putIdentityPolicyCommand(identityArn, policy));
  return { policy, commands, resourceUnknown: false, added, owned: { identityArn, policyName } };
}

/**
 * An identity policy for the principal: the denied action with its companions, each on every resource type it
 * requires (src/explain/fix-statements.ts), with a condition when the rule gives one. It goes into the one policy
 * deniedby owns on the user or role (merged with what the model knows it holds), or for an Identity Center role
 * into its permission set.
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
      const condition = opts.condition?.(facts);
      const complete = completeStatements(facts.action, facts.resource, scopeOf(facts), condition);
      const added = complete.statements;
      const owner =
        facts.principal.type === "IAMUser"
          ? facts.principal.arn
          : decision.roleArn && !isIdentityCenterRole(decision.roleArn)
            ? decision.roleArn
            : null;
      let result: GrantResult;
      if (owner) result = ownedGrant(facts, owner, added);
      else {
        const policy: PolicyDocument = { Version: "2012-10-17", Statement: added };
        const commands = decision.roleArn ? permissionSetCommands(decision.roleArn, policy) : [];
        result = { policy, commands, resourceUnknown: false, added };
      }
      result.commands.push(...(opts.followUp?.(facts, decision) ?? []));
      const callContext = callContextOf(condition);
      return { ...result, resourceUnknown: complete.unknown, ...(callContext ? { callContext } : {}) };
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
    const service = facts.principal.type === "AWSService" ? facts.principal.invokedBy : null;
    const principal = service ?? facts.principal.roleArn ?? facts.principal.arn;
    const account = facts.record.recipientAccountId ?? facts.principal.accountId;
    const condition = service && account ? { StringEquals: { "aws:SourceAccount": account } } : undefined;
    // The companions that need the same resource go in with it (the rest of an image pull from a repository); one
    // on `*` (the registry token) cannot be granted by a resource's policy.
    const [first] = completeStatements(facts.action, facts.resource, scopeOf(facts)).statements;
    const g = grantResource(facts.action, facts.resource);
    const resource = first && first.Resource !== "*" ? first.Resource : g.resource;
    const actions = first && first.Resource !== "*" ? first.Action : facts.action;
    const policy = resourcePolicy(principal, actions, resource, condition);
    const callContext = callContextOf(condition);
    return {
      policy,
      commands: [],
      resourceUnknown: g.unknown,
      added: policy.Statement,
      ...(callContext ? { callContext } : {}),
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
    const complete = completeStatements(facts.action, facts.resource, scopeOf(facts));
    const policy: PolicyDocument = { Version: "2012-10-17", Statement: complete.statements };
    return {
      policy,
      added: complete.statements,
      commands: [
        'aws iam create-role --role-name <app>-task-role --assume-role-policy-document \'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}\'',
        `aws iam put-role-policy --role-name <app>-task-role --policy-name deniedby-task-role --policy-document ${shellQuote(JSON.stringify(policy))}`,
        "# then set taskRoleArn in the task definition, register a new revision, and update the service",
      ],
      resourceUnknown: complete.unknown,
    };
  },
};
