import { contentFrom } from "../model/policy-content.js";
import {
  type EventPlace,
  param,
  principalSubject,
  responseString,
  stringsFrom,
  tagsFrom,
} from "./event-place.js";
import type {
  ManagedPolicyChange,
  PolicyChange,
  PrincipalChange,
  PrincipalSubject,
  PrincipalType,
} from "./policy-change.js";

/**
 * IAM's policy events (IAM API reference; request parameters as CloudTrail logs them, e.g. PutRolePolicy
 * `{roleName, policyName, policyDocument}`, CreateRole `{roleName, path, assumeRolePolicyDocument,
 * permissionsBoundary, tags: [{key, value}]}` with the role's ARN in `responseElements.role.arn`).
 */

export type ChangeParser = (place: EventPlace) => PolicyChange[];

const nameKeys: Record<PrincipalType, string> = { role: "roleName", user: "userName", group: "groupName" };

function subjectOf(place: EventPlace, type: PrincipalType): PrincipalSubject | undefined {
  const name = param(place, nameKeys[type]);
  if (name === undefined) return undefined;
  // Only a create event answers with the principal, and so with its path.
  return principalSubject(place, type, name, responseString(place, `${type}.arn`));
}

/** A parser for one principal event: nothing when the event does not name the principal. */
function onPrincipal(
  type: PrincipalType,
  build: (place: EventPlace) => PrincipalChange | undefined,
): ChangeParser {
  return (place) => {
    const subject = subjectOf(place, type);
    const change = subject && build(place);
    return subject && change ? [{ ...place.origin, subjectType: "principal", subject, ...change }] : [];
  };
}

const inlinePut = (type: PrincipalType) =>
  onPrincipal(type, (place) => {
    const policyName = param(place, "policyName");
    if (policyName === undefined) return undefined;
    return {
      kind: "inline-policy-put",
      policyName,
      content: contentFrom(place.params.policyDocument, "policyDocument"),
    };
  });

const inlineDelete = (type: PrincipalType) =>
  onPrincipal(type, (place) => {
    const policyName = param(place, "policyName");
    return policyName === undefined ? undefined : { kind: "inline-policy-deleted", policyName };
  });

const attachment = (type: PrincipalType, kind: "managed-policy-attached" | "managed-policy-detached") =>
  onPrincipal(type, (place) => {
    const policyArn = param(place, "policyArn");
    return policyArn === undefined ? undefined : { kind, policyArn };
  });

const boundarySet = (type: PrincipalType) =>
  onPrincipal(type, (place) => {
    const policyArn = param(place, "permissionsBoundary");
    return policyArn === undefined ? undefined : { kind: "permissions-boundary-set", policyArn };
  });

const boundaryRemoved = (type: PrincipalType) =>
  onPrincipal(type, () => ({ kind: "permissions-boundary-removed" }));

const tagged = (type: PrincipalType) =>
  onPrincipal(type, (place) => ({ kind: "tags-added", tags: tagsFrom(place.params.tags) }));

const untagged = (type: PrincipalType) =>
  onPrincipal(type, (place) => ({ kind: "tags-removed", keys: stringsFrom(place.params.tagKeys) }));

const deleted = (type: PrincipalType) => onPrincipal(type, () => ({ kind: "principal-deleted" }));

/** CreateRole and CreateUser: a principal born with no inline or attached policies. */
const created = (type: "role" | "user") =>
  onPrincipal(type, (place) => {
    const boundaryArn = param(place, "permissionsBoundary");
    return {
      kind: "principal-created",
      tags: tagsFrom(place.params.tags),
      ...(type === "role"
        ? { trust: contentFrom(place.params.assumeRolePolicyDocument, "assumeRolePolicyDocument") }
        : {}),
      ...(boundaryArn === undefined ? {} : { boundaryArn }),
    };
  });

const trustUpdated = onPrincipal("role", (place) => ({
  kind: "trust-policy-set",
  trust: contentFrom(place.params.policyDocument, "policyDocument"),
}));

const membership = (kind: "group-joined" | "group-left") =>
  onPrincipal("user", (place) => {
    const groupName = param(place, "groupName");
    return groupName === undefined ? undefined : { kind, group: principalSubject(place, "group", groupName) };
  });

/** A parser for a customer managed policy event, named by `policyArn` (or the create response's ARN). */
function onManagedPolicy(build: (place: EventPlace) => ManagedPolicyChange | undefined): ChangeParser {
  return (place) => {
    const arn = param(place, "policyArn") ?? responseString(place, "policy.arn");
    const change = arn && build(place);
    if (!arn || !change) return [];
    const account = arn.split(":")[4] ?? place.account;
    return [{ ...place.origin, subjectType: "managed-policy", subject: { arn, account }, ...change }];
  };
}

const policyCreated = onManagedPolicy((place) => {
  const name = param(place, "policyName") ?? responseString(place, "policy.policyName");
  if (name === undefined) return undefined;
  return {
    kind: "managed-policy-created",
    name,
    path: param(place, "path") ?? responseString(place, "policy.path") ?? "/",
    versionId: responseString(place, "policy.defaultVersionId") ?? "v1",
    content: contentFrom(place.params.policyDocument, "policyDocument"),
  };
});

const versionCreated = onManagedPolicy((place) => {
  const versionId = responseString(place, "policyVersion.versionId");
  const setAsDefault = place.params.setAsDefault === true || place.params.setAsDefault === "true";
  return {
    kind: "policy-version-created",
    ...(versionId === undefined ? {} : { versionId }),
    setAsDefault,
    content: contentFrom(place.params.policyDocument, "policyDocument"),
  };
});

const versionChange = (kind: "policy-default-version-set" | "policy-version-deleted") =>
  onManagedPolicy((place) => {
    const versionId = param(place, "versionId");
    return versionId === undefined ? undefined : { kind, versionId };
  });

/** IAM events that change what the model holds, keyed `iam:<eventName>`. */
export const iamChangeParsers = {
  "iam:CreateRole": created("role"),
  "iam:DeleteRole": deleted("role"),
  "iam:UpdateAssumeRolePolicy": trustUpdated,
  "iam:TagRole": tagged("role"),
  "iam:UntagRole": untagged("role"),
  "iam:PutRolePolicy": inlinePut("role"),
  "iam:DeleteRolePolicy": inlineDelete("role"),
  "iam:AttachRolePolicy": attachment("role", "managed-policy-attached"),
  "iam:DetachRolePolicy": attachment("role", "managed-policy-detached"),
  "iam:PutRolePermissionsBoundary": boundarySet("role"),
  "iam:DeleteRolePermissionsBoundary": boundaryRemoved("role"),
  "iam:CreateUser": created("user"),
  "iam:DeleteUser": deleted("user"),
  "iam:TagUser": tagged("user"),
  "iam:UntagUser": untagged("user"),
  "iam:PutUserPolicy": inlinePut("user"),
  "iam:DeleteUserPolicy": inlineDelete("user"),
  "iam:AttachUserPolicy": attachment("user", "managed-policy-attached"),
  "iam:DetachUserPolicy": attachment("user", "managed-policy-detached"),
  "iam:PutUserPermissionsBoundary": boundarySet("user"),
  "iam:DeleteUserPermissionsBoundary": boundaryRemoved("user"),
  "iam:AddUserToGroup": membership("group-joined"),
  "iam:RemoveUserFromGroup": membership("group-left"),
  "iam:PutGroupPolicy": inlinePut("group"),
  "iam:DeleteGroupPolicy": inlineDelete("group"),
  "iam:AttachGroupPolicy": attachment("group", "managed-policy-attached"),
  "iam:DetachGroupPolicy": attachment("group", "managed-policy-detached"),
  "iam:CreatePolicy": policyCreated,
  "iam:CreatePolicyVersion": versionCreated,
  "iam:SetDefaultPolicyVersion": versionChange("policy-default-version-set"),
  "iam:DeletePolicyVersion": versionChange("policy-version-deleted"),
  "iam:DeletePolicy": onManagedPolicy(() => ({ kind: "managed-policy-deleted" })),
} as const satisfies Record<string, ChangeParser>;
