import { iamActionFor } from "../../cloudtrail/action.js";
import { extractPrincipal } from "../../cloudtrail/principal.js";
import type { CloudTrailRecord, ResourceEntry } from "../../cloudtrail/record.js";
import { primaryResource } from "../../cloudtrail/resource.js";
import type { ActionFacts } from "../evaluate.js";
import type { ContextValue, EvaluationRequest, RequestPrincipal } from "../policy.types.js";
import { globalContext, serviceContext } from "./request-context.js";

/** What the caller knows beyond the event: the parsed message, the model's tags and organisation, action facts. */
export interface DenialExtras {
  /** The parsed access-denied message: its action and resource win over what the event implies. */
  message?: { action?: string; resource?: string };
  /** The role's or user's tags from the policy model. */
  principalTags?: Readonly<Record<string, string>>;
  /** Session tags passed when the session was created (they override the role's tags). */
  sessionTags?: Readonly<Record<string, string>>;
  /** The caller's organisation from the model: aws:PrincipalOrgID and aws:PrincipalOrgPaths. */
  principalOrg?: { id: string; paths: readonly string[] };
  /** From loadActionFacts: the service condition keys the action supports, to say which the trail lacks. */
  actionFacts?: ActionFacts;
}

export interface DenialRequest {
  request: EvaluationRequest;
  /** Context keys that applied to the call but that neither the trail nor the extras supply. */
  unavailableContextKeys: string[];
}

/** How IAM saw the caller, from userIdentity (CloudTrail userIdentity element). */
export function requestPrincipalOf(record: CloudTrailRecord): RequestPrincipal {
  const p = extractPrincipal(record);
  const account = p.accountId || undefined;
  const withAccount = account === undefined ? {} : { account };
  switch (p.type) {
    case "AssumedRole":
      return {
        kind: "role-session",
        arn: p.arn,
        ...withAccount,
        ...(p.roleArn ? { roleArn: p.roleArn } : {}),
      };
    case "IAMUser":
      return { kind: "user", arn: p.arn, ...withAccount };
    case "FederatedUser":
      return { kind: "federated-user", arn: p.arn, ...withAccount };
    case "AWSService":
      return { kind: "service", arn: p.invokedBy ?? "" };
    case "Root":
    // Another account's caller, whose identity CloudTrail keeps from the resource owner: known by its account only.
    case "AWSAccount":
      return { kind: "root", arn: `arn:aws:iam::${p.accountId}:root`, ...withAccount };
    default:
      return { kind: "anonymous", arn: "*" };
  }
}

function resourceAccountOf(record: CloudTrailRecord, resource: string): string | undefined {
  const listed = record.resources?.find(
    (r): r is ResourceEntry => typeof r === "object" && r.ARN === resource,
  )?.accountId;
  if (listed) return listed;
  const account = resource.startsWith("arn:") ? resource.split(":")[4] : undefined;
  return account || undefined;
}

/**
 * The evaluator's request for a denied (or any) call: the caller, the action (the message's, else the event's
 * IAM action), the resource and its account, and every context key the trail or the extras supply; with the keys
 * the call carried that nobody recorded, so an answer can say "the trail cannot supply X".
 */
export function requestFromDenial(record: CloudTrailRecord, extras: DenialExtras = {}): DenialRequest {
  const principal = requestPrincipalOf(record);
  const action =
    extras.message?.action ??
    iamActionFor(record).action ??
    `${record.eventSource.split(".")[0]}:${record.eventName}`;
  const resource = extras.message?.resource ?? primaryResource(record) ?? "*";
  const resourceAccount = resource === "*" ? undefined : resourceAccountOf(record, resource);
  const { context, unavailable } = globalContext(record, principal, action);
  Object.assign(
    context,
    serviceContext(record, action, principal),
    modelContext(principal, extras, unavailable),
  );
  if (resource !== "*" && resourceAccount === undefined) unavailable.push("aws:ResourceAccount");
  const supported = extras.actionFacts?.conditionKeys?.(action) ?? [];
  for (const key of supported) if (!supplied(context, key)) unavailable.push(key);
  const request: EvaluationRequest = {
    principal,
    action,
    resource,
    ...(resourceAccount === undefined ? {} : { resourceAccount }),
    context,
  };
  return { request, unavailableContextKeys: [...new Set(unavailable)].sort() };
}

function modelContext(
  principal: RequestPrincipal,
  extras: DenialExtras,
  unavailable: string[],
): Record<string, ContextValue> {
  const context: Record<string, ContextValue> = {};
  const hasIdentity =
    principal.kind === "role-session" || principal.kind === "user" || principal.kind === "federated-user";
  if (!hasIdentity) return context;
  if (extras.principalTags || extras.sessionTags) {
    const tags = { ...extras.principalTags, ...extras.sessionTags };
    for (const [k, v] of Object.entries(tags)) context[`aws:PrincipalTag/${k}`] = v;
  } else unavailable.push("aws:PrincipalTag/*");
  if (extras.principalOrg) {
    context["aws:PrincipalOrgID"] = extras.principalOrg.id;
    context["aws:PrincipalOrgPaths"] = [...extras.principalOrg.paths];
  } else unavailable.push("aws:PrincipalOrgID", "aws:PrincipalOrgPaths");
  return context;
}

/** Whether the context holds a key; `kms:EncryptionContext:*` is held when any encryption-context key is. */
function supplied(context: Record<string, ContextValue>, key: string): boolean {
  const lower = key.toLowerCase();
  const names = Object.keys(context).map((k) => k.toLowerCase());
  if (!lower.endsWith("*")) return names.includes(lower);
  const prefix = lower.slice(0, -1);
  return names.some((k) => k.startsWith(prefix));
}
