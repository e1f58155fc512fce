import { decision, type ExplainRule } from "./rule.js";

/** An AWS service principal or a service-linked role: AWS manages its policies. */
export const servicePrincipalRule: ExplainRule = {
  name: "service-principal",
  applies: (d) => d.kind === "service-linked" || d.principal.type === "AWSService",
  decide: (d) => decision(d, { target: "service-linked", confidence: 0.6, reason: "service-principal" }),
};
