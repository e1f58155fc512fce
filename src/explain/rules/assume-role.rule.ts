import { trustGrant } from "./grants.js";
import { decision, type ExplainRule } from "./rule.js";

/**
 * An AssumeRole* denial whose message names no policy type: either the role's trust policy does not name the
 * caller, or the caller lacks sts:AssumeRole. The trust policy is the likelier, at low confidence.
 */
export const assumeRoleRule: ExplainRule = {
  name: "assume-role",
  applies: (d) =>
    d.record.eventSource === "sts.amazonaws.com" && (d.action?.startsWith("sts:AssumeRole") ?? false),
  decide: (d) =>
    decision(d, {
      target: "trust-policy",
      roleArn: d.resource?.includes(":role/") ? d.resource : null,
      confidence: 0.5,
      reason: "trust-policy",
      grant: trustGrant,
      reasoning: [
        "The message gives no reason. Either the role's trust policy does not name this caller, or the caller's own policies lack sts:AssumeRole on the role (needed when the trust policy names the account rather than the caller).",
      ],
    }),
};
