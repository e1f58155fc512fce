import type { Fix } from "./explanation.schema.js";
import { infrastructureCodeOf } from "./fix-iac.js";
import { identityGrant } from "./rules/grants.js";
import type { Decision, DenialFacts, GrantResult } from "./rules/rule.js";

/**
 * An organisation policy blocks the call and, in the policy model, the caller's own policy does not allow it
 * either: the fix says both changes (issue 13 step 4). The organisation policy's change stays first; the caller's
 * grant (complete, into the policy deniedby owns) is the second, with its commands and infrastructure code. Null
 * unless the verdict without the organisation policies is that the identity policy allows nothing, and a role is
 * known.
 */
export function identityChangeToo(
  fix: Fix,
  facts: DenialFacts,
  decision: Decision,
  verified: string | null,
): GrantResult | null {
  if (fix.target !== "organization-policy" || fix.policy || facts.action === null || !facts.roleArn)
    return null;
  if (!verified?.startsWith("still denied by the identity policy")) return null;
  return identityGrant().build({ ...facts, action: facts.action }, { ...decision, roleArn: facts.roleArn });
}

/** The fix with the caller's grant added as its second change. */
export function withSecondChange(fix: Fix, grant: GrantResult): Fix {
  const second =
    "Second change: the caller's own policy does not allow the call either; add the statement below to it.";
  return {
    ...fix,
    summary: `Two changes. First: ${fix.summary} ${second}`,
    reasoning: [...fix.reasoning, second],
    policy: grant.policy,
    commands: [...grant.commands, ...fix.commands],
    infrastructureCode: grant.policy ? infrastructureCodeOf(grant.policy, grant.owned ?? null) : null,
  };
}
