import { decision, type ExplainRule } from "./rule.js";

/** Nothing says what the principal is, and no role or user can be named: no fix can be proposed. */
export const noEvidenceRule: ExplainRule = {
  name: "no-evidence",
  applies: (d) => d.kind === "unknown" && d.roleArn === null,
  decide: (d) => decision(d, { target: "unknown", roleArn: null, confidence: 0.1, reason: "no-evidence" }),
};
