import { decision, type ExplainRule } from "./rule.js";

/** The session policy passed when the session was created limits it: whoever creates the session must change. */
export const sessionPolicyRule: ExplainRule = {
  name: "session-policy",
  applies: (d) => d.deniedBy === "session",
  decide: (d) => decision(d, { target: "session-policy", confidence: 0.9, reason: "session-policy" }),
};
