import type { AwsManagedPolicies } from "../managed/aws-managed-policies.js";
import type { PolicyDocument } from "../policy.schema.js";
import type { OrgPolicyType } from "../trail/policy-change.js";
import { orgPath } from "./org-layers.js";
import type { PolicyCompiler } from "./policy-compiler.js";
import type { PolicyContent } from "./policy-content.js";
import { modelKey, type PolicyModel, type PrincipalEntry, type Provenance } from "./policy-model.js";
import { policySetFor } from "./policy-set-for.js";

/**
 * The policies that apply to a role or user, each with where the model learnt it (an import, a trail event, the
 * AWS managed policy package by version), and what the model does not know about them: the answer to "what can
 * this role do, and how sure are we".
 */

export type EffectivePolicyKind =
  | "inline"
  | "customer-managed"
  | "aws-managed"
  | "permissions-boundary"
  | "service-control-policy"
  | "resource-control-policy"
  | "trust-policy";

/** Where a policy came from: an import or a trail event (`Provenance`), or the AWS managed policy package. */
export type PolicySource = Provenance | { source: "aws-managed-policies"; at?: string; ref: string };

export interface EffectivePolicy {
  kind: EffectivePolicyKind;
  name: string;
  arn: string | null;
  versionId: string | null;
  /** The organisation level (root, OU or account id) an SCP or RCP is attached to. */
  target: string | null;
  /** The group a user has the policy through. */
  via: string | null;
  /** Null when the document is unknown (`unknown` says why). */
  document: PolicyDocument | null;
  unknown: string | null;
  from: PolicySource | null;
}

export interface EffectivePolicies {
  principal: {
    arn: string;
    type: PrincipalEntry["type"];
    account: string;
    complete: boolean;
    basis: string;
    deleted: Provenance | null;
  } | null;
  policies: EffectivePolicy[];
  /** Why the list may be incomplete, each naming its layer (`identity: …`, `scp: …`). */
  unknowns: string[];
}

export interface EffectivePoliciesInput {
  model: PolicyModel;
  compiler: PolicyCompiler;
  awsManaged?: AwsManagedPolicies;
  /** AWS managed policies are given in the version in force then (default: the latest). */
  at?: string;
}

type Base = Pick<EffectivePolicy, "kind" | "name"> & Partial<Omit<EffectivePolicy, "document" | "unknown">>;

function policy(base: Base, content: PolicyContent | undefined, reason?: string): EffectivePolicy {
  return {
    arn: null,
    versionId: null,
    target: null,
    via: null,
    from: null,
    ...base,
    document: content?.state === "known" ? content.document : null,
    unknown: content?.state === "unknown" ? content.reason : content ? null : (reason ?? "never seen"),
  };
}

/** The effective policies of a role or user by ARN (with or without its path). */
export function effectivePoliciesOf(arn: string, input: EffectivePoliciesInput): EffectivePolicies {
  const entry = input.model.principals[modelKey(arn)];
  const account = entry?.account ?? arn.split(":")[4] ?? "";
  const unknowns = unknownsOf(arn, entry, account, input);
  if (!entry) return { principal: null, policies: [], unknowns };
  const policies = [...identityPolicies(entry, input, null)];
  for (const group of entry.groupArns) {
    const g = input.model.principals[group];
    if (g) policies.push(...identityPolicies(g, input, g.arn));
  }
  if (entry.boundary.state === "set")
    policies.push(managed(entry.boundary.policyArn, "permissions-boundary", input, null));
  if (entry.type === "role")
    policies.push(
      policy({ kind: "trust-policy", name: `trust policy of ${entry.name}`, arn: entry.arn }, entry.trust),
    );
  policies.push(...orgPolicies("SERVICE_CONTROL_POLICY", account, input.model));
  policies.push(...orgPolicies("RESOURCE_CONTROL_POLICY", account, input.model));
  const principal = {
    arn: entry.arn,
    type: entry.type,
    account: entry.account,
    complete: entry.complete,
    basis: entry.basis,
    deleted: entry.deleted ?? null,
  };
  return { principal, policies, unknowns };
}

/** What policySetFor says it lacks for a session of the role (or the user), and for the role as AssumeRole's resource. */
function unknownsOf(
  arn: string,
  entry: PrincipalEntry | undefined,
  account: string,
  input: EffectivePoliciesInput,
) {
  const type = entry?.type ?? (arn.includes(":user/") ? "user" : "role");
  const principal =
    type === "user"
      ? { kind: "user" as const, arn, account }
      : { kind: "role-session" as const, arn: `${arn}/session`, account, roleArn: entry?.arn ?? arn };
  const resource =
    type === "role" ? { arn: entry?.arn ?? arn, account, action: "sts:AssumeRole" } : undefined;
  const set = policySetFor(principal, {
    model: input.model,
    compiler: input.compiler,
    ...(input.awsManaged ? { awsManaged: input.awsManaged } : {}),
    ...(input.at ? { at: input.at } : {}),
    ...(resource ? { resource } : {}),
  });
  return set.unknowns.map((u) => u.replace(/^resource: /, "trust policy: "));
}

function identityPolicies(
  entry: PrincipalEntry,
  input: EffectivePoliciesInput,
  via: string | null,
): EffectivePolicy[] {
  const inline = Object.entries(entry.inlinePolicies).map(([name, p]) =>
    policy({ kind: "inline", name, via, from: p.from }, p.content),
  );
  return [...inline, ...entry.attachedPolicyArns.map((a) => managed(a, "identity", input, via))];
}

/** A managed policy's default version: the model's (customer managed, or listed by an import), else the package's. */
function managed(
  arn: string,
  use: "identity" | "permissions-boundary",
  input: EffectivePoliciesInput,
  via: string | null,
): EffectivePolicy {
  const entry = input.model.managedPolicies[modelKey(arn)];
  const awsOwned = /^arn:aws[\w-]*:iam::aws:policy\//.test(arn);
  const kind =
    use === "permissions-boundary" ? "permissions-boundary" : awsOwned ? "aws-managed" : "customer-managed";
  if (entry && !entry.deleted) {
    const id = entry.defaultVersionId;
    const version = id === undefined ? undefined : entry.versions[id];
    const base = {
      kind,
      name: entry.name,
      arn: entry.arn,
      versionId: id ?? null,
      via,
      from: version?.from ?? entry.updated,
    } as const;
    return policy(base, version?.content, `its default version ${id ?? "(unknown)"} was never seen`);
  }
  const aws = awsOwned
    ? input.awsManaged?.lookup(arn, input.at === undefined ? {} : { at: input.at })
    : undefined;
  const name = arn.slice(arn.lastIndexOf("/") + 1);
  if (!aws) return policy({ kind, name, arn, via }, undefined, entry?.deleted ? "deleted" : "never imported");
  const from = {
    source: "aws-managed-policies" as const,
    ref: aws.source,
    ...(input.at ? { at: input.at } : {}),
  };
  return policy({ kind, name: aws.name, arn, versionId: aws.versionId, via, from }, aws.content);
}

/** The SCPs (or RCPs) attached at each level above and at the account, root first. */
function orgPolicies(type: OrgPolicyType, account: string, model: PolicyModel): EffectivePolicy[] {
  const org = model.org;
  if (org.state !== "known" || account === org.managementAccount) return [];
  const kind = type === "SERVICE_CONTROL_POLICY" ? "service-control-policy" : "resource-control-policy";
  return (orgPath(model, account) ?? []).flatMap((target) =>
    (org.attachments[target] ?? []).flatMap((id) => {
      const p = org.policies[id];
      if (!p || p.deleted || (p.type !== type && p.type !== "unknown")) return [];
      return [policy({ kind, name: p.name || id, arn: p.arn ?? null, target, from: p.updated }, p.content)];
    }),
  );
}
