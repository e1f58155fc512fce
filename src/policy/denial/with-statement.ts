import { type CompiledPolicy, compilePolicy, type PolicyKind } from "../compile.js";
import { type ActionFacts, evaluateRequest } from "../evaluate.js";
import { PolicyError } from "../policy.errors.js";
import type { PolicyStatement } from "../policy.schema.js";
import type { EvaluationResult, OrgPolicyLevel, PolicyLayer, PolicySet } from "../policy.types.js";
import type { DenialEvaluation } from "./evaluate-denial.js";

/**
 * Where a candidate statement goes (the place a fix changes): the caller's own identity policy (one policy per
 * role, named by the fix), its permissions boundary, the session policy, the resource's policy (a bucket or key
 * policy, a trust policy for sts:AssumeRole), or an SCP or RCP at one level of the organisation (root, OU or
 * account id).
 */
export type StatementPlace =
  | { layer: "identity"; policyName: string }
  | { layer: "permissions-boundary" }
  | { layer: "session" }
  | { layer: "resource" }
  | { layer: "scp" | "rcp"; target: string };

const kinds: Record<StatementPlace["layer"], PolicyKind> = {
  identity: "identity",
  "permissions-boundary": "permissions-boundary",
  session: "session",
  resource: "resource",
  scp: "scp",
  rcp: "rcp",
};

/** The name a candidate takes where the place names none. */
const CANDIDATE = "deniedby candidate";

/**
 * Evaluates the same request again with `statements` added to `place`: to the policy of that name when the layer
 * holds it (so one policy accumulates statements), else as a policy of its own. The layer stays as complete as it
 * was: an allow added to a layer the model knows only in part is still an unknown answer. Throws `PolicyError`
 * (`policy.invalid_document`) when the statements do not fit the place (a resource policy without Principal).
 */
export function evaluateWithStatement(
  evaluation: Pick<DenialEvaluation, "request" | "policies">,
  place: StatementPlace,
  statements: readonly PolicyStatement[],
  options: { actionFacts?: ActionFacts } = {},
): EvaluationResult {
  const policies = withStatements(evaluation.policies, place, statements);
  return evaluateRequest(
    evaluation.request,
    policies,
    options.actionFacts ? { actionFacts: options.actionFacts } : {},
  );
}

/** A copy of the policy set with the statements added at the place; the original is left as it was. */
export function withStatements(
  set: PolicySet,
  place: StatementPlace,
  statements: readonly PolicyStatement[],
): PolicySet {
  const name = place.layer === "identity" ? place.policyName : CANDIDATE;
  const add = (layer: PolicyLayer | undefined): PolicyLayer => ({
    policies: merged(layer?.policies ?? [], kinds[place.layer], name, statements),
    complete: layer?.complete ?? true,
  });
  switch (place.layer) {
    case "identity":
      return { ...set, identity: add(set.identity) };
    case "permissions-boundary":
      return { ...set, permissionsBoundary: add(set.permissionsBoundary) };
    case "session":
      return { ...set, session: add(set.session) };
    case "resource":
      return { ...set, resource: add(set.resource) };
    case "scp":
      return { ...set, scps: atLevel(set.scps, place.target, add) };
    case "rcp":
      return { ...set, rcps: atLevel(set.rcps, place.target, add) };
  }
}

function atLevel(
  levels: readonly OrgPolicyLevel[] | undefined,
  target: string,
  add: (layer: PolicyLayer) => PolicyLayer,
): OrgPolicyLevel[] {
  if (!levels?.some((l) => l.target === target))
    throw new PolicyError("policy.invalid_document", [
      `no organisation level ${target} applies to this request (levels: ${(levels ?? []).map((l) => l.target).join(", ") || "none"})`,
    ]);
  return levels.map((l) => (l.target === target ? { target, ...add(l) } : l));
}

/** The layer's policies with the statements added to the policy called `name`, or as a new policy of that name. */
function merged(
  policies: readonly CompiledPolicy[],
  kind: PolicyKind,
  name: string,
  statements: readonly PolicyStatement[],
): CompiledPolicy[] {
  const existing = policies.find((p) => p.name === name && p.kind === kind);
  const before = existing ? asList(existing.document.Statement) : [];
  const compiled = compilePolicy({
    kind,
    name,
    ...(existing?.arn === undefined ? {} : { arn: existing.arn }),
    document: { Version: existing?.document.Version ?? "2012-10-17", Statement: [...before, ...statements] },
  });
  return existing ? policies.map((p) => (p === existing ? compiled : p)) : [...policies, compiled];
}

const asList = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);
