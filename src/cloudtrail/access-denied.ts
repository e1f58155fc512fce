/**
 * The grammar of access-denied error messages. Pure: a string in, the parts AWS put into it out.
 *
 * The enhanced form (IAM user guide, "Troubleshoot access denied error messages"):
 *   User: <arn> is not authorized to perform: <action> [on resource: <resource>]
 *     because no <type> policy allows the <action> action
 *   | with an explicit deny in a <type> policy [transitively through a <type> policy] [: <policy-arn>]
 * wrapped by EC2 ("You are not authorized to perform this operation. … Encoded authorization failure message: …"),
 * by SDKs, CloudFormation and ECS stop reasons (access-denied.envelope.ts), cut by CloudTrail at 1,024 characters,
 * and the older and service-specific forms that carry less (access-denied.forms.ts; docs/messages.md lists them all).
 *
 * Work is linear in the message: anchors are found with indexOf, small sticky regexes run on bounded slices
 * (access-denied.scan.ts), and input beyond MESSAGE_INPUT_LIMIT characters is not read.
 */
import { type Envelope, type MessageWrapper, readEnvelope } from "./access-denied.envelope.js";
import { recogniseForm } from "./access-denied.forms.js";
import { normaliseMessage, Scan, type StepMeter } from "./access-denied.scan.js";
import { eventSourceOf } from "./access-denied.services.js";
import { iamActionFor } from "./action.js";

export type { MessageWrapper } from "./access-denied.envelope.js";
export { messageWrappers } from "./access-denied.envelope.js";
export type { StepMeter } from "./access-denied.scan.js";

/** Which policy type the message blames. `unknown` when the message does not say. */
export const deniedByTypes = {
  identity: "an identity-based policy of the caller (missing allow or explicit deny)",
  resource: "a resource-based policy (bucket, key, repository, secret, queue, topic policy, …)",
  "permissions-boundary": "the permissions boundary of the caller",
  session: "a session policy passed when the session was created",
  scp: "a service control policy of the AWS Organization",
  rcp: "a resource control policy of the AWS Organization",
  "vpc-endpoint": "the policy of the VPC endpoint the request went through",
  "role-trust": "the trust policy of the role being assumed",
  unknown: "the message does not name the policy type",
} as const;
export type DeniedBy = keyof typeof deniedByTypes;
export const DENIED_BY = Object.keys(deniedByTypes) as DeniedBy[];

/** Which grammar form matched. Stable codes: fixtures and reports match on them. */
export const messageForms = {
  enhanced: "User: <arn> is not authorized to perform: <action> … with the denying policy type",
  "enhanced-no-reason":
    "User: <arn> is not authorized to perform: <action> [on resource: …] with no because-clause",
  "enhanced-no-principal": "User is not authorized to perform: <action> (principal left out)",
  "ses-quoted": "User `<arn>' is not authorized to perform `ses:SendRawEmail' on resource `<arn>' (SES)",
  "athena-not-authorized":
    "You are not authorized to perform: athena:<Action> on the resource. After your AWS administrator …",
  "sts-not-authorized":
    "Not authorized to perform sts:AssumeRole[WithWebIdentity|WithSAML] (STS, no principal)",
  "kms-resource-policy":
    "… kms:<Action> on this resource because the resource does not exist in this Region, no resource-based policies allow access, or a resource-based policy explicitly denies access",
  "logs-create-with-tags":
    "User with accountId: <n> is not authorized to perform CreateLogGroup with Tags (needs logs:TagResource)",
  "not-authorized-access-this-resource": "User: <arn> is not authorized to access this resource",
  "principal-not-allowed": "Principal [<arn>] is not allowed to execute [<action>] on the resource",
  "access-to-resource-denied": "Access to the resource <arn|queue URL> is denied.",
  "not-authorized-access-resource": "Not authorized to access resource <arn>",
  "no-access-requested-resource": "No access to any requested resource",
  "cross-account-pass-role": "Cross-account pass role is not allowed.",
  "cannot-create-service-linked-role": "Caller does not have permissions to create a Service Linked Role",
  "ecs-assume-role":
    "ECS was unable to assume the role '<arn>' that was provided for this task (its trust policy lacks ecs-tasks.amazonaws.com)",
  "lambda-assume-role":
    "The role defined for the function cannot be assumed by Lambda (its trust policy lacks lambda.amazonaws.com)",
  "ecs-pull-forbidden": "CannotPullContainerError … failed to resolve ref <registry>/<repo>: … 403 Forbidden",
  "ecs-resource-initialization":
    "ResourceInitializationError: unable to pull secrets or registry auth … AccessDeniedException",
  "ec2-encoded-only":
    "You are not authorized to perform this operation. [Encoded authorization failure message: …]",
  "s3-access-denied": "Access Denied / Forbidden (S3 and other REST services, no detail)",
  "vpce-access-denied": "The request was denied due to a VPC endpoint policy",
  "kms-not-allowed": "Access to KMS is not allowed (a KMS denial surfacing through another service)",
  "kms-ciphertext": "The ciphertext refers to a customer master key that … you are not allowed to access",
  "billing-not-activated": "IAM user access not activated (Billing and Cost Management console setting)",
  empty: "no error message",
  unrecognised: "a message in no known form",
} as const;
export type MessageForm = keyof typeof messageForms;

export interface ParsedDenialMessage {
  principalArn?: string;
  action?: string;
  resource?: string;
  deniedBy: DeniedBy;
  explicitDeny: boolean;
  policyArn?: string;
  /** For the transitive form: the policy type the denial came through (always `scp` so far). */
  transitiveThrough?: DeniedBy;
  /** EC2's blob, for `aws sts decode-authorization-message --encoded-message <blob>`. */
  encodedMessage?: string;
  /** The API operation named by an SDK wrapper ("when calling the GetObject operation", "S3: GetObject"). */
  wrappedOperation?: string;
  /** The CloudTrail event source of the service the wrapper, an endpoint URL or the caller names. */
  eventSource?: string;
  /**
   * The IAM action the wrapped operation maps to (action.ts), when the message names an operation but no action:
   * boto's "when calling the GetObject operation: Access Denied" → `s3:GetObject`.
   */
  operationAction?: string;
  /** The error code as the message or its wrapper spells it (AccessDenied, AccessDeniedException, 403, …). */
  errorCode?: string;
  /** For a trust-policy failure of a service: the service principal the role's trust policy must name. */
  trustedService?: string;
  /** The account a message names instead of a principal ("User with accountId: 123456789012 …"). */
  accountId?: string;
  /** The wrappers peeled off the message (SDK text, JSON/XML bodies, CloudFormation, ECS stop reasons). */
  wrappers: MessageWrapper[];
  /** The denial is of a dependency (KMS behind another service), not of the called API itself. */
  dependency: boolean;
  /** The message stops mid-grammar (CloudTrail cuts error messages at 1,024 characters), or was longer than we read. */
  truncated: boolean;
  form: MessageForm;
}

/** Options for one parse. */
export interface ParseOptions {
  /** The service the message came from when the caller knows it (`s3`, `S3`, `s3.amazonaws.com`). */
  service?: string;
  /** Counts the scanner's steps (tests prove the parse linear with it). */
  meter?: StepMeter;
}

/** CloudTrail cuts errorMessage at this many characters. */
export const MESSAGE_LIMIT = 1024;
/**
 * The most characters of a message that are read (16 KiB). CloudTrail's messages are at most 1,024 characters;
 * pasted ones carry stack traces and log lines, and the denial sits near their start. Past this bound the message
 * is cut, parsed, and marked `truncated`, so no input can make a parse slow.
 */
export const MESSAGE_INPUT_LIMIT = 16_384;

const S3_ONLY_OPERATIONS = new Set(["HeadObject", "HeadBucket"]);

/** The event source to map a wrapped operation with: named by the wrapper, the caller, the error code or the resource. */
function operationSource(out: ParsedDenialMessage, env: Envelope, options: ParseOptions): string | undefined {
  if (env.eventSource) return env.eventSource;
  if (options.service) return eventSourceOf(options.service);
  if (/UnauthorizedOperation/.test(out.errorCode ?? "")) return "ec2.amazonaws.com";
  if (out.form === "s3-access-denied" || S3_ONLY_OPERATIONS.has(env.operation ?? ""))
    return "s3.amazonaws.com";
  const service = out.resource?.startsWith("arn:") ? out.resource.split(":")[2] : undefined;
  return service ? eventSourceOf(service) : undefined;
}

/** Adds what the envelope said (EC2 blob, SDK wrapper, error code) to a parsed message. */
function withEnvelope(
  env: Envelope,
  out: ParsedDenialMessage,
  errorCode: string | null | undefined,
  options: ParseOptions,
): ParsedDenialMessage {
  out.wrappers = env.wrappers;
  if (env.encodedMessage !== undefined) out.encodedMessage = env.encodedMessage;
  const code = errorCode || env.errorCode;
  if (code) out.errorCode = code;
  if (out.action === undefined && env.apiAction !== undefined) out.action = env.apiAction;
  if (out.resource === undefined && env.s3Object !== undefined) out.resource = env.s3Object;
  // The service matters only to map an operation; a wrapper or caller that names one is kept anyway.
  const source =
    env.operation !== undefined ? operationSource(out, env, options) : (env.eventSource ?? undefined);
  if (source) out.eventSource = source;
  if (env.operation !== undefined) {
    out.wrappedOperation = env.operation;
    if (out.action === undefined && source) {
      const derived = iamActionFor({ eventSource: source, eventName: env.operation });
      if (derived.action && derived.verified) out.operationAction = derived.action;
    }
  }
  return out;
}

/**
 * Parses an access-denied message in any known form. Never throws; unknown text gives `form: 'unrecognised'`.
 * `errorCode` helps with code-only forms (VpceAccessDenied, bare AccessDenied).
 */
export function parseAccessDenied(
  message: string | null | undefined,
  errorCode?: string | null,
  options: ParseOptions = {},
): ParsedDenialMessage {
  const meter = options.meter ?? { steps: 0 };
  const whole = message ?? "";
  const overLimit = whole.length > MESSAGE_INPUT_LIMIT;
  const raw = overLimit ? whole.slice(0, MESSAGE_INPUT_LIMIT) : whole;
  meter.steps += raw.length;
  const text = normaliseMessage(raw, meter);
  if (!text || text === "None" || text === "null") {
    const vpce = errorCode === "VpceAccessDenied";
    return {
      deniedBy: vpce ? "vpc-endpoint" : "unknown",
      explicitDeny: false,
      dependency: false,
      truncated: false,
      wrappers: [],
      form: vpce ? "vpce-access-denied" : "empty",
    };
  }
  const scan = new Scan(text, meter);
  const env = readEnvelope(scan);
  const out = recogniseForm(scan, env, errorCode ?? undefined);
  if (overLimit) out.truncated = true;
  // A CloudTrail message cut at the limit before its because-clause.
  if (raw.trim().length >= MESSAGE_LIMIT && out.form === "enhanced-no-reason") out.truncated = true;
  return withEnvelope(env, out, errorCode, options);
}

/** The action a parsed message stands for: the one it names, else the one its wrapped operation maps to. */
export function messageAction(parsed: ParsedDenialMessage): string | undefined {
  return parsed.action ?? parsed.operationAction;
}

/** The command that turns EC2's encoded blob into the full decision (caller needs sts:DecodeAuthorizationMessage). */
export function decodeCommand(encodedMessage: string): string {
  return `aws sts decode-authorization-message --encoded-message '${encodedMessage}' --query DecodedMessage --output text | jq .`;
}
