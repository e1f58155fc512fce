import { DomainError } from "../../shared/errors.js";

/**
 * Errors and problems of the imports a user runs once (`deniedby import iam|org|resource-policy`). A file that
 * cannot be read at all throws `PolicyImportError`; a bad entry in a good file is reported as an `ImportProblem`
 * and skipped, so the good entries are kept.
 */
export const importErrorCodes = {
  "import.invalid_authorization_details": "An entry of get-account-authorization-details output is not valid",
  "import.invalid_policy_document": "A policy document in the import is not a valid IAM policy",
  "import.invalid_json": "The file is not valid JSON (or ends early)",
  "import.not_authorization_details": "The file is not get-account-authorization-details output",
  "import.truncated_output":
    "The output is one page of several (IsTruncated): run the command without --max-items",
  "import.invalid_org_directory": "A file of the organisation directory is missing or not valid",
  "import.invalid_resource_policy": "The resource policy file or ARN is not valid",
} as const;

export type ImportErrorCode = keyof typeof importErrorCodes;

export interface ImportProblem {
  code: ImportErrorCode;
  /** Where: `RoleDetailList[12] (role-a)`, `policies/p-abc12345.json`, `(file)`. */
  place: string;
  issues: readonly string[];
}

export class PolicyImportError extends DomainError<ImportErrorCode> {
  readonly issues: readonly string[];

  constructor(code: ImportErrorCode, issues: readonly string[]) {
    super(code, `${importErrorCodes[code]}: ${issues.join("; ")}`);
    this.issues = issues;
  }
}

/** A zod issue list as `path: message` lines. */
export function issueLines(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string[] {
  return issues.map((i) => `${i.path.length > 0 ? i.path.map(String).join(".") : "(entry)"}: ${i.message}`);
}
