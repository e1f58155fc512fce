import type { DeniedBy } from "../cloudtrail/access-denied.js";
import type { DenialEvaluation, LayerName, StatementRef as ModelRef, TraceEntry } from "../policy/index.js";
import type { PolicyEvaluation, StatementRef } from "./explanation.schema.js";

/**
 * The policy model's answer as an explanation shows it, compared with what the message says. The message is what
 * AWS decided; the model is what deniedby knows of the policies. Where they differ the model is incomplete (a
 * policy it never saw, a key the trail cannot supply) and the message wins: deniedBy and the fix keep following
 * the message, and the note says what the model found instead.
 */

/** The evaluator's layer that each policy type of the message names (VPC endpoint policies are not modelled). */
const messageLayers: Partial<Record<DeniedBy, LayerName>> = {
  identity: "identity",
  resource: "resource",
  "role-trust": "resource",
  "permissions-boundary": "permissions-boundary",
  session: "session",
  scp: "scp",
  rcp: "rcp",
};

const layerLabels: Record<LayerName, string> = {
  scp: "service control policy",
  rcp: "resource control policy",
  resource: "resource policy",
  identity: "identity policy",
  "permissions-boundary": "permissions boundary",
  session: "session policy",
};

function ref(r: ModelRef): StatementRef {
  return {
    layer: r.layer,
    policyKind: r.policyKind,
    policyName: r.policyName,
    policyArn: r.policyArn ?? null,
    target: r.target ?? null,
    sid: r.sid ?? null,
    index: r.index,
  };
}

/** `FullAWSAccess, Sid AllowAll` or `app-inline, statement 2`. */
export function statementLabel(r: Pick<ModelRef, "policyName" | "sid" | "index">): string {
  return `${r.policyName}, ${r.sid ? `Sid ${r.sid}` : `statement ${r.index}`}`;
}

function traceLine(t: TraceEntry): string {
  const where = t.target === undefined ? t.layer : `${t.layer} ${t.target}`;
  return `${where}: ${t.result}${t.statement ? ` (${statementLabel(t.statement)})` : ""}`;
}

/** The policy a statement sits in: a resource policy's name says what it is, others are named by kind. */
function policyOf(r: ModelRef): string {
  if (r.layer === "resource") return r.policyName;
  const arn = r.policyArn !== undefined && r.policyArn !== r.policyName ? ` (${r.policyArn})` : "";
  return `the ${r.policyKind} ${r.policyName}${arn}`;
}

/** `the service control policy deny-public-acl (arn:…) attached to ou-… (Sid NoPublicAcl)`. */
export function policyPhrase(r: ModelRef): string {
  const at = r.target === undefined ? "" : ` attached to ${r.target}`;
  return `${policyOf(r)}${at} (${r.sid ? `Sid ${r.sid}` : `statement ${r.index}`})`;
}

function summaryOf(e: DenialEvaluation): string {
  const r = e.result;
  const by = r.decidedBy;
  if (r.decision === "explicitly-denied" && by) return `explicit deny in ${policyPhrase(by)}`;
  if (r.decision === "implicitly-denied" && r.missingAllow) return r.missingAllow.message;
  if (r.decision === "allowed") return `the model finds it allowed${by ? ` by ${policyPhrase(by)}` : ""}`;
  return `unknown: ${e.unknowns[0] ?? "the model lacks a policy that decides it"}`;
}

/** The layer that blocked the request in the model, if it did. */
function blockingLayer(e: DenialEvaluation): LayerName | undefined {
  if (e.result.decision === "explicitly-denied") return e.result.decidedBy?.layer;
  if (e.result.decision === "implicitly-denied") return e.result.missingAllow?.layer;
  return undefined;
}

/** The model's answer next to the message's policy type (see the module comment). */
function compare(e: DenialEvaluation, deniedBy: DeniedBy): Pick<PolicyEvaluation, "agreement" | "note"> {
  const incomplete = (found: string) => ({
    agreement: "disagrees" as const,
    note: `The model is incomplete; the message wins: the message says ${messageLabels[deniedBy]} denied it; the model finds ${found}.`,
  });
  const found = summaryOf(e);
  if (deniedBy === "unknown")
    return {
      agreement: "message-silent",
      note: `The message names no policy type; the model finds ${found}.`,
    };
  const layer = messageLayers[deniedBy];
  if (layer === undefined)
    return {
      agreement: "not-modelled",
      note: `The model does not hold ${messageLabels[deniedBy]}s; the message wins.`,
    };
  if (e.result.decision === "allowed") return incomplete("the request allowed");
  if (e.result.decision === "unknown")
    return {
      agreement: "unknown",
      note: `The model cannot confirm it: ${e.unknowns[0] ?? "a policy that decides it is unknown"}.`,
    };
  const entries = e.result.trace.filter((t) => t.layer === layer);
  // Agreement when the message's layer blocks in the model too, even if the model reports another layer first.
  if (blockingLayer(e) === layer || entries.some((t) => t.result === "deny" || t.result === "no-allow"))
    return { agreement: "agrees", note: null };
  if (entries.some((t) => t.result === "unknown"))
    return {
      agreement: "unknown",
      note: `The model cannot confirm it: it does not know the ${layerLabels[layer]} completely.`,
    };
  if (entries.length === 0) return incomplete(`no ${layerLabels[layer]} that applies (${found})`);
  return incomplete(`that the ${layerLabels[layer]} allows it (${found})`);
}

/** What the message's policy type reads as in a sentence. */
const messageLabels: Record<DeniedBy, string> = {
  identity: "an identity-based policy",
  resource: "a resource-based policy",
  "permissions-boundary": "the permissions boundary",
  session: "a session policy",
  scp: "a service control policy",
  rcp: "a resource control policy",
  "vpc-endpoint": "a VPC endpoint policy",
  "role-trust": "the role's trust policy",
  unknown: "an unnamed policy",
};

/** The evaluation as the explanation carries it, compared with the message's policy type. */
export function describeEvaluation(e: DenialEvaluation, deniedBy: DeniedBy): PolicyEvaluation {
  const r = e.result;
  return {
    decision: r.decision,
    decidedBy: r.decidedBy ? ref(r.decidedBy) : null,
    missingAllow: r.missingAllow
      ? {
          layer: r.missingAllow.layer,
          policyKind: r.missingAllow.policyKind,
          target: r.missingAllow.target ?? null,
          message: r.missingAllow.message,
        }
      : null,
    summary: summaryOf(e),
    trace: r.trace.map(traceLine),
    unknowns: e.unknowns,
    missingContextKeys: r.missingContextKeys,
    unavailableContextKeys: e.unavailableContextKeys,
    ...compare(e, deniedBy),
  };
}
