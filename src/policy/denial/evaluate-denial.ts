import type { CloudTrailRecord } from "../../cloudtrail/record.js";
import { type ActionFacts, evaluateRequest } from "../evaluate.js";
import type { AwsManagedPolicies } from "../managed/aws-managed-policies.js";
import { orgPath } from "../model/org-layers.js";
import type { PolicyCompiler } from "../model/policy-compiler.js";
import { modelKey, type PolicyModel } from "../model/policy-model.js";
import { policySetFor } from "../model/policy-set-for.js";
import { findEntry, policyHolder } from "../model/resource-layer.js";
import type { EvaluationRequest, EvaluationResult, PolicySet, RequestPrincipal } from "../policy.types.js";
import { type DenialExtras, requestFromDenial, requestPrincipalOf } from "../request/request-from-denial.js";
import { identityArnOf } from "../request.js";

/**
 * One denied call evaluated against the policy model: the request rebuilt from the event, the policy set the model
 * gives for it, and what the evaluator makes of them. Everything the fix checks of issue 13 need is here: evaluate
 * the same request again with a statement added (`evaluateWithStatement`).
 */

/** The model and what evaluating against it needs, built once per model generation by whoever owns the model. */
export interface PolicyView {
  model: PolicyModel;
  /** Compiles each of the model's documents once. */
  compiler: PolicyCompiler;
  /** AWS managed policies not listed by an import. */
  awsManaged?: AwsManagedPolicies;
  /** Wildcard-only actions are evaluated against `*`; their condition keys say which the trail lacks. */
  actionFacts?: ActionFacts;
}

export interface DenialEvaluation {
  request: EvaluationRequest;
  /** Context keys that applied to the call but that neither the trail nor the model supply. */
  unavailableContextKeys: string[];
  /** The policies that decide the request, each layer complete or not. */
  policies: PolicySet;
  /** Why layers are incomplete, each naming its layer (`identity: …`, `scp: …`). */
  unknowns: string[];
  result: EvaluationResult;
}

/** What the denial message says, when it says it: its action and resource win over what the event implies. */
export interface DenialMessageFacts {
  action?: string;
  resource?: string;
}

/** Evaluates a denied (or any) call against the model. Pure: the view carries everything beyond the event. */
export function evaluateDenial(
  record: CloudTrailRecord,
  view: PolicyView,
  message: DenialMessageFacts = {},
): DenialEvaluation {
  const extras: DenialExtras = {
    ...modelExtras(requestPrincipalOf(record), view.model),
    message,
    ...(view.actionFacts ? { actionFacts: view.actionFacts } : {}),
  };
  const built = requestFromDenial(record, extras);
  const request = withResourceAccount(built.request, view.model);
  const resource =
    request.resource === "*"
      ? undefined
      : {
          arn: request.resource,
          action: request.action,
          ...(request.resourceAccount === undefined ? {} : { account: request.resourceAccount }),
        };
  const set = policySetFor(request.principal, {
    model: view.model,
    compiler: view.compiler,
    ...(view.awsManaged ? { awsManaged: view.awsManaged } : {}),
    ...(record.eventTime ? { at: record.eventTime } : {}),
    ...(resource ? { resource } : {}),
  });
  const result = evaluateRequest(
    request,
    set.policies,
    view.actionFacts ? { actionFacts: view.actionFacts } : {},
  );
  return {
    request,
    unavailableContextKeys: built.unavailableContextKeys,
    policies: set.policies,
    unknowns: set.unknowns,
    result,
  };
}

/**
 * What the model knows of the caller: its tags when the model holds the whole principal (tags of a principal seen
 * only in part may be missing, and a condition on them must stay unknown), and its organisation and path.
 */
function modelExtras(principal: RequestPrincipal, model: PolicyModel): DenialExtras {
  const arn = identityArnOf(principal);
  const entry = arn === undefined ? undefined : model.principals[modelKey(arn)];
  const extras: DenialExtras = {};
  if (entry?.complete) extras.principalTags = entry.tags;
  const org = model.org;
  const account = principal.account;
  if (org.state === "known" && org.organizationId && account !== undefined) {
    const path = orgPath(model, account);
    if (path)
      extras.principalOrg = {
        id: org.organizationId,
        paths: [`${[org.organizationId, ...path.slice(0, -1)].join("/")}/`],
      };
  }
  return extras;
}

/** A bucket ARN names no account: the model's entry for the resource may (an import said whose it is). */
function withResourceAccount(request: EvaluationRequest, model: PolicyModel): EvaluationRequest {
  if (request.resourceAccount !== undefined || request.resource === "*") return request;
  const account = findEntry(model, policyHolder(request.resource))?.account;
  return account ? { ...request, resourceAccount: account } : request;
}
