import type { CloudTrailRecord } from "../cloudtrail/record.js";
import {
  type DenialEvaluation,
  type EvaluationResult,
  evaluateDenial,
  evaluateRequest,
  evaluateWithStatement,
  type PolicyStatement,
  type PolicyView,
  parsePolicyDocument,
  type StatementPlace,
} from "../policy/index.js";
import type { Fix, PolicyStatement as FixStatement } from "./explanation.schema.js";
import { policyPhrase } from "./policy-evaluation.js";

/**
 * Issue 13 step 4: the proposed fix applied to the proposed place and the request evaluated again. `allowed`, `still
 * denied by …` (the change alone does not make the call succeed: the fix says what else must change), or `unknown:
 * …` (a layer the model does not know completely). Null when there is nothing to apply: no statement (a setting, a
 * VPC endpoint policy, the task definition) or no model.
 */

/** The inline policy the fix's command writes, so the statement joins that policy if the role already has it. */
function policyNameOf(commands: readonly string[]): string {
  for (const c of commands) {
    const m = /--policy-name (\S+)/.exec(c);
    if (m?.[1]) return m[1];
  }
  return "deniedby-fix";
}

/** Where the fix's statement goes, by its target; undefined for targets that change no policy statement. */
function placeOf(fix: Fix): StatementPlace | undefined {
  switch (fix.target) {
    case "resource-policy":
    case "trust-policy":
      return { layer: "resource" };
    case "permissions-boundary":
      return { layer: "permissions-boundary" };
    case "session-policy":
      return { layer: "session" };
    case "organization-policy":
    case "vpc-endpoint-policy":
    case "task-definition":
      return undefined;
    case "unknown":
      // A role of no known kind still gets the grant in its own policy when the fix names it.
      return fix.roleArn ? { layer: "identity", policyName: policyNameOf(fix.commands) } : undefined;
    default:
      return { layer: "identity", policyName: policyNameOf(fix.commands) };
  }
}

/** The verdict as the fix carries it. */
export function verdictOf(result: EvaluationResult, unknowns: readonly string[]): string {
  if (result.decision === "allowed") return "allowed";
  if (result.decision === "explicitly-denied" && result.decidedBy)
    return `still denied by ${policyPhrase(result.decidedBy)}`;
  const missing = result.missingAllow;
  if (result.decision === "implicitly-denied" && missing)
    return `still denied by the ${missing.policyKind}${missing.target ? ` at ${missing.target}` : ""}: ${missing.message}`;
  const lacking =
    unknowns.length > 0 ? unknowns : result.unknownLayers.map((l) => `${l}: not known completely`);
  return `unknown: ${lacking.join("; ") || "the model lacks a policy that decides it"}`;
}

/**
 * An organisation policy cannot take an allow: the fix is that it stops denying, so the request is evaluated
 * without SCPs or RCPs (a statement the fix also carries is its second change, to the caller's own policy).
 */
export function withoutOrganisation(evaluation: DenialEvaluation): DenialEvaluation {
  const { scps: _scps, rcps: _rcps, ...rest } = evaluation.policies;
  return { ...evaluation, policies: rest };
}

/**
 * Condition keys of the fix's statements that the evaluation consulted and the request lacked: the call carried
 * them (`iam:PassedToService`, `kms:ViaService`), the trail does not, so the fix cannot be judged on them.
 */
function conditionKeysLacking(statements: readonly PolicyStatement[], result: EvaluationResult): string[] {
  const keys = new Set(
    statements
      .flatMap((st) => Object.values(st.Condition ?? {}).flatMap((c) => Object.keys(c)))
      .map((k) => k.toLowerCase()),
  );
  return result.missingContextKeys.filter((k) => keys.has(k.toLowerCase()));
}

/**
 * What the fix claims to grant, beyond the denied request itself: the statements it adds and the call they were
 * built from, so every action on every resource is evaluated (a fix is allowed only if all of them are).
 */
export interface FixClaims {
  record: CloudTrailRecord;
  added: readonly FixStatement[];
  /** The denied resource; a statement's resource that stands for it (generalised) is evaluated as it. */
  touched: string | null;
  /** The touched resource as the fix writes it (`fixResource`). */
  written: string | null;
  /** Condition values the call implies (see GrantResult.callContext): the request carries them when re-evaluated. */
  callContext?: Readonly<Record<string, string>>;
}

/** The evaluation with the call's implied context keys added to its request (a key the trail did record wins). */
function withCallContext(e: DenialEvaluation, claims: FixClaims | undefined): DenialEvaluation {
  if (!claims?.callContext) return e;
  return { ...e, request: { ...e.request, context: { ...claims.callContext, ...e.request.context } } };
}

/**
 * A resource with no account in its ARN that the model cannot place (a snapshot the call creates) is the caller's:
 * the record lists it with that account, as CloudTrail's `resources` would.
 */
function placed(record: CloudTrailRecord, resource: string, account: string | undefined): CloudTrailRecord {
  const fields = resource.split(":");
  if (!account || fields.length < 6 || fields[4] !== "" || fields[2] === "s3") return record;
  return { ...record, resources: [{ ARN: resource, accountId: account }] };
}

const listOf = (x: string | string[]): string[] => (Array.isArray(x) ? x : [x]);

/** Each action on each resource the added statements name, as requests; the denied request itself is left out. */
function claimedRequests(
  claims: FixClaims,
  evaluation: DenialEvaluation,
): { action: string; resource: string }[] {
  const out: { action: string; resource: string }[] = [];
  const original = evaluation.request;
  for (const st of claims.added)
    for (const action of listOf(st.Action))
      for (const written of listOf(st.Resource)) {
        const resource = written === claims.written && claims.touched ? claims.touched : written;
        const same = action.toLowerCase() === original.action.toLowerCase() && resource === original.resource;
        if (!same && !out.some((o) => o.action === action && o.resource === resource))
          out.push({ action, resource });
      }
  return out;
}

/** The verdict of the statements at the place for one request. */
function verdictAt(
  evaluation: DenialEvaluation,
  place: StatementPlace,
  statements: PolicyStatement[],
  view: PolicyView,
): string {
  const unknownsOf = (r: EvaluationResult) =>
    evaluation.unknowns.filter((u) => r.unknownLayers.some((l) => u.startsWith(`${l}:`)));
  const result = evaluateWithStatement(
    evaluation,
    place,
    statements,
    view.actionFacts ? { actionFacts: view.actionFacts } : {},
  );
  const needed = conditionKeysLacking(statements, result);
  if (result.decision !== "allowed" && needed.length > 0)
    return `unknown: the fix's condition needs ${needed.join(", ")}, which the trail does not record for this call`;
  return verdictOf(result, unknownsOf(result));
}

/**
 * The fix's verdict (see the module comment); null when the fix applies no statement the model could add. With the
 * fix's claims, every action on every resource it grants is evaluated too: the first that is still denied (else
 * unknown) is the verdict, naming the request.
 */
export function verifyFix(
  fix: Fix,
  evaluation: DenialEvaluation,
  view: PolicyView,
  claims?: FixClaims,
): string | null {
  const organisation = fix.target === "organization-policy";
  const base = organisation ? withoutOrganisation(evaluation) : evaluation;
  if (organisation && !fix.policy) {
    const result = evaluateRequest(
      base.request,
      base.policies,
      view.actionFacts ? { actionFacts: view.actionFacts } : {},
    );
    return verdictOf(
      result,
      evaluation.unknowns.filter((u) => result.unknownLayers.some((l) => u.startsWith(`${l}:`))),
    );
  }
  const place: StatementPlace | undefined = organisation
    ? { layer: "identity", policyName: policyNameOf(fix.commands) }
    : placeOf(fix);
  if (!place || !fix.policy) return null;
  try {
    const statements = [parsePolicyDocument(fix.policy).Statement].flat();
    type Judged = { request: { action: string; resource: string } | null; verdict: string };
    const first = withCallContext(base, claims);
    const verdicts: Judged[] = [{ request: null, verdict: verdictAt(first, place, statements, view) }];
    const account = evaluation.request.resourceAccount ?? evaluation.request.principal.account;
    if (claims)
      for (const request of claimedRequests(claims, evaluation)) {
        const evaluated = evaluateDenial(placed(claims.record, request.resource, account), view, request);
        const again = organisation ? withoutOrganisation(evaluated) : evaluated;
        verdicts.push({
          request,
          verdict: verdictAt(withCallContext(again, claims), place, statements, view),
        });
      }
    const worst =
      verdicts.find((v) => v.verdict.startsWith("still denied")) ??
      verdicts.find((v) => v.verdict.startsWith("unknown"));
    if (!worst) return "allowed";
    return worst.request
      ? `${worst.verdict} (for ${worst.request.action} on ${worst.request.resource})`
      : worst.verdict;
  } catch (error) {
    // A statement the place cannot hold (a resource policy without Principal) is the fix's fault: say so.
    return `unknown: the fix's statement does not fit the ${place.layer} (${(error as Error).message})`;
  }
}

/** The fix as shown when the model says the change alone will not do: what else blocks comes first. */
export function withVerdict(fix: Fix, verified: string | null): Fix {
  if (!verified?.startsWith("still denied")) return { ...fix, verified };
  const alone = `This change alone does not make the call succeed in the policy model: it is ${verified}; change that too.`;
  return { ...fix, verified, summary: `${alone} ${fix.summary}`, reasoning: [...fix.reasoning, alone] };
}
