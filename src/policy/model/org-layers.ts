import type { OrgPolicyLevel } from "../policy.types.js";
import type { OrgPolicyType } from "../trail/policy-change.js";
import { LayerBuilder } from "./policy-compiler.js";
import type { PolicyModel } from "./policy-model.js";
import type { PolicySetInput } from "./policy-set-for.js";

const labels: Record<OrgPolicyType, string> = {
  SERVICE_CONTROL_POLICY: "scp",
  RESOURCE_CONTROL_POLICY: "rcp",
};

/** Root first, then each OU, then the account; undefined when the import does not place the account. */
export function orgPath(model: PolicyModel, account: string): string[] | undefined {
  const path = [account];
  const seen = new Set(path);
  let parent = model.org.parents[account];
  if (parent === undefined) return undefined;
  while (parent !== undefined && !seen.has(parent)) {
    path.unshift(parent);
    seen.add(parent);
    parent = model.org.parents[parent];
  }
  return path;
}

/**
 * The SCP or RCP levels that apply to an account. `null` account: the policies do not apply (management account,
 * service principals); no organisation: none apply; never imported: one unknown level.
 */
export function orgLevels(
  type: OrgPolicyType,
  account: string | undefined | null,
  input: PolicySetInput,
  unknowns: string[],
): OrgPolicyLevel[] | undefined {
  const org = input.model.org;
  const label = labels[type];
  if (account === null || org.state === "none") return undefined;
  const unknownLevel = (reason: string): OrgPolicyLevel[] => {
    unknowns.push(`${label}: ${reason}`);
    return [{ target: account ?? "unknown account", policies: [], complete: false }];
  };
  if (org.state === "unknown")
    return unknownLevel("the organisation was never imported (deniedby import org)");
  if (account === undefined) return unknownLevel("the resource's account is not known");
  if (!org.policyTypes.includes(type)) return unknownLevel(`the organisation import did not list ${type}`);
  const path = orgPath(input.model, account);
  if (!path)
    return org.gaps.length > 0
      ? unknownLevel(`account ${account} is not in the imported organisation`)
      : undefined;
  return path.map((target) => level(type, target, input, unknowns));
}

function level(
  type: OrgPolicyType,
  target: string,
  input: PolicySetInput,
  unknowns: string[],
): OrgPolicyLevel {
  const org = input.model.org;
  const builder = new LayerBuilder();
  for (const reason of org.gaps) builder.missing(`the organisation import is incomplete (${reason})`);
  for (const id of org.attachments[target] ?? []) {
    const policy = org.policies[id];
    if (!policy || policy.deleted || (policy.type !== type && policy.type !== "unknown")) continue;
    if (policy.type === "unknown") builder.missing(`${id} attached to ${target} was never imported`);
    else
      builder.add(
        input.compiler.compile(
          type === "SERVICE_CONTROL_POLICY" ? "scp" : "rcp",
          policy.name || id,
          policy.arn,
          policy.content,
        ),
      );
  }
  unknowns.push(...builder.reasons.map((r) => `${labels[type]} ${target}: ${r}`));
  return { target, ...builder.layer() };
}
