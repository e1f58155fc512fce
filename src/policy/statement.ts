import { actionMatches, type CompiledPolicy, type CompiledStatement, resourceMatch } from "./compile.js";
import { conditionsHold } from "./conditions.js";
import type { RequestPrincipal } from "./policy.types.js";
import { matchPrincipal, notPrincipalApplies, type PrincipalMatch } from "./principal.js";
import type { ContextLookup } from "./variables.js";

/**
 * Whether one statement applies to a request: its action, principal, resource and every condition match (AWS
 * "Policy evaluation logic": a statement applies only when all of its elements match).
 */

/** The request as statements see it, prepared once per evaluation. */
export interface PreparedRequest {
  principal: RequestPrincipal;
  lowerAction: string;
  resource: string;
  lookup: ContextLookup;
  /** Context keys consulted by an otherwise matching statement but absent from the request. */
  absent: Set<string>;
  /** Whether the caller has a permissions boundary (a NotPrincipal deny then always applies). */
  hasBoundary: boolean;
}

/** How a statement matched: `none` when it does not apply. Identity-side statements match as `direct`. */
export function statementMatch(s: CompiledStatement, req: PreparedRequest): PrincipalMatch {
  if (actionMatches(s.actions, req.lowerAction) === s.notAction) return "none";
  const principal = principalOf(s, req);
  if (principal === "none") return "none";
  if (s.resources) {
    const found = resourceMatch(s.resources, req.resource, req.lookup, req.absent);
    if (found === "unresolved" || (found === "match") === s.notResource) return "none";
  }
  return conditionsHold(s.conditions, { lookup: req.lookup, absent: req.absent }) ? principal : "none";
}

function principalOf(s: CompiledStatement, req: PreparedRequest): PrincipalMatch {
  if (!s.principal) return "direct";
  if (s.notPrincipal)
    return notPrincipalApplies(s.principal, req.principal, req.hasBoundary) ? "direct" : "none";
  return matchPrincipal(s.principal, req.principal);
}

export interface StatementHit {
  policy: CompiledPolicy;
  statement: CompiledStatement;
  principal: PrincipalMatch;
}

/** The first explicit deny and every allow among a layer's policies. */
export interface LayerScan {
  deny?: StatementHit;
  allows: StatementHit[];
}

const rank: Record<PrincipalMatch, number> = { none: 0, account: 1, role: 2, wildcard: 3, direct: 4 };

/** Scans every statement of the policies. */
export function scanPolicies(policies: readonly CompiledPolicy[], req: PreparedRequest): LayerScan {
  const scan: LayerScan = { allows: [] };
  for (const policy of policies)
    for (const statement of policy.statements) {
      const principal = statementMatch(statement, req);
      if (principal === "none") continue;
      if (statement.effect === "Deny") scan.deny ??= { policy, statement, principal };
      else scan.allows.push({ policy, statement, principal });
    }
  return scan;
}

/** The allow that names the caller most directly (a session before its role before its account). */
export function strongestAllow(scan: LayerScan): StatementHit | undefined {
  let best: StatementHit | undefined;
  for (const hit of scan.allows) if (!best || rank[hit.principal] > rank[best.principal]) best = hit;
  return best;
}
