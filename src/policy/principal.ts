import type { PrincipalElement } from "./policy.schema.js";
import type { RequestPrincipal } from "./policy.types.js";

/**
 * The Principal / NotPrincipal elements (AWS "AWS JSON policy elements: Principal"). How a caller was named
 * matters: within one account, a resource policy naming a role session or an IAM user grants on its own, one
 * naming the role is still limited by the role's permissions boundary and session policy, and one naming the
 * account only delegates to the account's identity policies.
 */

/**
 * How a Principal element matched the caller, weakest first: `account` delegates to the account's identity
 * policies; `role` (the session's role) grants but stays within the role's permissions boundary and session
 * policy; `wildcard` (`*`) escapes the boundary but not the session policy; `direct` names the session or user
 * itself, which AWS exempts from both ("Permissions boundaries for IAM entities", "Session policies").
 */
export type PrincipalMatch = "none" | "account" | "role" | "wildcard" | "direct";

export interface CompiledPrincipal {
  any: boolean;
  accounts: ReadonlySet<string>;
  arns: ReadonlySet<string>;
  /** Service principals, lower-cased (`ecs-tasks.amazonaws.com`). */
  services: ReadonlySet<string>;
  federated: ReadonlySet<string>;
}

const accountRoot = /^arn:aws[\w-]*:iam::(\d{12}):root$/;

const list = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

/** Compiles a Principal element: account ids and `:root` ARNs both name the account. */
export function compilePrincipal(element: PrincipalElement): CompiledPrincipal {
  if (element === "*")
    return { any: true, accounts: new Set(), arns: new Set(), services: new Set(), federated: new Set() };
  const accounts = new Set<string>();
  const arns = new Set<string>();
  let any = false;
  for (const value of list(element.AWS)) {
    const root = accountRoot.exec(value);
    if (value === "*") any = true;
    else if (/^\d{12}$/.test(value)) accounts.add(value);
    else if (root?.[1]) accounts.add(root[1]);
    else arns.add(value);
  }
  return {
    any,
    accounts,
    arns,
    services: new Set(list(element.Service).map((s) => s.toLowerCase())),
    federated: new Set(list(element.Federated)),
  };
}

/** How the element names the caller, the most direct way it does. */
export function matchPrincipal(p: CompiledPrincipal, caller: RequestPrincipal): PrincipalMatch {
  if (p.any) return "wildcard";
  switch (caller.kind) {
    case "anonymous":
      return "none";
    case "service":
      return p.services.has(caller.arn.toLowerCase()) ? "direct" : "none";
    default:
      if (p.arns.has(caller.arn) || p.federated.has(caller.arn)) return "direct";
      if (caller.kind === "role-session" && caller.roleArn !== undefined && p.arns.has(caller.roleArn))
        return "role";
      return caller.account !== undefined && p.accounts.has(caller.account) ? "account" : "none";
  }
}

/**
 * NotPrincipal: the statement applies unless every identity IAM checks for the caller is listed. AWS ("AWS JSON
 * policy elements: NotPrincipal"): the account is checked first, then the role, then the session, so the list must
 * name the caller's account too; and a Deny with NotPrincipal always denies a caller with a permissions boundary.
 */
export function notPrincipalApplies(
  p: CompiledPrincipal,
  caller: RequestPrincipal,
  hasBoundary: boolean,
): boolean {
  // "whatever values the NotPrincipal element names", `*` included.
  if (hasBoundary) return true;
  if (p.any) return false;
  if (caller.kind === "anonymous") return true;
  const listed = (id: string) =>
    p.arns.has(id) || p.accounts.has(id) || p.services.has(id.toLowerCase()) || p.federated.has(id);
  return callerIdentities(caller).some((id) => !listed(id));
}

function callerIdentities(caller: RequestPrincipal): string[] {
  const ids: string[] = [];
  if (caller.kind === "anonymous") return ids;
  if (caller.kind !== "root") ids.push(caller.arn);
  if (caller.kind === "role-session" && caller.roleArn !== undefined) ids.push(caller.roleArn);
  if (caller.account !== undefined) ids.push(caller.account);
  return ids;
}
