import { contentFrom } from "../model/policy-content.js";
import { type EventPlace, param, responseString } from "./event-place.js";
import type { ChangeParser } from "./iam-changes.js";
import type { OrgChange, OrgPolicyType, OrgTargetType } from "./policy-change.js";

/**
 * AWS Organizations policy events (Organizations user guide, "Logging … with CloudTrail"): CreatePolicy `{name,
 * type, content}` → `policy.policySummary.{id, arn}`; UpdatePolicy `{policyId, content?}` → `policy.content`;
 * AttachPolicy/DetachPolicy `{policyId, targetId}`; DeletePolicy `{policyId}`. Attach and detach do not say the
 * policy's type: the model learns it from the policy's creation or the organisation import.
 */

const decidingTypes = new Set<string>(["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"]);

function policyTypeOf(place: EventPlace): OrgPolicyType | "other" | undefined {
  const type = param(place, "type") ?? responseString(place, "policy.policySummary.type");
  if (type === undefined) return undefined;
  return decidingTypes.has(type) ? (type as OrgPolicyType) : "other";
}

/** The kind of organisation target an id names (Organizations API reference, TargetId pattern). */
export function orgTargetType(id: string): OrgTargetType | undefined {
  if (/^r-[0-9a-z]{4,32}$/.test(id)) return "root";
  if (/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/.test(id)) return "ou";
  if (/^\d{12}$/.test(id)) return "account";
  return undefined;
}

/** Policy ids are `p-` and 8 to 128 characters; AWS managed ones read `p-FullAWSAccess`, `p-RCPFullAWSAccess`. */
export const orgPolicyIdPattern = /^p-[0-9a-zA-Z_]{8,128}$/;

function onOrgPolicy(build: (place: EventPlace) => OrgChange | undefined): ChangeParser {
  return (place) => {
    const id = param(place, "policyId") ?? responseString(place, "policy.policySummary.id");
    const change = id !== undefined && orgPolicyIdPattern.test(id) ? build(place) : undefined;
    return id && change ? [{ ...place.origin, subjectType: "org-policy", subject: { id }, ...change }] : [];
  };
}

const created = onOrgPolicy((place) => {
  const policyType = policyTypeOf(place);
  if (policyType === undefined || policyType === "other") return undefined;
  const policyArn = responseString(place, "policy.policySummary.arn");
  return {
    kind: "org-policy-created",
    name: param(place, "name") ?? responseString(place, "policy.policySummary.name") ?? "",
    policyType,
    ...(policyArn === undefined ? {} : { policyArn }),
    content: contentFrom(place.params.content ?? responseString(place, "policy.content"), "content"),
  };
});

/** UpdatePolicy without `content` renamed or re-described the policy: what it says is unchanged. */
const updated = onOrgPolicy((place) => {
  const policyType = policyTypeOf(place);
  if (policyType === "other") return undefined;
  const content = place.params.content ?? responseString(place, "policy.content");
  return {
    kind: "org-policy-updated",
    ...(policyType === undefined ? {} : { policyType }),
    ...(content === undefined ? {} : { content: contentFrom(content, "content") }),
  };
});

const targeted = (kind: "org-policy-attached" | "org-policy-detached") =>
  onOrgPolicy((place) => {
    const id = param(place, "targetId");
    const type = id === undefined ? undefined : orgTargetType(id);
    return id === undefined || type === undefined ? undefined : { kind, target: { id, type } };
  });

/** Organizations events, keyed `organizations:<eventName>`. */
export const orgChangeParsers = {
  "organizations:CreatePolicy": created,
  "organizations:UpdatePolicy": updated,
  "organizations:DeletePolicy": onOrgPolicy(() => ({ kind: "org-policy-deleted" })),
  "organizations:AttachPolicy": targeted("org-policy-attached"),
  "organizations:DetachPolicy": targeted("org-policy-detached"),
} as const satisfies Record<string, ChangeParser>;
