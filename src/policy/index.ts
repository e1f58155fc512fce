/** deniedby's local IAM policy evaluator: compile policies once, evaluate requests against them. */
export { loadActionFacts } from "./action-facts.js";
export { type CompiledPolicy, compilePolicy, type PolicyInput, type PolicyKind } from "./compile.js";
export { type ActionFacts, type EvaluateOptions, evaluateRequest } from "./evaluate.js";
export { PolicyError, type PolicyErrorCode, policyErrorCodes } from "./policy.errors.js";
export { PolicyDocument, PolicyStatement, parsePolicyDocument } from "./policy.schema.js";
export type * from "./policy.types.js";
export { derivedContextKeys, resourceModeOf } from "./request.js";
