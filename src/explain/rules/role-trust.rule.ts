import { trustGrant } from "./grants.js";
import { decision, type ExplainRule } from "./rule.js";

/** The trust policy of the role being assumed does not let the caller in: the assumed role's trust changes. */
export const roleTrustRule: ExplainRule = {
  name: "role-trust",
  applies: (d) => d.deniedBy === "role-trust",
  decide: (d) =>
    decision(d, {
      target: "trust-policy",
      roleArn: d.resource?.includes(":role/") ? d.resource : null,
      confidence: 0.9,
      reason: "trust-policy",
      grant: trustGrant,
    }),
};
