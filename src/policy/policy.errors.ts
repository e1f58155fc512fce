import { DomainError } from "../shared/errors.js";

/**
 * Errors of the policy evaluator. Policy documents come from untrusted input (the trail, imports), so a bad one is
 * refused with a stable code and every problem found, never half-read.
 */
export const policyErrorCodes = {
  "policy.invalid_document": "The policy document is not a valid IAM policy",
  "policy.invalid_request": "The request to evaluate is not valid",
} as const;

export type PolicyErrorCode = keyof typeof policyErrorCodes;

export class PolicyError extends DomainError<PolicyErrorCode> {
  /** Each problem found, with its place in the document (`Statement[1].Condition.StringEquals`). */
  readonly issues: readonly string[];

  constructor(code: PolicyErrorCode, issues: readonly string[]) {
    super(code, `${policyErrorCodes[code]}: ${issues.join("; ")}`);
    this.issues = issues;
  }
}
