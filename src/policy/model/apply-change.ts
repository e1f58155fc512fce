import type { PolicyStatement } from "../policy.schema.js";
import type {
  ManagedPolicyChange,
  OrgChange,
  PolicyChange,
  PrincipalChange,
  PrincipalSubject,
  ResourceChange,
  ResourceSubject,
} from "../trail/policy-change.js";
import { awsManagedOrgPolicies } from "./org-defaults.js";
import { known, unknown } from "./policy-content.js";
import type {
  ManagedPolicyEntry,
  OrgPolicyEntry,
  PolicyModel,
  PrincipalEntry,
  Provenance,
  ResourcePolicyEntry,
} from "./policy-model.js";
import { modelKey } from "./policy-model.js";

/**
 * Applies trail changes to a model the caller owns, in time order. A change older than an import that captured
 * the whole entry is already reflected in it and is skipped, so imports and history can arrive in any order.
 */
export function applyChanges(model: PolicyModel, changes: readonly PolicyChange[]): void {
  const ordered = [...changes].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  for (const change of ordered) applyChange(model, change);
}

export function applyChange(model: PolicyModel, change: PolicyChange): void {
  const from: Provenance = { source: "trail", at: change.at, ref: change.eventId };
  switch (change.subjectType) {
    case "principal":
      applyPrincipalChange(model, change.subject, change, from);
      return;
    case "managed-policy":
      applyPolicyChange(model, change.subject.arn, change, from);
      return;
    case "resource":
      applyResourceChange(model, change.subject, change, from);
      return;
    case "org-policy":
      applyOrgChange(model, change.subject.id, change, from);
      return;
  }
}

const older = (from: Provenance, snapshotAt: string | undefined) =>
  snapshotAt !== undefined && Date.parse(from.at) < Date.parse(snapshotAt);

const without = <T>(list: readonly T[], item: T) => list.filter((x) => x !== item);
const withItem = <T>(list: readonly T[], item: T) => (list.includes(item) ? [...list] : [...list, item]);

function omit<T>(record: Record<string, T>, key: string): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));
}

/** A principal first seen in a change: its other policies were never seen. */
function principalEntry(subject: PrincipalSubject, from: Provenance): PrincipalEntry {
  return {
    type: subject.type,
    arn: subject.arn,
    name: subject.name,
    account: subject.account,
    complete: false,
    basis: "seen only in trail changes: its other policies were never imported",
    inlinePolicies: {},
    attachedPolicyArns: [],
    boundary: { state: "unknown" },
    tags: {},
    groupArns: [],
    updated: from,
  };
}

function applyPrincipalChange(
  model: PolicyModel,
  subject: PrincipalSubject,
  change: PrincipalChange,
  from: Provenance,
): void {
  const key = modelKey(subject.arn);
  const current = model.principals[key] ?? principalEntry(subject, from);
  if (older(from, current.snapshotAt)) return;
  // A create event's ARN carries the path; later events name the principal without it.
  const arn = subject.arn.length > current.arn.length ? subject.arn : current.arn;
  model.principals[key] = { ...changedPrincipal(current, change, from), arn, updated: from };
}

function changedPrincipal(e: PrincipalEntry, change: PrincipalChange, from: Provenance): PrincipalEntry {
  switch (change.kind) {
    case "principal-created": {
      const { deleted: _, ...alive } = e;
      return {
        ...alive,
        complete: true,
        basis: `created in the trail at ${from.at}`,
        inlinePolicies: {},
        attachedPolicyArns: [],
        boundary: change.boundaryArn
          ? { state: "set", policyArn: change.boundaryArn, from }
          : { state: "none", from },
        tags: change.tags,
        groupArns: [],
        ...(change.trust ? { trust: change.trust } : {}),
      };
    }
    case "principal-deleted":
      return { ...e, deleted: from };
    case "trust-policy-set":
      return { ...e, trust: change.trust };
    case "inline-policy-put":
      return {
        ...e,
        inlinePolicies: { ...e.inlinePolicies, [change.policyName]: { content: change.content, from } },
      };
    case "inline-policy-deleted":
      return { ...e, inlinePolicies: omit(e.inlinePolicies, change.policyName) };
    case "managed-policy-attached":
      return { ...e, attachedPolicyArns: withItem(e.attachedPolicyArns, change.policyArn) };
    case "managed-policy-detached":
      return { ...e, attachedPolicyArns: without(e.attachedPolicyArns, change.policyArn) };
    case "permissions-boundary-set":
      return { ...e, boundary: { state: "set", policyArn: change.policyArn, from } };
    case "permissions-boundary-removed":
      return { ...e, boundary: { state: "none", from } };
    case "tags-added":
      return { ...e, tags: { ...e.tags, ...change.tags } };
    case "tags-removed":
      return {
        ...e,
        tags: Object.fromEntries(Object.entries(e.tags).filter(([k]) => !change.keys.includes(k))),
      };
    case "group-joined":
      return { ...e, groupArns: withItem(e.groupArns, modelKey(change.group.arn)) };
    case "group-left":
      return { ...e, groupArns: without(e.groupArns, modelKey(change.group.arn)) };
  }
}

function applyPolicyChange(
  model: PolicyModel,
  arn: string,
  change: ManagedPolicyChange,
  from: Provenance,
): void {
  const key = modelKey(arn);
  const e: ManagedPolicyEntry = model.managedPolicies[key] ?? {
    arn,
    name: key.slice(key.lastIndexOf("/") + 1),
    account: arn.split(":")[4] ?? "",
    versions: {},
    updated: from,
  };
  if (older(from, e.snapshotAt)) return;
  model.managedPolicies[key] = { ...changedPolicy(e, change, from), updated: from };
}

function changedPolicy(
  e: ManagedPolicyEntry,
  change: ManagedPolicyChange,
  from: Provenance,
): ManagedPolicyEntry {
  switch (change.kind) {
    case "managed-policy-created": {
      const { deleted: _, ...alive } = e;
      const versions = { [change.versionId]: { content: change.content, from } };
      return { ...alive, name: change.name, versions, defaultVersionId: change.versionId };
    }
    case "policy-version-created": {
      // Without the response, the new version's id is unknown; its document is not.
      const id = change.versionId ?? `(created ${from.at})`;
      const versions = { ...e.versions, [id]: { content: change.content, from } };
      return { ...e, versions, ...(change.setAsDefault ? { defaultVersionId: id } : {}) };
    }
    case "policy-default-version-set":
      return { ...e, defaultVersionId: change.versionId };
    case "policy-version-deleted":
      return { ...e, versions: omit(e.versions, change.versionId) };
    case "managed-policy-deleted":
      return { ...e, deleted: from };
  }
}

function applyResourceChange(
  model: PolicyModel,
  subject: ResourceSubject,
  change: ResourceChange,
  from: Provenance,
): void {
  const e: ResourcePolicyEntry = model.resourcePolicies[subject.arn] ?? {
    arn: subject.arn,
    type: subject.type,
    account: subject.account,
    policy: unknown("the resource's policy was never imported"),
    knownStatements: [],
    updated: from,
  };
  if (older(from, e.snapshotAt)) return;
  model.resourcePolicies[subject.arn] = { ...changedResource(e, change), updated: from };
}

function replaceSid(
  statements: readonly PolicyStatement[],
  sid: string,
  add?: PolicyStatement,
): PolicyStatement[] {
  const kept = statements.filter((s) => s.Sid !== sid);
  return add ? [...kept, add] : kept;
}

function changedResource(e: ResourcePolicyEntry, change: ResourceChange): ResourcePolicyEntry {
  switch (change.kind) {
    case "resource-policy-set":
      return { ...e, policy: change.content, knownStatements: [] };
    case "resource-policy-deleted":
      return { ...e, policy: { state: "none" }, knownStatements: [] };
    case "resource-statement-added":
    case "resource-statement-removed": {
      const add = change.kind === "resource-statement-added" ? change.statement : undefined;
      if (e.policy.state === "unknown")
        return { ...e, knownStatements: replaceSid(e.knownStatements, change.sid, add) };
      const current =
        e.policy.state === "known" ? e.policy.document : { Version: "2012-10-17" as const, Statement: [] };
      const list = Array.isArray(current.Statement) ? current.Statement : [current.Statement];
      const statements = replaceSid(list, change.sid, add);
      return {
        ...e,
        policy: statements.length === 0 ? { state: "none" } : known({ ...current, Statement: statements }),
      };
    }
  }
}

function orgPolicyEntry(id: string, from: Provenance): OrgPolicyEntry {
  const aws = awsManagedOrgPolicies[id];
  if (aws) return { id, name: aws.name, type: aws.type, content: known(aws.document), updated: from };
  return { id, name: "", type: "unknown", content: unknown("the policy was never imported"), updated: from };
}

function applyOrgChange(model: PolicyModel, id: string, change: OrgChange, from: Provenance): void {
  const org = model.org;
  const e = org.policies[id] ?? orgPolicyEntry(id, from);
  if (older(from, org.snapshotAt)) return;
  switch (change.kind) {
    case "org-policy-created": {
      const arn = change.policyArn === undefined ? {} : { arn: change.policyArn };
      org.policies[id] = {
        id,
        name: change.name,
        type: change.policyType,
        ...arn,
        content: change.content,
        updated: from,
      };
      return;
    }
    case "org-policy-updated":
      org.policies[id] = {
        ...e,
        ...(change.content ? { content: change.content } : {}),
        ...(change.policyType ? { type: change.policyType } : {}),
        updated: from,
      };
      return;
    case "org-policy-deleted":
      org.policies[id] = { ...e, deleted: from, updated: from };
      return;
    case "org-policy-attached":
    case "org-policy-detached": {
      org.policies[id] = e;
      const attached = org.attachments[change.target.id] ?? [];
      org.attachments[change.target.id] =
        change.kind === "org-policy-attached" ? withItem(attached, id) : without(attached, id);
    }
  }
}
