import { identityGrant, noGrant } from "./grants.js";
import { decision, type ExplainRule } from "./rule.js";

/**
 * The last rule, which always applies: the denied principal of a known kind is granted the action. An IAM Identity
 * Center user's role is generated from a permission set, which is what must change.
 */
export const principalKindRule: ExplainRule = {
  name: "principal-kind",
  applies: () => true,
  decide: (d) =>
    decision(d, {
      target: d.kind,
      confidence: Math.max(0.5, Math.min(0.9, d.kindConfidence)),
      reason: "principal-kind",
      grant: d.kind === "sso" ? noGrant : identityGrant(),
      reasoning:
        d.kind === "sso"
          ? [
              "The caller is an IAM Identity Center user: change the permission set (not the generated role), then re-provision.",
            ]
          : [],
    }),
};
