import { fixReasons } from "../reasons.js";
import { identityGrant } from "./grants.js";
import { decision, type ExplainRule, rolesInWords } from "./rule.js";

/**
 * A role assumed by another role's session (application code calling AssumeRole): its own principal. A denial is
 * fixed on it, whatever its caller is (an ECS task role's code assuming it does not make it a task role).
 */
export const chainedRoleRule: ExplainRule = {
  name: "chained-role",
  applies: (d) => d.kind === "chained-role",
  decide: (d) =>
    decision(d, {
      target: "chained-role",
      confidence: Math.max(0.6, Math.min(0.85, d.kindConfidence)),
      reason: "chained-role",
      grant: identityGrant(),
      reasoning: [
        fixReasons["chained-role"],
        d.assumedBy.length > 0
          ? `It was assumed by ${rolesInWords(d.assumedBy)}: leave that role's policy alone unless it lacks sts:AssumeRole on this one.`
          : "The trail does not show which role assumed it.",
      ],
    }),
};
