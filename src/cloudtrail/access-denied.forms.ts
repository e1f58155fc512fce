import type { Envelope } from "./access-denied.envelope.js";
import type { DeniedBy, MessageForm, ParsedDenialMessage } from "./access-denied.js";
import type { Scan } from "./access-denied.scan.js";
import { ecrRepositoryArn, eventSourceOfHost, sqsQueueArn } from "./access-denied.services.js";

/**
 * The message forms, each found by a fixed anchor (indexOf) and read with bounded steps from there. Tried in order;
 * the first that recognises the text wins. docs/messages.md shows an example of each.
 */

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

/** The policy type a phrase starts with; `partial` when the text ends inside one (a cut message). */
function typeAt(scan: Scan, at: number): { type: DeniedBy; partial: boolean; end: number } {
  const head = scan.lower.slice(at, at + 40);
  scan.meter.steps += head.length;
  for (const [text, type] of TYPE_PHRASES)
    if (head.startsWith(text)) return { type, partial: false, end: at + text.length };
  const rest = head.trimEnd();
  if (at + 40 >= scan.length && rest.length >= 3)
    for (const [text, type] of TYPE_PHRASES)
      if (text.startsWith(rest)) return { type, partial: true, end: scan.length };
  return { type: "unknown", partial: rest.length > 0, end: at };
}

function base(form: MessageForm): ParsedDenialMessage {
  return {
    deniedBy: "unknown",
    explicitDeny: false,
    dependency: false,
    truncated: false,
    wrappers: [],
    form,
  };
}

const ACTION = /['`"]?([A-Za-z0-9-]{1,40}):([A-Za-z0-9*]{1,128})['`"]?/y;
/** Words that make a resource of two tokens ("role FooBar", "access key AKIA…"). */
const NAMED_RESOURCE = /^(role|user|group|policy)$/;

/** `because …` and `with an explicit deny …`: the policy type, explicit or not, the policy ARN, a cut clause. */
function readClause(scan: Scan, at: number, out: ParsedDenialMessage): void {
  if (scan.startsAt("because the role trust policy allows", at)) {
    // The documented example drops the "no": a trust policy that does not allow the principal.
    out.deniedBy = "role-trust";
    return;
  }
  if (scan.startsAt("because the resource does not exist in this region", at)) {
    // KMS: the key policy (or a missing key) — the caller's own policies are not what failed.
    out.deniedBy = "resource";
    out.form = "kms-resource-policy";
    return;
  }
  if (scan.startsAt("because no ", at)) {
    const t = typeAt(scan, at + 11);
    out.deniedBy = t.type;
    // Older SCP messages say "explicit deny" even for a missing allow; the reverse does not happen.
    if (t.partial || scan.find(" allow", t.end) === -1) out.truncated = true;
    return;
  }
  if (scan.startsAt("with an explicit deny", at)) {
    out.explicitDeny = true;
    readExplicit(scan, at + 21, out);
    return;
  }
  // "because no identity-based policy all" and the like: cut mid-clause.
  const rest = scan.lower.slice(at, at + 24).trimEnd();
  if (
    at + 24 >= scan.length &&
    rest &&
    ("because".startsWith(rest) || "with an explicit deny".startsWith(rest))
  )
    out.truncated = true;
  if (/^(because|with)\b/.test(rest)) out.truncated = true;
}

function readExplicit(scan: Scan, from: number, out: ParsedDenialMessage): void {
  let at = from;
  const article = scan.match(/ in (?:an |a |the )?/iy, at, 12);
  if (article) {
    const t = typeAt(scan, at + article[0].length);
    out.deniedBy = t.type;
    if (t.partial) out.truncated = true;
    at = t.end;
    const via = scan.match(/ transitively through (?:an |a |the )?/iy, at, 40);
    if (via) {
      const v = typeAt(scan, at + via[0].length);
      if (v.type !== "unknown") out.transitiveThrough = v.type;
      at = v.end;
    }
  }
  if (scan.text[at] === ":") {
    const arn = scan.token(scan.skipSpaces(at + 1));
    if (arn.value.startsWith("arn:")) out.policyArn = arn.value;
  }
}

/** `on resource: R`, `on resource `R'`, `on the specified resource`, `on this resource`: returns where the clause starts. */
function readResource(scan: Scan, from: number, out: ParsedDenialMessage): number {
  let at = scan.skipSpaces(from);
  for (const phrase of NO_RESOURCE_PHRASES)
    if (scan.startsAt(phrase, at)) return scan.skipSpaces(at + phrase.length);
  if (!scan.startsAt("on resource", at)) return at;
  at += 11;
  if (scan.text[at] === ":") at++;
  at = scan.skipSpaces(at);
  if (at >= scan.length || scan.startsAt("because", at) || scan.startsAt("with an explicit", at)) return at;
  if (scan.text[at] === "(") return at;
  const first = scan.token(at);
  let value = first.value;
  let end = first.end;
  if (!first.closed) out.truncated = true;
  if (NAMED_RESOURCE.test(value) || value === "access") {
    const word = value === "access" ? scan.token(scan.skipSpaces(end)) : undefined;
    const name = scan.token(scan.skipSpaces(word?.end ?? end));
    value = word ? `${value} ${word.value} ${name.value}` : `${value} ${name.value}`;
    end = name.end;
  }
  if (value) out.resource = value;
  return scan.skipSpaces(end);
}
const NO_RESOURCE_PHRASES = [
  "on the resource associated with this ciphertext",
  "on the specified resource",
  "on the resource",
  "on this resource",
];

/** The principal written before " is not authorized": `User: arn`, `User `arn'`, `User arn`, `User with accountId: N`. */
function readPrincipal(scan: Scan, anchor: number, out: ParsedDenialMessage): void {
  const from = Math.max(0, anchor - 400);
  const window = scan.lower.slice(from, anchor);
  scan.meter.steps += window.length;
  let best = -1;
  // The last "user" that is a word ("…/airflow-user is not …" and "ScvIntegrationUser is not …" are names) and is
  // followed by what introduces a principal.
  for (
    let at = window.lastIndexOf("user");
    at !== -1 && best === -1;
    at = at === 0 ? -1 : window.lastIndexOf("user", at - 1)
  ) {
    const before = at > 0 ? (window[at - 1] as string) : " ";
    if (!/[\w:/-]/.test(before) && /[:`' ]/.test(window[at + 4] ?? "")) best = from + at;
  }
  if (best === -1) return;
  const raw = scan
    .slice(best + 4, anchor)
    .replace(/^[:\s]+/, "")
    .trim();
  const accountId = /^with accountId: ?(\S+)$/.exec(raw);
  if (accountId?.[1]) {
    out.accountId = accountId[1];
    return;
  }
  const principal = raw.replace(/^['`"]|['`"]$/g, "");
  if (principal && !/\s/.test(principal.replace(/<[^<>]{0,48}>/g, ""))) out.principalArn = principal;
}

/** The role ARN an STS denial concerns when it names no resource ("Error calling AssumeRole for role arn:…"). */
function roleArnIn(scan: Scan): string | undefined {
  const role = scan.find(":role/");
  if (role === -1) return undefined;
  const arn = scan.findBack("arn:", role, role - 120);
  return arn === -1 ? undefined : scan.token(arn).value;
}

/** One "not authorized to perform" anchor: the enhanced grammar and its variants (SES, logs, Athena, STS). */
function readNotAuthorized(scan: Scan, anchor: number): ParsedDenialMessage | undefined {
  const lead = scan.lower.slice(Math.max(0, anchor - 4), anchor);
  const by: "is" | "are" | "bare" = lead.endsWith("is ") ? "is" : lead.endsWith("are ") ? "are" : "bare";
  let at = anchor + "not authorized to perform".length;
  if (scan.startsAt(" this operation", at)) return undefined;
  if (scan.text[at] === ":") at++;
  at = scan.skipSpaces(at);
  const quoted = scan.text[at] === "`" || scan.text[at] === "'";
  const action = scan.match(ACTION, at, 180);
  if (!action) return by === "are" ? undefined : readWithTags(scan, at, anchor);
  const out = base(
    by === "are" ? "athena-not-authorized" : by === "bare" ? "enhanced-no-principal" : "enhanced",
  );
  out.action = `${action[1]}:${action[2]}`;
  if (by === "is") readPrincipal(scan, anchor - 3, out);
  const clause = readResource(scan, at + action[0].length, out);
  if (clause < scan.length) readClause(scan, clause, out);
  if (by === "bare" && out.action.startsWith("sts:")) {
    out.form = "sts-not-authorized";
    // A web-identity or SAML caller has no policies of its own: only the role's trust policy decides.
    if (/WithWebIdentity|WithSAML/.test(out.action)) out.deniedBy = "role-trust";
    const role = out.resource === undefined ? roleArnIn(scan) : undefined;
    if (role) out.resource = role;
  } else if (by === "is") {
    if (quoted) out.form = "ses-quoted";
    else if (out.principalArn === undefined) out.form = "enhanced-no-principal";
    else if (out.deniedBy === "unknown" && !out.explicitDeny && out.form === "enhanced")
      out.form = "enhanced-no-reason";
  }
  return out;
}

/** CloudWatch Logs: "User with accountId: N is not authorized to perform CreateLogGroup with Tags" (needs logs:TagResource). */
function readWithTags(scan: Scan, at: number, anchor: number): ParsedDenialMessage | undefined {
  const m = scan.match(/(\w{1,80}) with Tags/y, at, 120);
  if (!m) return undefined;
  const out = base("logs-create-with-tags");
  readPrincipal(scan, anchor - 3, out);
  const extra = scan.find('additional permission "', at);
  const named = extra === -1 ? null : scan.match(ACTION, extra + 23, 180);
  out.action = named ? `${named[1]}:${named[2]}` : "logs:TagResource";
  return out;
}

function notAuthorized(scan: Scan): ParsedDenialMessage | undefined {
  let from = 0;
  for (let n = 0; n < 16; n++) {
    const at = scan.find("not authorized to perform", from);
    if (at === -1) return undefined;
    const out = readNotAuthorized(scan, at);
    if (out) return out;
    from = at + 1;
  }
  return undefined;
}

function accessThisResource(scan: Scan): ParsedDenialMessage | undefined {
  const at = scan.find("is not authorized to access this resource");
  if (at === -1) return undefined;
  const out = base("not-authorized-access-this-resource");
  readPrincipal(scan, at, out);
  return out;
}

function principalNotAllowed(scan: Scan): ParsedDenialMessage | undefined {
  const at = scan.find("principal [");
  if (at === -1) return undefined;
  const m = scan.match(
    /Principal \[([^\]]{0,300})\] is not allowed to execute \[([^\]]{0,200})\](?: on the resource(?: \[([^\]]{0,300})\])?)?/iy,
    at,
    1000,
  );
  if (!m) return undefined;
  const out = base("principal-not-allowed");
  if (m[1]) out.principalArn = m[1];
  if (m[2]) out.action = m[2];
  if (m[3]) out.resource = m[3];
  return out;
}

/** A service that cannot assume a role: the role's trust policy does not name the service. */
function serviceAssumeRole(scan: Scan): ParsedDenialMessage | undefined {
  const ecs = scan.find("ecs was unable to assume the ");
  if (ecs !== -1) {
    const m = scan.match(
      /ECS was unable to assume the (configured ECS Infrastructure Role|role) /iy,
      ecs,
      80,
    );
    if (m?.[1]) {
      const out = trustFailure(
        "ecs-assume-role",
        /infrastructure/i.test(m[1]) ? "ecs.amazonaws.com" : "ecs-tasks.amazonaws.com",
      );
      const role = scan.token(ecs + m[0].length).value;
      if (role && role !== "that") out.resource = role;
      return out;
    }
  }
  if (scan.find("unable to assume role and validate the listeners") !== -1)
    return trustFailure("ecs-assume-role", "ecs.amazonaws.com");
  if (scan.find("the role defined for the function cannot be assumed by lambda") !== -1)
    return trustFailure("lambda-assume-role", "lambda.amazonaws.com");
  return undefined;
}

function trustFailure(form: MessageForm, trustedService: string): ParsedDenialMessage {
  const out = base(form);
  out.action = "sts:AssumeRole";
  out.deniedBy = "role-trust";
  out.trustedService = trustedService;
  return out;
}

/** "Access to the resource <R> is denied." — SQS names its queue by URL: the resource is the queue's ARN, never the URL. */
function accessToResource(scan: Scan, env: Envelope): ParsedDenialMessage | undefined {
  const at = scan.find("access to the resource ");
  if (at === -1) return undefined;
  const t = scan.token(at + 23);
  if (!scan.startsAt(" is denied", t.end)) return undefined;
  const out = base("access-to-resource-denied");
  if (/^https?:\/\//.test(t.value)) {
    const arn = sqsQueueArn(t.value);
    if (arn) out.resource = arn;
    const host = /^https?:\/\/([^/]+)/.exec(t.value)?.[1];
    if (host) env.eventSource ??= eventSourceOfHost(host);
  } else if (t.value) out.resource = t.value;
  return out;
}

function notAuthorizedResource(scan: Scan): ParsedDenialMessage | undefined {
  const at = scan.find("not authorized to access resource");
  if (at === -1) return undefined;
  let from = at + "not authorized to access resource".length;
  if (scan.text[from] === ":") from++;
  const out = base("not-authorized-access-resource");
  const t = scan.token(scan.skipSpaces(from));
  if (t.value) out.resource = t.value;
  return out;
}

/** Forms told by one fixed sentence, with what each one implies. */
const FIXED_FORMS: { phrase: string; form: MessageForm; action?: string; dependency?: boolean }[] = [
  { phrase: "no access to any requested resource", form: "no-access-requested-resource" },
  {
    phrase: "cross-account pass role is not allowed",
    form: "cross-account-pass-role",
    action: "iam:PassRole",
  },
  {
    phrase: "caller does not have permissions to create a service linked role",
    form: "cannot-create-service-linked-role",
    action: "iam:CreateServiceLinkedRole",
  },
  {
    phrase: "access to kms is not allowed",
    form: "kms-not-allowed",
    action: "kms:Decrypt",
    dependency: true,
  },
];

function fixedForm(scan: Scan): ParsedDenialMessage | undefined {
  for (const f of FIXED_FORMS) {
    if (scan.find(f.phrase) === -1) continue;
    const out = base(f.form);
    if (f.action) out.action = f.action;
    if (f.dependency) out.dependency = true;
    return out;
  }
  const kms = scan.find("ciphertext refers to a customer master key that does not exist");
  if (kms !== -1 && scan.find("not allowed to access", kms) !== -1) {
    const out = base("kms-ciphertext");
    out.action = "kms:Decrypt";
    out.dependency = true;
    return out;
  }
  return undefined;
}

/** CannotPullContainerError with the registry's 403: the image's repository, and the pull the role may not make. */
function ecsPullForbidden(scan: Scan): ParsedDenialMessage | undefined {
  if (scan.find("cannotpullcontainererror") === -1 || scan.find("403 forbidden") === -1) return undefined;
  const out = base("ecs-pull-forbidden");
  const ref = scan.find("failed to resolve ref ");
  if (ref === -1) return out;
  const image = scan.token(ref + 22).value.replace(/:$/, "");
  if (!image.includes(".dkr.ecr.")) return out;
  out.action = "ecr:BatchGetImage";
  const arn = ecrRepositoryArn(image);
  if (arn) out.resource = arn;
  return out;
}

/** ResourceInitializationError denied before the app starts: which call of the execution role failed. */
const RESOURCE_INIT_CALLS: [string, string][] = [
  ["unable to retrieve secrets from ssm", "ssm:GetParameters"],
  ["unable to retrieve secret from asm", "secretsmanager:GetSecretValue"],
  ["unable to retrieve ecr registry auth", "ecr:GetAuthorizationToken"],
  ["failed to validate logger args", "logs:CreateLogStream"],
];

function ecsResourceInitialization(scan: Scan): ParsedDenialMessage | undefined {
  if (scan.find("resourceinitializationerror") === -1 || scan.find("accessdenied") === -1) return undefined;
  const out = base("ecs-resource-initialization");
  for (const [phrase, action] of RESOURCE_INIT_CALLS)
    if (scan.find(phrase) !== -1) {
      out.action = action;
      break;
    }
  return out;
}

function codeForms(
  scan: Scan,
  env: Envelope,
  errorCode: string | undefined,
): ParsedDenialMessage | undefined {
  if (errorCode === "VpceAccessDenied" || scan.find("denied due to a vpc endpoint policy") !== -1) {
    const out = base("vpce-access-denied");
    out.deniedBy = "vpc-endpoint";
    return out;
  }
  if (
    scan.find("you are not authorized to perform this operation") !== -1 ||
    env.encodedMessage !== undefined
  )
    return base("ec2-encoded-only");
  if (scan.find("iam user access not activated") !== -1) return base("billing-not-activated");
  if (
    scan.findExact("Access Denied") !== -1 ||
    scan.find("error code forbidden") !== -1 ||
    (env.operation !== undefined &&
      /^(Head|Get|Put|List|Delete)/.test(env.operation) &&
      scan.find(": forbidden") !== -1)
  )
    return base("s3-access-denied");
  return undefined;
}

/** The first form that recognises the message; `unrecognised` when none does. */
export function recogniseForm(scan: Scan, env: Envelope, errorCode: string | undefined): ParsedDenialMessage {
  return (
    notAuthorized(scan) ??
    accessThisResource(scan) ??
    principalNotAllowed(scan) ??
    serviceAssumeRole(scan) ??
    accessToResource(scan, env) ??
    notAuthorizedResource(scan) ??
    fixedForm(scan) ??
    ecsPullForbidden(scan) ??
    ecsResourceInitialization(scan) ??
    codeForms(scan, env, errorCode) ??
    base("unrecognised")
  );
}
