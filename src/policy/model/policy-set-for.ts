import type { AwsManagedPolicies } from "../managed/aws-managed-policies.js";
import type { PolicyLayer, PolicySet, RequestPrincipal } from "../policy.types.js";
import { identityArnOf } from "../request.js";
import { orgLevels } from "./org-layers.js";
import { LayerBuilder, type PolicyCompiler } from "./policy-compiler.js";
import { modelKey, type PolicyModel, type PrincipalEntry } from "./policy-model.js";
import { resourceLayer } from "./resource-layer.js";

/**
 * Assembles the evaluator's policy set for one caller (and, when given, the resource it called) from the model.
 * Wherever the model never saw something, the layer is marked incomplete and the reason is listed, so an answer
 * built on it can say what it does not know.
 */

export interface PolicySetInput {
  model: PolicyModel;
  compiler: PolicyCompiler;
  /** AWS managed policies not listed by an import come from here. */
  awsManaged?: AwsManagedPolicies;
  /** The request's time: AWS managed policies are read in the version in force then. */
  at?: string;
  /** The resource called: its policy (or the role's trust policy for sts:AssumeRole) and its account's RCPs. */
  resource?: { arn: string; account?: string; action: string };
}

export interface AssembledPolicySet {
  policies: PolicySet;
  /** Why layers are incomplete, each naming the layer: `identity: …`, `scp: …`. */
  unknowns: string[];
}

export function policySetFor(principal: RequestPrincipal, input: PolicySetInput): AssembledPolicySet {
  const unknowns: string[] = [];
  const note = (layer: string, builder: LayerBuilder): PolicyLayer => {
    unknowns.push(...builder.reasons.map((r) => `${layer}: ${r}`));
    return builder.layer();
  };
  const identity = new LayerBuilder();
  const boundary = new LayerBuilder();
  const entry = identityEntry(principal, input.model, identity);
  if (entry) addIdentity(entry, input, identity);
  const boundaryState = entry?.boundary ?? { state: "unknown" as const };
  if (boundaryState.state === "set")
    addManaged(boundaryState.policyArn, "permissions-boundary", input, boundary);
  else if (boundaryState.state === "unknown" && entry)
    boundary.missing(`whether ${entry.arn} has a permissions boundary was never seen`);
  const policies: PolicySet = { identity: note("identity", identity) };
  if (boundaryState.state !== "none" && entry)
    policies.permissionsBoundary = note("permissions boundary", boundary);
  const scps = orgLevels("SERVICE_CONTROL_POLICY", scpAccount(principal, input.model), input, unknowns);
  if (scps) policies.scps = scps;
  if (input.resource) {
    const rcps = orgLevels("RESOURCE_CONTROL_POLICY", input.resource.account, input, unknowns);
    if (rcps) policies.rcps = rcps;
    const resource = resourceLayer(input.resource, input);
    if (resource) policies.resource = note("resource", resource);
  }
  return { policies, unknowns };
}

/** SCPs govern the caller's account, except the management account and callers outside any account. */
function scpAccount(principal: RequestPrincipal, model: PolicyModel): string | undefined | null {
  if (principal.kind === "service" || principal.kind === "anonymous") return null;
  if (principal.account !== undefined && principal.account === model.org.managementAccount) return null;
  return principal.account;
}

function identityEntry(principal: RequestPrincipal, model: PolicyModel, identity: LayerBuilder) {
  const arn = identityArnOf(principal);
  if (arn === undefined) {
    if (principal.kind === "federated-user")
      identity.missing(
        "a federated user's policies are those of the IAM user that federated, which the trail does not name",
      );
    return undefined;
  }
  const entry = model.principals[modelKey(arn)];
  if (!entry) identity.missing(`${arn} was never imported or seen in the trail`);
  else if (!entry.complete) identity.missing(`${entry.arn}: ${entry.basis}`);
  return entry;
}

function addIdentity(entry: PrincipalEntry, input: PolicySetInput, identity: LayerBuilder): void {
  addPrincipalPolicies(entry, input, identity);
  for (const groupKey of entry.groupArns) {
    const group = input.model.principals[groupKey];
    if (!group) identity.missing(`group ${groupKey} was never imported`);
    else {
      if (!group.complete) identity.missing(`${group.arn}: ${group.basis}`);
      addPrincipalPolicies(group, input, identity);
    }
  }
}

function addPrincipalPolicies(entry: PrincipalEntry, input: PolicySetInput, identity: LayerBuilder): void {
  for (const [name, inline] of Object.entries(entry.inlinePolicies))
    identity.add(input.compiler.compile("identity", name, undefined, inline.content));
  for (const arn of entry.attachedPolicyArns) addManaged(arn, "identity", input, identity);
}

/** A managed policy's default version: from the model (customer managed, or imported), else the AWS data package. */
export function addManaged(
  arn: string,
  kind: "identity" | "permissions-boundary",
  input: PolicySetInput,
  builder: LayerBuilder,
): void {
  const entry = input.model.managedPolicies[modelKey(arn)];
  if (entry && !entry.deleted) {
    const version = entry.defaultVersionId === undefined ? undefined : entry.versions[entry.defaultVersionId];
    if (version) builder.add(input.compiler.compile(kind, entry.name, entry.arn, version.content));
    else
      builder.missing(`${arn}: its default version ${entry.defaultVersionId ?? "(unknown)"} was never seen`);
    return;
  }
  const aws = /^arn:aws[\w-]*:iam::aws:policy\//.test(arn)
    ? input.awsManaged?.lookup(arn, input.at === undefined ? {} : { at: input.at })
    : undefined;
  if (aws) builder.add(input.compiler.compile(kind, aws.name, arn, aws.content));
  else builder.missing(`${arn} was never imported`);
}
