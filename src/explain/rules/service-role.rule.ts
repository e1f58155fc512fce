import { fixReasons } from "../reasons.js";
import { identityGrant } from "./grants.js";
import { decision, type ExplainRule } from "./rule.js";

/**
 * A service role (a role an AWS service assumes: Config's recorder role, a Firehose delivery role, a Step Functions
 * state machine's role) denied by its own policy: unlike a service-linked role's, that policy is the customer's, so
 * the grant goes there.
 */
export const serviceRoleRule: ExplainRule = {
  name: "service-role",
  applies: (d) => d.kind === "service-role",
  decide: (d) =>
    decision(d, {
      target: "service-role",
      confidence: Math.max(0.5, Math.min(0.85, d.kindConfidence)),
      reason: "service-role",
      grant: identityGrant(),
      reasoning: [
        fixReasons["service-role"],
        d.service
          ? `${d.service} assumes this role and made the call with it.`
          : "An AWS service assumes this role; the trail does not say which.",
      ],
    }),
};
