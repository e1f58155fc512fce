import { modelKey, type PolicyView } from "../policy/index.js";
import { PolicyStatement } from "./explanation.schema.js";
import type { OwnedPolicy } from "./rules/rule.js";

/** The statement shapes a fix writes: anything else (Deny, NotAction, list conditions) is merged by hand. */
const Writable = PolicyStatement.strict();

/**
 * What the policy model knows of the inline policy deniedby owns on an identity (src/explain/fix.ts
 * `ownedPolicyName`): the statements a fix merges with, known absent, or why it cannot merge.
 */
export function ownedPolicyIn(view: PolicyView): (identityArn: string, policyName: string) => OwnedPolicy {
  return (identityArn, policyName) => {
    const entry = view.model.principals[modelKey(identityArn)];
    if (!entry || entry.deleted)
      return { state: "unknown", reason: `${identityArn} was never imported or seen in the trail` };
    const inline = entry.inlinePolicies[policyName];
    if (!inline)
      return entry.complete
        ? { state: "absent" }
        : { state: "unknown", reason: `the model does not hold every inline policy of ${identityArn}` };
    if (inline.content.state === "unknown") return { state: "unknown", reason: inline.content.reason };
    const parsed = [inline.content.document.Statement].flat().map((st) => Writable.safeParse(st));
    const statements = parsed.flatMap((p) => (p.success ? [p.data] : []));
    if (statements.length < parsed.length)
      return {
        state: "unknown",
        reason: `${policyName} holds statements of a shape deniedby does not write (Deny, NotAction, list conditions)`,
      };
    return { state: "known", statements };
  };
}
