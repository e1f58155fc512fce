import { resourceGrant } from "./grants.js";
import { decision, type ExplainRule } from "./rule.js";

/**
 * An AWS service principal or a service-linked role, denied by nothing the customer wrote (a bucket, key or
 * endpoint policy that denied it is decided earlier, by the policy type's rule). A service-linked role's own
 * permissions are AWS's: nothing to change. A service principal (config.amazonaws.com delivering to a bucket) is
 * only ever allowed by the resource's policy, so a denial with no policy type named is fixed there.
 */
export const servicePrincipalRule: ExplainRule = {
  name: "service-principal",
  applies: (d) => d.kind === "service-linked" || d.principal.type === "AWSService",
  decide: (d) =>
    d.principal.type === "AWSService"
      ? decision(d, {
          target: "resource-policy",
          roleArn: null,
          confidence: 0.7,
          reason: "service-principal-resource",
          grant: resourceGrant,
          reasoning: [
            `The caller is ${d.principal.invokedBy ?? "an AWS service"} itself (an AWS service principal), which no identity policy of yours governs.`,
          ],
        })
      : decision(d, { target: "service-linked", confidence: 0.6, reason: "service-principal" }),
};
