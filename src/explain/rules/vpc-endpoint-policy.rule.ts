import { decision, type ExplainRule } from "./rule.js";

/** The VPC endpoint the request went through denied it. */
export const vpcEndpointPolicyRule: ExplainRule = {
  name: "vpc-endpoint-policy",
  applies: (d) => d.deniedBy === "vpc-endpoint",
  decide: (d) =>
    decision(d, {
      target: "vpc-endpoint-policy",
      confidence: 0.9,
      reason: "vpc-endpoint-policy",
      caveats: ["vpce-unlogged"],
    }),
};
