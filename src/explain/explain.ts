import type { RoleCatalogEntry, RoleKind } from "../classify/kinds.js";
import { decodeCommand, type ParsedDenialMessage, parseAccessDenied } from "../cloudtrail/access-denied.js";
import { type ActionRule, iamActionFor } from "../cloudtrail/action.js";
import { accountOf, sessionShape } from "../cloudtrail/arn.js";
import { isDataEventAction } from "../cloudtrail/data-events.js";
import { canonicalAction } from "../cloudtrail/iam-catalogue.js";
import { extractPrincipal, type Principal } from "../cloudtrail/principal.js";
import type { CloudTrailRecord } from "../cloudtrail/record.js";
import { fixResource, primaryResource } from "../cloudtrail/resource.js";
import { agentClassOf } from "../cloudtrail/user-agents.js";
import { type DenialEvaluation, evaluateDenial, type PolicyView } from "../policy/index.js";
import { isoTimeOf } from "../shared/time.js";
import { identityChangeToo, withSecondChange } from "./both-changes.js";
import { ecsConsoleTexts } from "./ecs-console.js";
import type { Explanation, Fix, PolicyDocument } from "./explanation.schema.js";
import { inspectCommands } from "./fix.js";
import { infrastructureCodeOf } from "./fix-iac.js";
import { fingerprintDenial, noiseReason } from "./incident.js";
import { bestKind, kindFromTrail } from "./kind-from-trail.js";
import { ownedPolicyIn } from "./owned-policy.js";
import { describeEvaluation } from "./policy-evaluation.js";
import {
  type Caveat,
  caveats as caveatTexts,
  fixReasons,
  type NoiseReason,
  noiseReasons,
} from "./reasons.js";
import { firstRule } from "./rules/index.js";
import type { Decision, DenialFacts } from "./rules/rule.js";
import { summarise } from "./summary.js";
import { type FixClaims, verifyFix, withVerdict } from "./verify-fix.js";

export type { Explanation, Fix } from "./explanation.schema.js";

export interface ExplainContext {
  /** The catalogue entry of the denied role, when the caller already looked it up. */
  role?: RoleCatalogEntry;
  /** The kind this particular call was made as (classifier's `attributeCall`), when known. */
  callKind?: RoleKind;
  /** Looks up catalogue entries by role ARN (used when `role` is not given). */
  catalog?: (roleArn: string) => RoleCatalogEntry | undefined;
  /** The record stands for a pasted message alone (message.ts): say what an event would have added. */
  messageOnly?: boolean;
  /** The policy model: when given, the denied request is evaluated against it (`evaluation`). */
  policies?: PolicyView;
}

/** The analysis columns of a denial: what the store keeps and incidents group on (no fix, no prose). */
export interface DenialAnalysis {
  principal: Principal;
  parsed: ParsedDenialMessage;
  errorCode: string | null;
  action: string | null;
  actionSource: ActionRule;
  actionVerified: boolean;
  resource: string | null;
  resourceSource: Explanation["resourceSource"];
  dependency: boolean;
  entry: RoleCatalogEntry | undefined;
  kind: RoleKind;
  kindConfidence: number;
  /** For a service role: the service the catalogue says assumes it. */
  service: string | null;
  /** For a chained role: the roles the catalogue says assumed it. */
  assumedBy: string[];
  incidentId: string;
  noise: NoiseReason | null;
}

/** The denied action: the one the message names, else the event's; a KMS dependency is kms:Decrypt. */
function actionOf(
  record: CloudTrailRecord,
  parsed: ParsedDenialMessage,
  errorCode: string | null,
): Pick<DenialAnalysis, "action" | "actionSource" | "actionVerified" | "dependency"> {
  // A KMS failure surfacing through the called service names no key: the key is not the event's resource.
  const dependency = parsed.dependency || (errorCode !== null && /^KMSAccessDenied/.test(errorCode));
  if (parsed.action) {
    const canonical = canonicalAction(parsed.action);
    return {
      action: canonical ?? parsed.action,
      actionSource: "message",
      actionVerified: canonical !== undefined,
      dependency,
    };
  }
  if (dependency) return { action: "kms:Decrypt", actionSource: "message", actionVerified: true, dependency };
  const derived = iamActionFor(record);
  return { action: derived.action, actionSource: derived.rule, actionVerified: derived.verified, dependency };
}

/** The denied resource: the one the message names, else the event's (none for a dependency's failure). */
function resourceOf(
  record: CloudTrailRecord,
  parsed: ParsedDenialMessage,
  dependency: boolean,
): Pick<DenialAnalysis, "resource" | "resourceSource"> {
  if (parsed.resource) return { resource: parsed.resource, resourceSource: "message" };
  const resource = dependency ? null : primaryResource(record);
  return { resource, resourceSource: resource ? "event" : "none" };
}

/**
 * The cheap half of explaining a denial: action, resource, policy type, kind, incident and noise. Used on its own
 * when analysing stored denials in bulk; `explainDenial` adds the fix.
 */
export function analyseDenial(record: CloudTrailRecord, context: ExplainContext = {}): DenialAnalysis {
  const principal = extractPrincipal(record);
  const errorCode = record.errorCode || null;
  const parsed = parseAccessDenied(
    typeof record.errorMessage === "string" ? record.errorMessage : null,
    errorCode,
  );
  const acted = actionOf(record, parsed, errorCode);
  const { action } = acted;
  const located = resourceOf(record, parsed, acted.dependency);

  const entry = context.role ?? (principal.roleArn ? context.catalog?.(principal.roleArn) : undefined);
  const fromCatalogue = bestKind(entry);
  const trail = kindFromTrail(record, principal, action);
  const kind: RoleKind = context.callKind ?? fromCatalogue?.kind ?? trail.kind;
  const kindConfidence = context.callKind
    ? (fromCatalogue?.confidence ?? 0.8)
    : (fromCatalogue?.confidence ?? trail.confidence);
  const assessed = entry?.kinds.find((k) => k.kind === kind);

  const { id } = fingerprintDenial({
    principal,
    action,
    resource: located.resource,
    deniedBy: parsed.deniedBy,
    policyArn: parsed.policyArn ?? null,
  });
  const noise = noiseReason({
    record,
    principal,
    kind,
    action,
    deniedBy: parsed.deniedBy,
    permissionless: acted.actionSource === "permissionless",
  });
  return {
    principal,
    parsed,
    errorCode,
    ...acted,
    ...located,
    entry,
    kind,
    kindConfidence,
    service: assessed?.service ?? null,
    assumedBy: assessed?.assumedBy ?? [],
    incidentId: id,
    noise,
  };
}

/** What the rules read: the analysis, and what follows from it about the caller. */
export function denialFacts(record: CloudTrailRecord, a: DenialAnalysis): DenialFacts {
  const { principal } = a;
  return {
    record,
    principal,
    kind: a.kind,
    kindConfidence: a.kindConfidence,
    entry: a.entry,
    action: a.action,
    resource: a.resource,
    deniedBy: a.parsed.deniedBy,
    explicitDeny: a.parsed.explicitDeny,
    dependency: a.dependency,
    // The identity whose policy changes: the role of a session, or the IAM user itself.
    roleArn:
      principal.roleArn ??
      (principal.type === "IAMUser" && principal.arn.startsWith("arn:") ? principal.arn : null),
    userAgent: typeof record.userAgent === "string" ? record.userAgent : "",
    agents: agentClassOf(record.userAgent),
    shape: principal.sessionName ? sessionShape(principal.sessionName) : null,
    dualUse: a.entry?.dualUse === true,
    trustedService: a.parsed.trustedService ?? null,
    service: a.service,
    assumedBy: a.assumedBy,
  };
}

/** What CloudTrail cannot show about this denial: the rule's caveats, then what the message and event say. */
function caveatsOf(
  record: CloudTrailRecord,
  a: DenialAnalysis,
  decision: Decision,
  messageOnly: boolean,
): Set<Caveat> {
  const { parsed, action } = a;
  const codes = new Set<Caveat>(decision.caveats);
  if (messageOnly) {
    codes.add("message-only");
    if (!parsed.principalArn) codes.add("message-no-principal");
    if (!a.resource) codes.add("message-no-resource");
  }
  if (parsed.truncated) codes.add("message-truncated");
  if (parsed.form === "enhanced") codes.add("one-policy-type");
  if (!parsed.action && !a.dependency && !messageOnly) codes.add("no-enhanced-message");
  if (parsed.encodedMessage) codes.add("encoded-message");
  if (action !== null && isDataEventAction(action)) codes.add("data-events-off");
  if (
    record.eventName === "HeadObject" ||
    (record.eventName === "GetObject" && parsed.form === "s3-access-denied")
  )
    codes.add("s3-missing-key");
  if (action === "kms:Decrypt" || record.eventSource === "kms.amazonaws.com") codes.add("kms-key-policy");
  const resourceAccount = a.resource ? accountOf(a.resource) : "";
  if (resourceAccount && a.principal.accountId && resourceAccount !== a.principal.accountId)
    codes.add("cross-account");
  if (action && !a.actionVerified && a.actionSource !== "permissionless") codes.add("action-unverified");
  return codes;
}

/**
 * The fix a decision makes: its grant's policy and commands (and the same policy as infrastructure code), how to
 * inspect what must change, the console texts; with what the grant adds, for verifying it whole.
 */
function buildFix(
  facts: DenialFacts,
  a: DenialAnalysis,
  decision: Decision,
  caveats: Set<Caveat>,
): { fix: Fix; claims: Omit<FixClaims, "record"> | null } {
  let policy: PolicyDocument | null = null;
  let infrastructureCode: Fix["infrastructureCode"] = null;
  let claims: Omit<FixClaims, "record"> | null = null;
  const commands: string[] = [];
  if (facts.action !== null) {
    const granted = decision.grant.build({ ...facts, action: facts.action }, decision);
    policy = granted.policy;
    commands.push(...granted.commands);
    if (granted.resourceUnknown) caveats.add("resource-unknown");
    if (policy) infrastructureCode = infrastructureCodeOf(policy, granted.owned ?? null);
    if (granted.added)
      claims = {
        added: granted.added,
        touched: a.resource,
        written: a.resource ? fixResource(a.resource) : null,
        ...(granted.callContext ? { callContext: granted.callContext } : {}),
      };
  }
  const { principal, parsed, resource } = a;
  commands.push(
    ...inspectCommands(decision.target, {
      roleArn: principal.roleArn,
      policyArn: parsed.policyArn ?? null,
      resource,
    }),
  );
  if (parsed.encodedMessage) commands.push(decodeCommand(parsed.encodedMessage));
  const consoleFacts = {
    principal: principal.arn,
    action: a.action ?? "<action>",
    resource: resource ?? "<resource>",
  };
  const fix: Fix = {
    target: decision.target,
    roleArn: decision.roleArn,
    confidence: decision.confidence,
    reason: decision.reason,
    summary: [
      fixReasons[decision.reason],
      ...decision.reasoning.filter((r) => r !== fixReasons[decision.reason]),
    ].join(" "),
    reasoning: decision.reasoning,
    policy,
    commands,
    infrastructureCode,
    consoleTexts: decision.console.map((c) => ecsConsoleTexts[c](consoleFacts)),
    verified: null,
  };
  return { fix, claims };
}

/**
 * The fix with its verdict (issue 13 step 4): evaluated whole in the model. An organisation policy's fix where the
 * caller's own policy does not allow the call either gets that grant as its second change, and is verified with both.
 */
function verified(
  built: Fix,
  claims: Omit<FixClaims, "record"> | null,
  at: {
    record: CloudTrailRecord;
    facts: DenialFacts;
    decision: Decision;
    evaluation: DenialEvaluation;
    view: PolicyView;
  },
): Fix {
  const verdict = verifyFix(
    built,
    at.evaluation,
    at.view,
    claims ? { ...claims, record: at.record } : undefined,
  );
  const second = identityChangeToo(built, at.facts, at.decision, verdict);
  if (!second?.added) return withVerdict(withAssumed(built, claims?.callContext), verdict);
  const both = withSecondChange(built, second);
  const touched = at.facts.resource;
  const written = touched ? fixResource(touched) : null;
  const again = verifyFix(both, at.evaluation, at.view, {
    record: at.record,
    added: second.added,
    touched,
    written,
  });
  return withVerdict(both, again);
}

/** Says which condition values verifying took from the call itself (they are not recorded as context keys). */
function withAssumed(fix: Fix, callContext: Readonly<Record<string, string>> | undefined): Fix {
  const pairs = Object.entries(callContext ?? {}).map(([k, v]) => `${k} = ${v}`);
  if (pairs.length === 0) return fix;
  return {
    ...fix,
    reasoning: [
      ...fix.reasoning,
      `Verified with ${pairs.join(", ")}, as the call implies (the trail records no such key).`,
    ],
  };
}

/** The denial evaluated against the policy model, with the message's action and resource. */
function evaluateAgainstModel(
  record: CloudTrailRecord,
  a: DenialAnalysis,
  policies: PolicyView,
): DenialEvaluation {
  // No resource named (a dependency's key, a message without one): `*`, not the event's own resource.
  return evaluateDenial(record, policies, {
    ...(a.action === null ? {} : { action: a.action }),
    resource: a.resource ?? "*",
  });
}

/**
 * The rule that decides a denial, the explanation it gives and, with a policy model in the context, the model's
 * evaluation of the request (its request and policy set, to evaluate again with a fix applied).
 */
export function explainWithRule(
  record: CloudTrailRecord,
  context: ExplainContext = {},
): { rule: string; explanation: Explanation; evaluation: DenialEvaluation | null } {
  const a = analyseDenial(record, context);
  const evaluation = context.policies ? evaluateAgainstModel(record, a, context.policies) : null;
  const facts = denialFacts(record, a);
  if (context.policies) facts.ownedPolicy = ownedPolicyIn(context.policies);
  const rule = firstRule(facts);
  const decision = rule.decide(facts);
  const caveats = caveatsOf(record, a, decision, context.messageOnly === true);
  const { fix: built, claims } = buildFix(facts, a, decision, caveats);
  const fix =
    evaluation && context.policies
      ? verified(built, claims, { record, facts, decision, evaluation, view: context.policies })
      : built;
  const { principal, parsed, noise } = a;
  // One object literal with every field, in the order clients see: V8 builds it in one go (a spread does not).
  const explanation: Explanation = {
    eventId: record.eventID,
    eventTime: isoTimeOf(record.eventTime),
    eventSource: record.eventSource,
    eventName: record.eventName,
    errorCode: a.errorCode,
    principal: {
      arn: principal.arn,
      roleArn: principal.roleArn,
      kind: a.kind,
      confidence: a.kindConfidence,
      service: a.service,
      assumedBy: a.assumedBy,
    },
    action: a.action,
    actionSource: a.actionSource,
    actionVerified: a.actionVerified,
    resource: a.resource,
    resourceSource: a.resourceSource,
    deniedBy: parsed.deniedBy,
    explicitDeny: parsed.explicitDeny,
    policyArn: parsed.policyArn ?? null,
    messageForm: parsed.form,
    dependency: a.dependency,
    encodedMessage: parsed.encodedMessage ?? null,
    evaluation: evaluation ? describeEvaluation(evaluation, parsed.deniedBy) : null,
    caveats: [...caveats].map((code) => ({ code, text: caveatTexts[code] })),
    fix,
    summary: "",
    incidentId: a.incidentId,
    noise: noise !== null,
    noiseReason: noise ? { code: noise, text: noiseReasons[noise] } : null,
  };
  explanation.summary = summarise(explanation, fix, a);
  return { rule: rule.name, explanation, evaluation };
}

/**
 * Explains one denied CloudTrail call: the action and resource, the policy type that denied it, who must change
 * what, and the least-privilege fix. Pure: the context carries everything beyond the event. The first rule of
 * src/explain/rules that applies decides.
 */
export function explainDenial(record: CloudTrailRecord, context: ExplainContext = {}): Explanation {
  return explainWithRule(record, context).explanation;
}
