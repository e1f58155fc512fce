import { decision, type ExplainRule } from "./rule.js";

/** A service or resource control policy denied the call: only the organization's administrators can change it. */
export const orgPolicyRule: ExplainRule = {
  name: "org-policy",
  applies: (d) => d.deniedBy === "scp" || d.deniedBy === "rcp",
  decide: (d) =>
    decision(d, {
      target: "organization-policy",
      confidence: 0.95,
      reason: "org-policy",
      reasoning: [`The message names a ${d.deniedBy === "scp" ? "service" : "resource"} control policy.`],
      caveats: d.deniedBy === "scp" ? ["scp-implicit-as-explicit"] : [],
    }),
};
