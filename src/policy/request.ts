import type { ContextValue, EvaluationRequest, RequestPrincipal } from "./policy.types.js";
import type { PreparedRequest } from "./statement.js";

/**
 * The request prepared for evaluation: context keys looked up case-insensitively (IAM condition key names are
 * case-insensitive) and completed with the keys IAM always sets from the caller and the resource.
 */

/** Which resource-side policy this request meets: key and trust policies must allow before identity can. */
export type ResourceMode = "resource" | "key" | "trust";

/** Actions evaluated against a role's trust policy (AWS "Policy evaluation logic", roles' trust policies). */
const trustActions = new Set([
  "sts:assumerole",
  "sts:assumerolewithsaml",
  "sts:assumerolewithwebidentity",
  "sts:tagsession",
  "sts:setsourceidentity",
  "sts:setcontext",
]);

const keyArn = /^arn:aws[\w-]*:kms:[^:]*:\d{12}:key\//;

export function resourceModeOf(action: string, resource: string): ResourceMode {
  const lower = action.toLowerCase();
  if (lower.startsWith("kms:") && keyArn.test(resource)) return "key";
  return trustActions.has(lower) ? "trust" : "resource";
}

const sessionArn = /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([^/]+)\//;

/** The role ARN of a session (without path, which a session ARN does not carry) when the caller gave none. */
export function roleArnOf(principal: RequestPrincipal): string | undefined {
  if (principal.roleArn !== undefined) return principal.roleArn;
  const m = sessionArn.exec(principal.arn);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : undefined;
}

/** The IAM identity whose policies decide for the caller: a session's role, or the user; undefined for others. */
export function identityArnOf(principal: RequestPrincipal): string | undefined {
  if (principal.kind === "role-session") return roleArnOf(principal);
  return principal.kind === "user" ? principal.arn : undefined;
}

const principalTypes: Partial<Record<RequestPrincipal["kind"], string>> = {
  "role-session": "AssumedRole",
  user: "User",
  root: "Account",
  "federated-user": "FederatedUser",
};

/**
 * The global keys IAM sets on every request from what the request already says (AWS "AWS global condition
 * context keys"): aws:PrincipalArn (the role, for a role session), aws:PrincipalAccount, aws:PrincipalType,
 * aws:username for IAM users, aws:PrincipalServiceName for services, aws:ResourceAccount.
 */
export function derivedContextKeys(request: EvaluationRequest): Record<string, string> {
  const p = request.principal;
  const keys: Record<string, string> = {};
  const principalArn = p.kind === "role-session" ? roleArnOf(p) : p.kind === "service" ? undefined : p.arn;
  if (principalArn !== undefined && p.kind !== "anonymous") keys["aws:PrincipalArn"] = principalArn;
  if (p.account !== undefined) keys["aws:PrincipalAccount"] = p.account;
  const type = principalTypes[p.kind];
  if (type !== undefined) keys["aws:PrincipalType"] = type;
  if (p.kind === "user") keys["aws:username"] = p.arn.slice(p.arn.lastIndexOf("/") + 1);
  if (p.kind === "service") keys["aws:PrincipalServiceName"] = p.arn;
  if (request.resourceAccount !== undefined) keys["aws:ResourceAccount"] = request.resourceAccount;
  return keys;
}

function asList(value: ContextValue): readonly string[] {
  return typeof value === "string" ? [value] : value;
}

/** Prepares the request; the caller's context keys win over derived ones. */
export function prepareRequest(
  request: EvaluationRequest,
  resource: string,
  hasBoundary: boolean,
): PreparedRequest {
  const values = new Map<string, readonly string[]>();
  for (const [k, v] of Object.entries(derivedContextKeys(request))) values.set(k.toLowerCase(), [v]);
  for (const [k, v] of Object.entries(request.context)) values.set(k.toLowerCase(), asList(v));
  const roleArn = roleArnOf(request.principal);
  const principal = roleArn === undefined ? request.principal : { ...request.principal, roleArn };
  return {
    principal,
    lowerAction: request.action.toLowerCase(),
    resource,
    lookup: (key) => values.get(key.toLowerCase()),
    absent: new Set(),
    hasBoundary,
  };
}
