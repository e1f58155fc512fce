import { noGrant, resourceGrant } from "./grants.js";
import { decision, type ExplainRule } from "./rule.js";

/**
 * A resource-based policy (bucket, key, repository, …) denied the call, or does not allow it across accounts. An
 * explicit deny is never fixed by an allow (the deny wins over any allow): the fix is the Deny statement, so no
 * statement is proposed and the commands show the policy to change.
 */
export const resourcePolicyRule: ExplainRule = {
  name: "resource-policy",
  applies: (d) => d.deniedBy === "resource",
  decide: (d) =>
    decision(d, {
      target: "resource-policy",
      confidence: 0.9,
      reason: "resource-policy",
      grant: d.explicitDeny ? noGrant : resourceGrant,
      reasoning: d.explicitDeny
        ? [
            "The resource's policy contains an explicit Deny matching this call; remove or narrow it, or make the request meet its condition. No allow can override it.",
          ]
        : [
            "No statement of the resource's policy allows this principal (needed across accounts, and for keys and trust).",
          ],
    }),
};
