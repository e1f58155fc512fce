import { identityGrant } from "./grants.js";
import { decision, type ExplainRule } from "./rule.js";

/**
 * The last rule, which always applies: the denied principal of a known kind is granted the action (Identity Center
 * users are decided before, by identity-center).
 */
export const principalKindRule: ExplainRule = {
  name: "principal-kind",
  applies: () => true,
  decide: (d) =>
    decision(d, {
      target: d.kind,
      confidence: Math.max(0.5, Math.min(0.9, d.kindConfidence)),
      reason: "principal-kind",
      grant: identityGrant(),
    }),
};
