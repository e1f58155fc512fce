/**
 * Whether a failed call is an authorization failure. Spellings differ by protocol: query/REST-XML services say
 * AccessDenied, JSON services AccessDeniedException, EC2 (Client.)UnauthorizedOperation, SNS AuthorizationError,
 * S3 behind a gateway endpoint VpceAccessDenied. Expired or invalid credentials, throttling, missing resources and
 * validation errors are not denials: no policy change fixes them.
 */
const DENIAL_CODES = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "UnauthorizedOperation",
  "Client.UnauthorizedOperation",
  "AuthorizationError",
  "AuthorizationErrorException",
  "UnauthorizedAccess",
  "UnauthorizedAccessException",
  "UnauthorizedException",
  "Forbidden",
  "ForbiddenException",
  "Client.Forbidden",
  "VpceAccessDenied",
  "KMSAccessDeniedException",
  "AccessDeniedFault",
]);

/** Credential problems and the like: the caller's key is bad, not its permissions. */
const NOT_DENIAL =
  /^(Client\.)?(ExpiredToken|InvalidClientTokenId|SignatureDoesNotMatch|IncompleteSignature|InvalidToken|RequestExpired|AuthFailure|MissingAuthenticationToken|NotAuthorizedException|Throttl|NoSuch)/i;

const DENIAL_MESSAGE =
  /\bis not authorized to (perform|access)\b|\bnot authorized to perform\b|Access to KMS is not allowed|explicit deny/i;

export function isDenial(errorCode: string | undefined, errorMessage: string | undefined): boolean {
  if (!errorCode) return false;
  if (DENIAL_CODES.has(errorCode)) return true;
  if (NOT_DENIAL.test(errorCode)) return false;
  if (/AccessDenied/i.test(errorCode)) return true;
  return errorMessage !== undefined && DENIAL_MESSAGE.test(errorMessage);
}
