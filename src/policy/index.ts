/** deniedby's local IAM policy evaluator: compile policies once, evaluate requests against them. */
export { loadActionFacts } from "./action-facts.js";
export { catalogueActionFacts } from "./catalogue-action-facts.js";
export { type CompiledPolicy, compilePolicy, type PolicyInput, type PolicyKind } from "./compile.js";
export {
  type DenialEvaluation,
  type DenialMessageFacts,
  evaluateDenial,
  type PolicyView,
} from "./denial/evaluate-denial.js";
export { evaluateWithStatement, type StatementPlace, withStatements } from "./denial/with-statement.js";
export { type ActionFacts, type EvaluateOptions, evaluateRequest } from "./evaluate.js";
export {
  createDocumentExpander,
  type DocumentGrants,
  expandDocument,
  expandPattern,
  type PatternGrant,
  patternMatches,
} from "./expand-actions.js";
export type * from "./imports/account-snapshot.js";
export { parseAuthorizationDetails } from "./imports/authorization-details.js";
export {
  type ImportErrorCode,
  type ImportProblem,
  importErrorCodes,
  PolicyImportError,
} from "./imports/import.errors.js";
export {
  type OrgAccountSnapshot,
  type OrgPolicySnapshot,
  type OrgSnapshot,
  parseOrgDirectory,
  type ReadOrgFile,
} from "./imports/org-directory.js";
export {
  parseResourcePolicy,
  type ResourcePolicySnapshot,
  resourceTypeOf,
} from "./imports/resource-policy.js";
export {
  type AwsManagedPolicies,
  type AwsManagedPolicy,
  createAwsManagedPolicies,
} from "./managed/aws-managed-policies.js";
export { applyChange, applyChanges } from "./model/apply-change.js";
export {
  applyAccountSnapshot,
  applyOrgSnapshot,
  applyResourcePolicySnapshot,
  markNoOrganization,
} from "./model/apply-import.js";
export {
  type EffectivePolicies,
  type EffectivePoliciesInput,
  type EffectivePolicy,
  type EffectivePolicyKind,
  effectivePoliciesOf,
  type PolicySource,
} from "./model/effective-policies.js";
export { createPolicyCompiler, type PolicyCompiler } from "./model/policy-compiler.js";
export { contentFrom, type PolicyContent } from "./model/policy-content.js";
export type * from "./model/policy-model.js";
export { emptyModel, modelKey } from "./model/policy-model.js";
export { type AssembledPolicySet, type PolicySetInput, policySetFor } from "./model/policy-set-for.js";
export {
  applyHistoryEntry,
  applyImport,
  type PolicyHistoryEntry,
  type PolicyImport,
  type PolicyImportKind,
  replayHistory,
} from "./model/replay.js";
export { PolicyError, type PolicyErrorCode, policyErrorCodes } from "./policy.errors.js";
export { PolicyDocument, PolicyStatement, parsePolicyDocument } from "./policy.schema.js";
export type * from "./policy.types.js";
export { type DenialExtras, type DenialRequest, requestFromDenial } from "./request/request-from-denial.js";
export { derivedContextKeys, resourceModeOf } from "./request.js";
export type * from "./trail/policy-change.js";
export {
  type PolicyChangeEvent,
  policyChangeEventOf,
  policyChangeEvents,
  policyChangesFrom,
} from "./trail/policy-changes.js";
