import type {
  AccountSnapshot,
  ManagedPolicySnapshot,
  PrincipalSnapshot,
} from "../imports/account-snapshot.js";
import type { OrgSnapshot } from "../imports/org-directory.js";
import type { ResourcePolicySnapshot } from "../imports/resource-policy.js";
import {
  emptyOrg,
  type ManagedPolicyEntry,
  modelKey,
  type PolicyModel,
  type PrincipalEntry,
  type Provenance,
} from "./policy-model.js";

/**
 * Applies an import to a model the caller owns. An import states the whole of each entry it lists at the time it
 * was captured (`from.at`): it replaces what the model held, and trail changes older than it are skipped.
 * Entries it does not list are kept. Apply imports and trail changes in time order.
 */

function principalFrom(p: PrincipalSnapshot, from: Provenance): PrincipalEntry {
  return {
    type: p.type,
    arn: p.arn,
    name: p.name,
    account: p.account,
    ...(p.id === undefined ? {} : { id: p.id }),
    complete: true,
    basis: `iam import ${from.ref} captured at ${from.at}`,
    inlinePolicies: Object.fromEntries(p.inlinePolicies.map((i) => [i.name, { content: i.content, from }])),
    attachedPolicyArns: [...p.attachedPolicyArns],
    boundary:
      p.boundaryArn === undefined
        ? { state: "none", from }
        : { state: "set", policyArn: p.boundaryArn, from },
    ...(p.trust === undefined ? {} : { trust: p.trust }),
    tags: { ...p.tags },
    groupArns: (p.groupArns ?? []).map(modelKey),
    updated: from,
    snapshotAt: from.at,
  };
}

function policyFrom(p: ManagedPolicySnapshot, from: Provenance): ManagedPolicyEntry {
  return {
    arn: p.arn,
    name: p.name,
    account: p.account,
    ...(p.defaultVersionId === undefined ? {} : { defaultVersionId: p.defaultVersionId }),
    versions: Object.fromEntries(p.versions.map((v) => [v.versionId, { content: v.content, from }])),
    updated: from,
    snapshotAt: from.at,
  };
}

export function applyAccountSnapshot(model: PolicyModel, snapshot: AccountSnapshot, from: Provenance): void {
  for (const p of snapshot.principals) model.principals[modelKey(p.arn)] = principalFrom(p, from);
  for (const p of snapshot.policies) model.managedPolicies[modelKey(p.arn)] = policyFrom(p, from);
  model.imports.push(from);
}

export function applyOrgSnapshot(model: PolicyModel, snapshot: OrgSnapshot, from: Provenance): void {
  model.org = {
    state: "known",
    ...(snapshot.organizationId === undefined ? {} : { organizationId: snapshot.organizationId }),
    ...(snapshot.managementAccount === undefined ? {} : { managementAccount: snapshot.managementAccount }),
    parents: { ...snapshot.parents },
    roots: [...snapshot.roots],
    policyTypes: [...snapshot.policyTypes],
    gaps: [...snapshot.gaps],
    policies: Object.fromEntries(
      snapshot.policies.map((p) => [
        p.id,
        {
          id: p.id,
          name: p.name,
          type: p.type,
          ...(p.arn ? { arn: p.arn } : {}),
          content: p.content,
          updated: from,
        },
      ]),
    ),
    attachments: Object.fromEntries(Object.entries(snapshot.attachments).map(([k, v]) => [k, [...v]])),
    from,
    snapshotAt: from.at,
  };
  model.imports.push(from);
}

/** Marks the accounts as in no organisation: no SCP or RCP applies to them. */
export function markNoOrganization(model: PolicyModel, from: Provenance): void {
  model.org = { ...emptyOrg("none"), from };
  model.imports.push(from);
}

export function applyResourcePolicySnapshot(
  model: PolicyModel,
  s: ResourcePolicySnapshot,
  from: Provenance,
): void {
  model.resourcePolicies[s.arn] = {
    arn: s.arn,
    type: s.type,
    account: s.account,
    policy: s.content,
    knownStatements: [],
    updated: from,
    snapshotAt: from.at,
  };
  model.imports.push(from);
}
