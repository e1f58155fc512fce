import type {
  EvaluationRequest,
  EvaluationResult,
  LayerName,
  PolicyKindLabel,
  PolicyLayer,
  PolicySet,
  StatementRef,
  TraceEntry,
} from "./policy.types.js";
import { prepareRequest, type ResourceMode, resourceModeOf } from "./request.js";
import {
  type LayerScan,
  type PreparedRequest,
  type StatementHit,
  scanPolicies,
  strongestAllow,
} from "./statement.js";

/**
 * AWS's policy evaluation logic ("Policy evaluation logic", "Cross-account policy evaluation logic"):
 *
 * 1. an explicit Deny in any applicable policy decides;
 * 2. every SCP level of the caller's account must allow; RCPs only deny (RCPFullAWSAccess is attached at every
 *    level and cannot be detached);
 * 3. within one account a resource policy that names the caller (the session, the user) allows on its own; one
 *    naming `*` still needs the session policy, one naming the role the boundary and the session policy too;
 *    otherwise the identity policies must allow, within the permissions boundary and the session policy;
 * 4. across accounts both sides must allow: the identity side as above and the resource policy (naming the
 *    caller or its account);
 * 5. KMS key policies and role trust policies must allow (naming the caller, or the account to delegate to IAM).
 *
 * Incomplete layers are read optimistically (as if they allowed): an allow that rests on one is "unknown"; a
 * denial is certain, whatever the unknown policies say.
 */

export interface ActionFacts {
  /** True for actions that support no resource-level permission; undefined when unknown. */
  isWildcardOnly(action: string): boolean | undefined;
  /**
   * The service condition keys the action supports (iam-data), templated parts as `*`
   * (`kms:EncryptionContext:*`); undefined when unknown. Not used by evaluation: requests list what they lack.
   */
  conditionKeys?(action: string): readonly string[] | undefined;
}

export interface EvaluateOptions {
  /** When given, wildcard-only actions are evaluated against `*` whatever resource the request named. */
  actionFacts?: ActionFacts;
}

interface Outcome {
  layer: LayerName;
  label: PolicyKindLabel;
  target?: string;
  scan: LayerScan;
  complete: boolean;
}

const resourceLabels: Record<ResourceMode, PolicyKindLabel> = {
  resource: "resource policy",
  key: "key policy",
  trust: "trust policy",
};

/** Evaluates one request against its policy set. Pure: the same inputs give the same answer. */
export function evaluateRequest(
  request: EvaluationRequest,
  policies: PolicySet,
  options: EvaluateOptions = {},
): EvaluationResult {
  const resource = options.actionFacts?.isWildcardOnly(request.action) === true ? "*" : request.resource;
  const req = prepareRequest(request, resource, policies.permissionsBoundary !== undefined);
  const mode = resourceModeOf(request.action, resource);
  const outcomes = scanLayers(req, policies, mode);
  const trace = outcomes.map(traceEntry);
  const unknownLayers = [...new Set(outcomes.filter((o) => !o.complete).map((o) => o.layer))];
  const base = { unknownLayers, missingContextKeys: [...req.absent].sort(), trace };
  const denied = outcomes.find((o) => o.scan.deny);
  if (denied?.scan.deny)
    return { decision: "explicitly-denied", decidedBy: refOf(denied, denied.scan.deny), ...base };
  const grant = decideGrant(req, outcomes, mode, request.resourceAccount);
  if ("missing" in grant) return { decision: "implicitly-denied", missingAllow: grant.missing, ...base };
  const decision = unknownLayers.length > 0 ? "unknown" : "allowed";
  return { decision, ...(grant.by ? { decidedBy: grant.by } : {}), ...base };
}

function layer(
  name: LayerName,
  label: PolicyKindLabel,
  l: PolicyLayer,
  req: PreparedRequest,
  target?: string,
): Outcome {
  const outcome = { layer: name, label, scan: scanPolicies(l.policies, req), complete: l.complete };
  return target === undefined ? outcome : { ...outcome, target };
}

/** Every applicable layer, in the order an explicit deny is reported. */
function scanLayers(req: PreparedRequest, set: PolicySet, mode: ResourceMode): Outcome[] {
  const kind = req.principal.kind;
  const hasIdentity = kind === "role-session" || kind === "user" || kind === "federated-user";
  const out: Outcome[] = [];
  // SCPs govern the IAM users and roles (and root) of member accounts, never service principals or anonymous calls.
  if (kind !== "service" && kind !== "anonymous")
    for (const l of set.scps ?? []) out.push(layer("scp", "service control policy", l, req, l.target));
  for (const l of set.rcps ?? []) out.push(layer("rcp", "resource control policy", l, req, l.target));
  const resource = set.resource ?? (mode === "resource" ? undefined : { policies: [], complete: false });
  if (resource) out.push(layer("resource", resourceLabels[mode], resource, req));
  if (hasIdentity) {
    out.push(layer("identity", "identity policy", set.identity, req));
    if (set.permissionsBoundary)
      out.push(layer("permissions-boundary", "permissions boundary", set.permissionsBoundary, req));
    if (set.session) out.push(layer("session", "session policy", set.session, req));
  }
  return out;
}

type Grant = { by?: StatementRef } | { missing: NonNullable<EvaluationResult["missingAllow"]> };

function missing(o: Outcome | undefined, fallback: { layer: LayerName; label: PolicyKindLabel }): Grant {
  const layerName = o?.layer ?? fallback.layer;
  const label = o?.label ?? fallback.label;
  const where = o?.target === undefined ? "" : ` attached to ${o.target}`;
  return {
    missing: {
      layer: layerName,
      policyKind: label,
      ...(o?.target === undefined ? {} : { target: o.target }),
      message: `no statement allows it in the ${label}${where}`,
    },
  };
}

const allows = (o: Outcome | undefined) => o !== undefined && (o.scan.allows.length > 0 || !o.complete);
const firstAllow = (o: Outcome | undefined): StatementRef | undefined => {
  const hit = o?.scan.allows[0];
  return o && hit ? refOf(o, hit) : undefined;
};

/** Whether anything grants the request once no explicit deny applies, and if not, which layer lacks an allow. */
function decideGrant(
  req: PreparedRequest,
  outcomes: Outcome[],
  mode: ResourceMode,
  resourceAccount?: string,
): Grant {
  const find = (name: LayerName) => outcomes.find((o) => o.layer === name);
  const scpGap = outcomes.find((o) => o.layer === "scp" && !allows(o));
  if (scpGap) return missing(scpGap, scpGap);
  const resource = find("resource");
  const resourceHit = resource ? strongestAllow(resource.scan) : undefined;
  // An incomplete resource policy might name the caller directly.
  const match = resource && !resource.complete ? "direct" : (resourceHit?.principal ?? "none");
  const resourceRef = resource && resourceHit ? refOf(resource, resourceHit) : undefined;
  const resourceFallback = { layer: "resource" as const, label: resourceLabels[mode] };
  const caller = req.principal;
  if (caller.kind === "service" || caller.kind === "anonymous")
    return match === "direct" || match === "wildcard"
      ? grantBy(resourceRef)
      : missing(resource, resourceFallback);
  const identity = find("identity");
  const boundary = find("permissions-boundary");
  const session = find("session");
  const identityGap =
    caller.kind !== "root" && !allows(identity)
      ? missing(identity, { layer: "identity", label: "identity policy" })
      : undefined;
  const boundaryGap = boundary !== undefined && !allows(boundary);
  const sessionGap = session !== undefined && !allows(session);
  const limitGap = boundaryGap ? boundary : sessionGap ? session : undefined;
  const sideGap = identityGap ?? (limitGap ? missing(limitGap, limitGap) : undefined);
  const sameAccount = resourceAccount === undefined || resourceAccount === caller.account;
  if (!sameAccount) {
    if (sideGap) return sideGap;
    return match === "none"
      ? missing(resource, resourceFallback)
      : grantBy(firstAllow(identity) ?? resourceRef);
  }
  if (match === "direct") return grantBy(resourceRef);
  // The identity path needs the same boundary and session policy, so their gap is the answer either way.
  if (match === "wildcard") return sessionGap && session ? missing(session, session) : grantBy(resourceRef);
  if (match === "role") return limitGap ? missing(limitGap, limitGap) : grantBy(resourceRef);
  if (mode !== "resource" && match === "none") return missing(resource, resourceFallback);
  return sideGap ?? grantBy(firstAllow(identity));
}

function grantBy(ref: StatementRef | undefined): Grant {
  return ref ? { by: ref } : {};
}

function refOf(o: Outcome, hit: StatementHit): StatementRef {
  return {
    layer: o.layer,
    policyKind: o.label,
    policyName: hit.policy.name,
    ...(hit.policy.arn === undefined ? {} : { policyArn: hit.policy.arn }),
    ...(o.target === undefined ? {} : { target: o.target }),
    ...(hit.statement.sid === undefined ? {} : { sid: hit.statement.sid }),
    index: hit.statement.index,
  };
}

function traceEntry(o: Outcome): TraceEntry {
  const hit = o.scan.deny ?? o.scan.allows[0];
  // RCPs cannot withhold an allow: RCPFullAWSAccess is attached at every level.
  const result = o.scan.deny
    ? "deny"
    : o.scan.allows.length > 0 || o.layer === "rcp"
      ? "allow"
      : o.complete
        ? "no-allow"
        : "unknown";
  return {
    layer: o.layer,
    ...(o.target === undefined ? {} : { target: o.target }),
    result,
    ...(hit ? { statement: refOf(o, hit) } : {}),
  };
}
