/**
 * Whether a failed call is an authorization failure. Spellings differ by protocol: query/REST-XML services say
 * AccessDenied, JSON services AccessDeniedException, EC2 (Client.)UnauthorizedOperation, SNS AuthorizationError,
 * S3 behind a gateway endpoint VpceAccessDenied; a few services have their own (botocore models: ForbiddenException,
 * AccessForbidden, InsufficientPrivilegesException, …). Expired or invalid credentials, throttling, missing resources
 * and validation errors are not denials: no policy change fixes them.
 */
const DENIAL_CODES: ReadonlySet<string> = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "UnauthorizedOperation",
  "Client.UnauthorizedOperation",
  "AuthorizationError",
  "AuthorizationErrorException",
  "UnauthorizedAccess",
  "UnauthorizedAccessException",
  "UnauthorizedException",
  "UnauthorizedOperationException",
  "Forbidden",
  "ForbiddenException",
  "Client.Forbidden",
  "AccessForbidden",
  "InsufficientPrivilegesException",
  "VpceAccessDenied",
  "KMSAccessDeniedException",
  "KMSAccessDenied",
  "KMSAccessDeniedFault",
  "AccessDeniedFault",
  "OrganizationAccessDeniedException",
  "AccessDeniedForDependencyException",
]);

/** The error codes that always mean an authorization failure (the push rules of infra/ forward these: infra/lib/push-pattern.ts). */
export const denialCodes: readonly string[] = [...DENIAL_CODES];

/**
 * Credential, quota, state and input problems: the caller's key or request is bad, not its permissions. Matched
 * anywhere in the code (CloudTrailInvalidClientTokenIdException, Client.InvalidVpcID.NotFound, …). The
 * Authorization(AlreadyExists|NotFound|Quota…) codes are false friends from EC2 security-group rules.
 */
const NOT_DENIAL =
  /ExpiredToken|InvalidClientTokenId|SignatureDoesNotMatch|IncompleteSignature|InvalidToken|RequestExpired|AuthFailure|MissingAuthenticationToken|Throttl|TooManyRequests|RequestLimitExceeded|NoSuch|NotFound|Validation|InvalidParameter|DryRunOperation|Authorization(AlreadyExists|NotFound|Quota)/i;

/** The enhanced IAM grammar: only an authorization decision reads like this. */
const IAM_GRAMMAR = /\bis not authorized to perform:? [\w-]+:[\w*]+|\bexplicit deny in\b/;

const DENIAL_MESSAGE =
  /\bis not authorized to (perform|access)\b|\bnot authorized to perform\b|Access to KMS is not allowed|explicit deny|denied due to a VPC endpoint policy/i;

/**
 * The rule's parts, in the order `isDenial` applies them. The Athena queries apply the same parts in SQL
 * (src/cloudtrail/query-blocks.ts renders them into queries/*.sql).
 */
export const denialRule = {
  codes: denialCodes,
  /** Cognito's NotAuthorizedException is a failed sign-in; other services reuse the name for IAM denials, which
   * then carry the IAM grammar. */
  signInCode: /^NotAuthorized(Exception)?$/,
  iamGrammar: IAM_GRAMMAR,
  notDenialCode: NOT_DENIAL,
  deniedCode: /AccessDenied|Unauthori[sz]ed|Forbidden/i,
  deniedMessage: DENIAL_MESSAGE,
} as const;

export function isDenial(errorCode: string | undefined, errorMessage: string | undefined): boolean {
  if (!errorCode) return false;
  if (DENIAL_CODES.has(errorCode)) return true;
  const r = denialRule;
  if (r.signInCode.test(errorCode)) return errorMessage !== undefined && r.iamGrammar.test(errorMessage);
  if (r.notDenialCode.test(errorCode)) return false;
  if (r.deniedCode.test(errorCode)) return true;
  return errorMessage !== undefined && r.deniedMessage.test(errorMessage);
}
