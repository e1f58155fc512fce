/**
 * The grammar of access-denied error messages. Pure: a string in, the parts AWS put into it out.
 *
 * The enhanced form (IAM user guide, "Troubleshoot access denied error messages"):
 *   User: <arn> is not authorized to perform: <action> [on resource: <resource>]
 *     because no <type> policy allows the <action> action
 *   | with an explicit deny in a <type> policy [transitively through a <type> policy] [: <policy-arn>]
 * wrapped by EC2 ("You are not authorized to perform this operation. … Encoded authorization failure message: …"),
 * by SDKs ("An error occurred (X) when calling the Op operation: …", Go's "operation error Svc: Op, … api error X: …")
 * and by ECS stop reasons, and cut by CloudTrail at 1,024 characters. Older and service-specific forms carry less.
 */

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
  "not-authorized-access-this-resource": "User: <arn> is not authorized to access this resource",
  "principal-not-allowed": "Principal [<arn>] is not allowed to execute [<action>] on the resource",
  "access-to-resource-denied": "Access to the resource <arn> is denied.",
  "not-authorized-access-resource": "Not authorized to access resource <arn>",
  "no-access-requested-resource": "No access to any requested resource",
  "cross-account-pass-role": "Cross-account pass role is not allowed.",
  "ec2-encoded-only":
    "You are not authorized to perform this operation. [Encoded authorization failure message: …]",
  "s3-access-denied": "Access Denied (S3 and other REST services, no detail)",
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
  /** The API operation named by an SDK wrapper ("when calling the GetObject operation"). */
  wrappedOperation?: string;
  /** The denial is of a dependency (KMS behind another service), not of the called API itself. */
  dependency: boolean;
  /** The message stops mid-grammar (CloudTrail cuts error messages at 1,024 characters). */
  truncated: boolean;
  form: MessageForm;
}

/** CloudTrail cuts errorMessage at this many characters. */
export const MESSAGE_LIMIT = 1024;

const TYPE_PHRASES: [string, DeniedBy][] = [
  ["identity-based policy", "identity"],
  ["identity-based", "identity"],
  ["resource-based policy", "resource"],
  ["resource-based", "resource"],
  ["permissions boundary policy", "permissions-boundary"],
  ["permissions boundary", "permissions-boundary"],
  ["sessions policy", "session"],
  ["session policy", "session"],
  ["vpc endpoint policy", "vpc-endpoint"],
  ["vpc endpoint", "vpc-endpoint"],
  ["service control policy", "scp"],
  ["resource control policy", "rcp"],
  ["role trust policy", "role-trust"],
  ["trust policy", "role-trust"],
];

/** The policy type a phrase names; `partial` when the phrase is a cut-off prefix of one. */
function typeOf(phrase: string): { type: DeniedBy; partial: boolean } {
  const p = phrase.trim().toLowerCase();
  for (const [text, type] of TYPE_PHRASES) if (p.startsWith(text)) return { type, partial: false };
  if (p.length >= 3)
    for (const [text, type] of TYPE_PHRASES) if (text.startsWith(p)) return { type, partial: true };
  return { type: "unknown", partial: p.length > 0 };
}

const ENCODED = /\s*Encoded authorization failure message:\s*(\S*)\s*$/;
const SDK_WRAPPED =
  /An error occurred \(([\w.]+)\) when calling the (\w+) operation(?: \(reached max retries: \d+\))?: /;
const GO_WRAPPED =
  /operation error [\w .-]+: (\w+), (?:https response error [^,]*, RequestID: [^,]*, )?(?:api error [\w.]+: )?/;
const ENHANCED =
  /(?:\bUser: (\S+?)|\bUser) is not authorized to perform:? ([A-Za-z0-9-]+:[A-Za-z0-9*]+)(.*)$/s;
const ARN_TAIL = /:\s*(arn:[^\s]+?)\.?$/;

function stripQuotes(s: string): string {
  // S3 quotes its resource; a message cut at 1,024 characters keeps only the opening quote.
  return s.trim().replace(/^"/, "").replace(/"$/, "");
}

function base(form: MessageForm, truncated: boolean): ParsedDenialMessage {
  return { deniedBy: "unknown", explicitDeny: false, dependency: false, truncated, form };
}

/** Parses the tail after `<action>`: `[on resource: R] [because …|with an explicit deny …]`. */
function parseTail(tail: string, out: ParsedDenialMessage): void {
  let rest = tail.replace(/\s+$/, "");
  const resourceMatch = /^ on (?:the )?resource:? /.exec(rest);
  if (/^ on the specified resource/.test(rest)) rest = rest.replace(/^ on the specified resource/, "");
  else if (resourceMatch) {
    rest = rest.slice(resourceMatch[0].length);
    const cut = rest.search(/ because | with an explicit deny\b/);
    const res = (cut === -1 ? rest : rest.slice(0, cut)).replace(/\.$/, "");
    if (res) out.resource = stripQuotes(res);
    rest = cut === -1 ? "" : rest.slice(cut);
  }
  rest = rest.trim();
  if (!rest) {
    out.form = out.principalArn === undefined ? "enhanced-no-principal" : "enhanced-no-reason";
    return;
  }
  out.form = out.principalArn === undefined ? "enhanced-no-principal" : "enhanced";
  const arn = ARN_TAIL.exec(rest);
  if (arn?.[1]) {
    out.policyArn = arn[1];
    rest = rest.slice(0, arn.index);
  }
  rest = rest.replace(/\.$/, "");
  const implicit = /^because no (.*?)(?: allows(?: the \S+ action)?)?$/s.exec(rest);
  if (implicit) {
    const t = typeOf(implicit[1] ?? "");
    out.deniedBy = t.type;
    // Older SCP messages say "explicit deny" even for a missing allow; the reverse does not happen.
    out.explicitDeny = false;
    if (t.partial || !/ allows\b/.test(rest)) out.truncated = true;
    return;
  }
  if (/^because the role trust policy allows/.test(rest)) {
    // The documented example drops the "no": a trust policy that does not allow the principal.
    out.deniedBy = "role-trust";
    return;
  }
  const explicit =
    /^with an explicit deny(?: in (?:a |an |the )?(.*?))?(?: transitively through (?:a |an |the )?(.*))?$/s.exec(
      rest,
    );
  if (explicit) {
    out.explicitDeny = true;
    if (explicit[1] !== undefined) {
      const t = typeOf(explicit[1]);
      out.deniedBy = t.type;
      if (t.partial) out.truncated = true;
    }
    if (explicit[2] !== undefined) {
      const via = typeOf(explicit[2]).type;
      if (via !== "unknown") out.transitiveThrough = via;
    }
    return;
  }
  // "because no identity-based policy all" and the like: cut mid-clause.
  if (/^(b(e(c(a(u(se?)?)?)?)?)?|because\b.*|w(i(th?)?)?|with\b.*)$/s.test(rest)) out.truncated = true;
}

/** Adds what the envelope (EC2 blob, SDK wrapper, CloudTrail's cut) said to a parsed message. */
interface Envelope {
  encodedMessage: string | undefined;
  wrappedOperation: string | undefined;
  truncated: boolean;
}

function withEnvelope(env: Envelope, out: ParsedDenialMessage): ParsedDenialMessage {
  if (env.encodedMessage !== undefined) out.encodedMessage = env.encodedMessage;
  if (env.wrappedOperation !== undefined) out.wrappedOperation = env.wrappedOperation;
  if (env.truncated) out.truncated = true;
  return out;
}

/**
 * Parses an access-denied message in any known form. Never throws; unknown text gives `form: 'unrecognised'`.
 * `errorCode` helps with code-only forms (VpceAccessDenied, bare AccessDenied).
 */
export function parseAccessDenied(
  message: string | null | undefined,
  errorCode?: string | null,
): ParsedDenialMessage {
  const raw = (message ?? "").trim();
  const truncated = raw.length >= MESSAGE_LIMIT;
  if (!raw || raw === "None" || raw === "null") {
    const out = base(errorCode === "VpceAccessDenied" ? "vpce-access-denied" : "empty", false);
    if (errorCode === "VpceAccessDenied") out.deniedBy = "vpc-endpoint";
    return out;
  }
  let text = raw;
  let encodedMessage: string | undefined;
  const enc = ENCODED.exec(text);
  if (enc) {
    if (enc[1]) encodedMessage = enc[1];
    text = text.slice(0, enc.index);
  }
  let wrappedOperation: string | undefined;
  const sdk = SDK_WRAPPED.exec(text) ?? GO_WRAPPED.exec(text);
  if (sdk) {
    wrappedOperation = sdk[0].startsWith("An error") ? sdk[2] : sdk[1];
    text = text.slice(sdk.index + sdk[0].length);
  }
  // A plain function rather than a closure per call: this runs once per denial.
  const env: Envelope = { encodedMessage, wrappedOperation, truncated };

  const enhanced = ENHANCED.exec(text);
  if (enhanced) {
    const out = base("enhanced", truncated);
    if (enhanced[1]) out.principalArn = enhanced[1];
    if (enhanced[2]) out.action = enhanced[2];
    parseTail(enhanced[3] ?? "", out);
    return withEnvelope(env, out);
  }
  const thisResource = /\bUser: (\S+) is not authorized to access this resource/.exec(text);
  if (thisResource) {
    const out = base("not-authorized-access-this-resource", truncated);
    if (thisResource[1]) out.principalArn = thisResource[1];
    return withEnvelope(env, out);
  }
  const principal =
    /Principal \[([^\]]*)\] is not allowed to execute \[([^\]]*)\](?: on the resource(?: \[([^\]]*)\])?)?/.exec(
      text,
    );
  if (principal) {
    const out = base("principal-not-allowed", truncated);
    if (principal[1]) out.principalArn = principal[1];
    if (principal[2]) out.action = principal[2];
    if (principal[3]) out.resource = principal[3];
    return withEnvelope(env, out);
  }
  const accessTo = /Access to the resource (\S+?) is denied/.exec(text);
  if (accessTo) {
    const out = base("access-to-resource-denied", truncated);
    if (accessTo[1]) out.resource = stripQuotes(accessTo[1]);
    return withEnvelope(env, out);
  }
  const notAuthorizedResource = /Not authorized to access resource:? (\S+?)\.?$/m.exec(text);
  if (notAuthorizedResource) {
    const out = base("not-authorized-access-resource", truncated);
    if (notAuthorizedResource[1]) out.resource = stripQuotes(notAuthorizedResource[1]);
    return withEnvelope(env, out);
  }
  if (/No access to any requested resource/i.test(text))
    return withEnvelope(env, base("no-access-requested-resource", truncated));
  if (/Cross-account pass role is not allowed/i.test(text)) {
    const out = base("cross-account-pass-role", truncated);
    out.action = "iam:PassRole";
    return withEnvelope(env, out);
  }
  if (/Access to KMS is not allowed/i.test(text)) {
    const out = base("kms-not-allowed", truncated);
    out.action = "kms:Decrypt";
    out.dependency = true;
    return withEnvelope(env, out);
  }
  if (/ciphertext refers to a customer master key that does not exist.*not allowed to access/is.test(text)) {
    const out = base("kms-ciphertext", truncated);
    out.action = "kms:Decrypt";
    out.dependency = true;
    return withEnvelope(env, out);
  }
  if (errorCode === "VpceAccessDenied" || /denied due to a VPC endpoint policy/i.test(text)) {
    const out = base("vpce-access-denied", truncated);
    out.deniedBy = "vpc-endpoint";
    return withEnvelope(env, out);
  }
  if (/You are not authorized to perform this operation/i.test(text) || encodedMessage !== undefined)
    return withEnvelope(env, base("ec2-encoded-only", truncated));
  if (/IAM user access not activated/i.test(text))
    return withEnvelope(env, base("billing-not-activated", truncated));
  if (/^Access Denied\.?$/i.test(text.trim())) return withEnvelope(env, base("s3-access-denied", truncated));
  return withEnvelope(env, base("unrecognised", truncated));
}

/** The command that turns EC2's encoded blob into the full decision (caller needs sts:DecodeAuthorizationMessage). */
export function decodeCommand(encodedMessage: string): string {
  return `aws sts decode-authorization-message --encoded-message '${encodedMessage}' --query DecodedMessage --output text | jq .`;
}
