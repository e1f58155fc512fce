import { resourceTypeOf } from "../imports/resource-policy.js";
import { resourceModeOf } from "../request.js";
import { resourceTypes } from "../trail/policy-change.js";
import { LayerBuilder } from "./policy-compiler.js";
import { known } from "./policy-content.js";
import { modelKey, type PolicyModel, type ResourcePolicyEntry } from "./policy-model.js";
import type { PolicySetInput } from "./policy-set-for.js";

/** An S3 object's policy is its bucket's: `arn:aws:s3:::bucket/key` → `arn:aws:s3:::bucket`. */
export function policyHolder(arn: string): string {
  const m = /^(arn:aws[\w-]*:s3:::[^/]+)\//.exec(arn);
  return m?.[1] ?? arn;
}

/** A secret named without its random suffix matches the full ARN, and the other way round. */
export function findEntry(model: PolicyModel, arn: string): ResourcePolicyEntry | undefined {
  const exact = model.resourcePolicies[arn];
  if (exact || !arn.includes(":secretsmanager:")) return exact;
  return Object.values(model.resourcePolicies).find(
    (e) => e.type === "secretsmanager-secret" && (arn.startsWith(`${e.arn}-`) || e.arn.startsWith(`${arn}-`)),
  );
}

/**
 * The resource-side layer for a request: the role's trust policy for sts:AssumeRole and friends, else the
 * resource's policy. Undefined when the resource has none, or is of a type whose policies the model does not hold.
 */
export function resourceLayer(
  resource: { arn: string; action: string },
  input: PolicySetInput,
): LayerBuilder | undefined {
  const builder = new LayerBuilder();
  if (resourceModeOf(resource.action, resource.arn) === "trust") {
    const role = input.model.principals[modelKey(resource.arn)];
    if (role?.trust)
      builder.add(input.compiler.compile("resource", `trust policy of ${role.name}`, role.arn, role.trust));
    else builder.missing(`the trust policy of ${resource.arn} was never seen`);
    return builder;
  }
  const arn = policyHolder(resource.arn);
  const type = resourceTypeOf(arn);
  const entry = findEntry(input.model, arn);
  if (!entry) {
    if (type === undefined || type === "iam-role") return undefined;
    builder.missing(`the policy of ${arn} was never seen`);
    return builder;
  }
  const name = `${resourceTypes[entry.type]} (${entry.arn})`;
  if (entry.policy.state === "none") return undefined;
  if (entry.policy.state === "known") {
    builder.add(input.compiler.compile("resource", name, entry.arn, entry.policy));
    return builder;
  }
  builder.missing(entry.policy.reason);
  if (entry.knownStatements.length > 0)
    builder.add(
      input.compiler.compile(
        "resource",
        name,
        entry.arn,
        known({ Version: "2012-10-17", Statement: entry.knownStatements }),
      ),
    );
  return builder;
}
