import { permissionSetOf, roleNameOf } from "../../cloudtrail/arn.js";
import { fixReasons } from "../reasons.js";
import { identityGrant, isIdentityCenterRole } from "./grants.js";
import { decision, type ExplainRule } from "./rule.js";

/**
 * An IAM Identity Center user (a role under /aws-reserved/sso.amazonaws.com/, or named AWSReservedSSO_…, even with
 * its name redacted): the role is generated from a permission set and regenerated on every provisioning, so the
 * statement goes into the permission set (put-inline-policy-to-permission-set), which is then provisioned again.
 */
export const identityCenterRule: ExplainRule = {
  name: "identity-center",
  applies: (d) => d.kind === "sso" || isIdentityCenterRole(d.roleArn),
  decide: (d) => {
    const set = d.roleArn ? permissionSetOf(roleNameOf(d.roleArn)) : null;
    return decision(d, {
      target: "sso",
      confidence: Math.max(0.6, Math.min(0.9, d.kindConfidence)),
      reason: "identity-center",
      grant: identityGrant(),
      reasoning: [
        fixReasons["identity-center"],
        set
          ? `The role's name says it was generated from the permission set ${set}.`
          : "The role's name does not say which permission set it was generated from (redacted or cut): find the permission set assigned to this account and user.",
      ],
    });
  },
};
