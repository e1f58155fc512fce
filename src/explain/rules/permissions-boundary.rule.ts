import { decision, type ExplainRule } from "./rule.js";

/** The principal's permissions boundary denied the call: widening its policies does not help. */
export const permissionsBoundaryRule: ExplainRule = {
  name: "permissions-boundary",
  applies: (d) => d.deniedBy === "permissions-boundary",
  decide: (d) =>
    decision(d, { target: "permissions-boundary", confidence: 0.95, reason: "permissions-boundary" }),
};
