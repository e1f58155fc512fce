import { causeChain } from "../shared/errors.js";
import { awsErrorInfo } from "./aws-retry.js";

/**
 * THE table of what an AWS failure means to someone running deniedby: each kind of failure by the AWS error names
 * (or network errors) that say it, what it means and what to do. The command line and the live sources' status say
 * a failure in one line from it, and docs/sources.md renders it (a test holds the two to the same text).
 */
export const awsFailureKinds = [
  {
    kind: "denied",
    names: ["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError"],
    status: 403,
    means: "AWS denied the call",
    todo: "grant deniedby's role the permission named",
  },
  {
    kind: "expired",
    names: ["ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"],
    status: null,
    means: "the credentials have expired",
    todo: "refresh them (aws sso login, a new session) and run again",
  },
  {
    kind: "invalid credentials",
    names: [
      "InvalidClientTokenId",
      "UnrecognizedClientException",
      "SignatureDoesNotMatch",
      "InvalidAccessKeyId",
    ],
    status: null,
    means: "AWS does not know the credentials",
    todo: "check AWS_PROFILE or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY",
  },
  {
    kind: "no credentials",
    names: ["CredentialsProviderError"],
    status: null,
    means: "no AWS credentials were found",
    todo: "set AWS_PROFILE or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or run with an instance or task role",
  },
  {
    kind: "throttled",
    names: [
      "ThrottlingException",
      "Throttling",
      "TooManyRequestsException",
      "RequestLimitExceeded",
      "SlowDown",
    ],
    status: 429,
    means: "AWS kept throttling after every retry",
    todo: "run again later, or read fewer regions at once",
  },
  {
    kind: "unreachable",
    names: ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "TimeoutError"],
    status: null,
    means: "the endpoint could not be reached",
    todo: "check the network, the region and any AWS_ENDPOINT_URL_* variable",
  },
] as const;

/**
 * The calls each source makes, by the prefix of its error codes, and the IAM permissions deniedby's role needs. A
 * test holds the calls to the SDK commands each source's code sends and the permissions to docs/sources.md's policies.
 */
export const sourcePermissions = {
  lookup_events: { calls: "CloudTrail LookupEvents", permissions: "cloudtrail:LookupEvents" },
  s3: { calls: "S3 ListObjectsV2, GetObject", permissions: "s3:ListBucket, s3:GetObject" },
  // The visibility timeout is set on ReceiveMessage, so no ChangeMessageVisibility; DeleteMessageBatch is authorized
  // as sqs:DeleteMessage.
  sqs: {
    calls: "SQS ReceiveMessage, DeleteMessageBatch",
    permissions: "sqs:ReceiveMessage, sqs:DeleteMessage",
  },
  // Any source reading a member account (DENIEDBY_ACCOUNTS) first assumes its role.
  member_account: {
    calls: "STS AssumeRole",
    permissions:
      "sts:AssumeRole on the member account's role, whose trust policy must name deniedby's role (and the external id set for it)",
  },
  athena: {
    calls: "Athena StartQueryExecution, GetQueryExecution, GetQueryResults, StopQueryExecution",
    permissions:
      "athena:StartQueryExecution, athena:GetQueryExecution, athena:GetQueryResults, athena:StopQueryExecution, glue:GetTable, glue:GetDatabase, s3:GetObject and s3:ListBucket on the trail bucket, s3:GetBucketLocation on both buckets, s3:PutObject on the results bucket",
  },
} as const;

type FailureKind = (typeof awsFailureKinds)[number];

/** The AWS error behind an error a source threw (its `awsCode`, or the SDK error in its cause chain). */
function awsNameOf(error: unknown): { name: string; status: number | null } {
  for (const e of causeChain(error)) {
    const code = (e as { awsCode?: unknown }).awsCode;
    if (typeof code === "string") return { name: code, status: awsErrorInfo(e.cause).status };
    if ("$metadata" in e || (e as { code?: unknown }).code !== undefined) return awsErrorInfo(e);
  }
  return { name: "", status: null };
}

function kindOf(name: string, status: number | null): FailureKind | undefined {
  return (
    awsFailureKinds.find((k) => (k.names as readonly string[]).includes(name)) ??
    awsFailureKinds.find((k) => k.status !== null && k.status === status)
  );
}

type SourcePrefix = keyof typeof sourcePermissions;

/** The prefix of an error's code when it names one of the sources' calls. */
function sourcePrefixOf(error: unknown): SourcePrefix | undefined {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  const prefix = typeof code === "string" ? code.slice(0, code.indexOf(".")) : "";
  return Object.hasOwn(sourcePermissions, prefix) ? (prefix as SourcePrefix) : undefined;
}

/**
 * The call that failed: the deepest error of the cause chain whose code names a source's calls. A LookupEvents
 * request that failed because a member account's AssumeRole did is STS's failure, with STS's permission to grant.
 */
function failedCall(error: unknown): {
  error: unknown;
  source: (typeof sourcePermissions)[SourcePrefix] | undefined;
} {
  const deepest = causeChain(error).findLast((e) => sourcePrefixOf(e) !== undefined);
  const prefix = sourcePrefixOf(deepest);
  return deepest && prefix
    ? { error: deepest, source: sourcePermissions[prefix] }
    : { error, source: undefined };
}

/**
 * A failure of an AWS source in one line: the cause, the call and, for a denial, the permission deniedby's role
 * lacks; null when the error is not one of the table's kinds.
 */
export function describeAwsFailure(error: unknown): string | null {
  const failed = failedCall(error);
  const { name, status } = awsNameOf(failed.error);
  const kind = kindOf(name, status);
  if (kind === undefined) return null;
  const source = failed.source;
  const calls = source ? ` (${source.calls})` : "";
  const lacks = kind.kind === "denied" && source ? `: deniedby's role lacks ${source.permissions}` : "";
  const on = (error as { region?: unknown; target?: unknown }) ?? {};
  const where = typeof on.region === "string" ? on.region : typeof on.target === "string" ? on.target : "";
  return `${where ? `${where}: ` : ""}${kind.means}${calls}: ${name}${lacks}; ${kind.todo}`;
}

/** The table as Markdown, for docs/sources.md. */
export function awsFailureTable(): string {
  const kinds = awsFailureKinds.map(
    (k) => `| ${k.kind} | ${k.names.map((n) => `\`${n}\``).join(", ")} | ${k.means} | ${k.todo} |`,
  );
  const calls = Object.entries(sourcePermissions).map(
    ([prefix, s]) => `| \`${prefix}.*\` | ${s.calls} | ${s.permissions} |`,
  );
  return [
    "| failure | AWS says | means | what to do |",
    "| --- | --- | --- | --- |",
    ...kinds,
    "",
    "| error codes | calls | permissions deniedby's role needs |",
    "| --- | --- | --- |",
    ...calls,
  ].join("\n");
}
