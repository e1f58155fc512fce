import { identityGrant } from "./grants.js";
import { decision, type ExplainRule } from "./rule.js";

/** The trail does not say what kind of role was denied: the grant is for the denied role itself, at low confidence. */
export const kindUnknownRule: ExplainRule = {
  name: "kind-unknown",
  applies: (d) => d.kind === "unknown",
  decide: (d) =>
    decision(d, { target: "unknown", confidence: 0.4, reason: "kind-unknown", grant: identityGrant() }),
};
