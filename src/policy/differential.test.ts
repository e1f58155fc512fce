/**
 * Differential test: deniedby's evaluator against `@cloud-copilot/iam-simulate` (AGPL-3.0, a devDependency used
 * as a test oracle only: this is the one file that imports it) on seeded, generated (policy set, request) cases.
 * Every disagreement must fall under a named exception below, each justified by AWS's documentation.
 */
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { describe, expect, it } from "vitest";
import {
  accountA,
  type GeneratedCase,
  type GeneratedPolicy,
  generateCase,
} from "../../test/support/policy-cases.js";
import { compilePolicy, type PolicyKind } from "./compile.js";
import { evaluateRequest } from "./evaluate.js";
import type { Decision, EvaluationRequest, PolicySet } from "./policy.types.js";
import { derivedContextKeys } from "./request.js";

const caseCount = 10_000;

function requestOf(c: GeneratedCase): EvaluationRequest {
  return {
    principal: { kind: c.principalKind, arn: c.principalArn, account: accountA },
    action: c.action,
    resource: c.resource,
    resourceAccount: c.resourceAccount,
    context: c.context,
  };
}

function compiled(kind: PolicyKind, p: GeneratedPolicy) {
  return compilePolicy({ kind, name: p.name, document: p.document });
}

function policySetOf(c: GeneratedCase): PolicySet {
  const layer = (kind: PolicyKind, ps: GeneratedPolicy[]) => ({
    policies: ps.map((p) => compiled(kind, p)),
    complete: true,
  });
  const org = (kind: PolicyKind, levels: GeneratedCase["scps"]) =>
    levels.map((l) => ({ target: l.target, ...layer(kind, l.policies) }));
  return {
    identity: layer("identity", c.identity),
    scps: org("scp", c.scps),
    rcps: org("rcp", c.rcps),
    ...(c.boundary ? { permissionsBoundary: layer("permissions-boundary", [c.boundary]) } : {}),
    ...(c.session ? { session: layer("session", [c.session]) } : {}),
    ...(c.resourcePolicy
      ? { resource: layer("resource", [{ name: "resource-policy", document: c.resourcePolicy }]) }
      : {}),
  };
}

function simulationOf(c: GeneratedCase): Simulation {
  const named = (p: GeneratedPolicy) => ({ name: p.name, policy: p.document });
  const org = (levels: GeneratedCase["scps"]) =>
    levels.map((l) => ({ orgIdentifier: l.target, policies: l.policies.map(named) }));
  return {
    request: {
      principal: c.principalArn,
      action: c.action,
      resource: { resource: c.resource, accountId: c.resourceAccount },
      contextVariables: { ...derivedContextKeys(requestOf(c)), ...c.context },
    },
    identityPolicies: c.identity.map(named),
    serviceControlPolicies: org(c.scps),
    resourceControlPolicies: org(c.rcps),
    ...(c.boundary ? { permissionBoundaryPolicies: [named(c.boundary)] } : {}),
    ...(c.session ? { sessionPolicy: c.session.document } : {}),
    ...(c.resourcePolicy ? { resourcePolicy: c.resourcePolicy } : {}),
  };
}

const oracleDecisions: Record<string, Decision> = {
  Allowed: "allowed",
  ExplicitlyDenied: "explicitly-denied",
  ImplicitlyDenied: "implicitly-denied",
};

async function oracleDecision(c: GeneratedCase): Promise<Decision | "error"> {
  const answer = await runSimulation(simulationOf(c), {});
  return answer.resultType === "error" ? "error" : (oracleDecisions[answer.overallResult] ?? "unknown");
}

function ourDecision(c: GeneratedCase): Decision {
  return evaluateRequest(requestOf(c), policySetOf(c)).decision;
}

type Json = Record<string, unknown>;

/** The case with every policy document passed through `edit` (documents are plain JSON). */
function editDocuments(
  c: GeneratedCase,
  edit: (doc: Json, side: "identity" | "resource") => Json,
): GeneratedCase {
  const copy = structuredClone(c);
  const each = (p: GeneratedPolicy) => {
    p.document = edit(p.document, "identity");
  };
  copy.identity.forEach(each);
  for (const level of [...copy.scps, ...copy.rcps]) level.policies.forEach(each);
  if (copy.boundary) each(copy.boundary);
  if (copy.session) each(copy.session);
  if (copy.resourcePolicy) copy.resourcePolicy = edit(copy.resourcePolicy, "resource");
  return copy;
}

function statementsOf(doc: Json): Json[] {
  const s = doc.Statement;
  return (Array.isArray(s) ? s : [s]) as Json[];
}

/**
 * A documented disagreement: `edit` rewrites the case so that, under the other evaluator's reading of the rule, it
 * means what the original means under ours (or the oracle's). A disagreement is excused only when evaluating the
 * rewritten case on the named side gives exactly the other side's answer to the original: the exception then
 * explains it entirely.
 */
interface Exception {
  name: string;
  /** Which evaluator reads the rewritten case. */
  rerun: "ours" | "oracle";
  edit(c: GeneratedCase): GeneratedCase;
}

const exceptions: Exception[] = [
  {
    // AWS "NotPrincipal": the account is checked first, then the role, then the session, so a Deny with
    // NotPrincipal spares a caller only when all three are listed, and it always denies a caller with a
    // permissions boundary. The oracle spares a caller whose own ARN or account is listed. Rewrite: drop those.
    name: "notprincipal-checks-the-account-first",
    rerun: "ours",
    edit: (c) =>
      editDocuments(c, (doc, side) =>
        side !== "resource"
          ? doc
          : {
              ...doc,
              Statement: statementsOf(doc).filter((st) => !namesCaller(st.NotPrincipal, c)),
            },
      ),
  },
  {
    // AWS "Policy variables": in a policy without Version 2012-10-17, `${…}` is literal text. The oracle
    // substitutes variables in 2008-10-17 policies too. Rewrite: give every policy Version 2012-10-17.
    name: "old-version-policies-take-no-variables",
    rerun: "ours",
    edit: (c) => editDocuments(c, (doc) => ({ ...doc, Version: "2012-10-17" })),
  },
  {
    // AWS "Condition operators: IP address": a bare address is the /32 block. The oracle fails both IpAddress and
    // NotIpAddress when a bare IPv4 policy value meets an IPv6 request. Rewrite: spell bare addresses as /32.
    name: "bare-ipv4-is-a-32-block",
    rerun: "oracle",
    edit: (c) =>
      editDocuments(c, (doc) => JSON.parse(JSON.stringify(doc).replaceAll('"10.1.2.3"', '"10.1.2.3/32"'))),
  },
  {
    // AWS "Session policies": a resource policy naming the session ARN grants after the session is created and is
    // not limited by the session policy. The oracle limits it. Rewrite: name `*` instead (limited by the session
    // policy, not by the boundary, in both evaluators).
    name: "session-arn-grant-escapes-session-policy",
    rerun: "ours",
    edit: (c) =>
      c.session === undefined
        ? c
        : editDocuments(c, (doc, side) =>
            side === "resource"
              ? JSON.parse(JSON.stringify(doc).replaceAll(`"${c.principalArn}"`, '"*"'))
              : doc,
          ),
  },
];

async function excusedBy(c: GeneratedCase, ours: Decision, oracle: Decision): Promise<string | undefined> {
  for (const e of exceptions) {
    const edited = e.edit(c);
    const again = e.rerun === "ours" ? ourDecision(edited) : await oracleDecision(edited);
    if (again === (e.rerun === "ours" ? oracle : ours)) return e.name;
  }
  return undefined;
}

function namesCaller(element: unknown, c: GeneratedCase): boolean {
  const text = JSON.stringify(element ?? "");
  return text.includes(c.principalArn) || text.includes(accountA);
}

interface Disagreement {
  seed: number;
  ours: Decision;
  oracle: Decision;
}

describe("the evaluator agrees with the iam-simulate oracle", () => {
  it(`on ${caseCount} generated cases, outside the documented exceptions`, async () => {
    const disagreements: Disagreement[] = [];
    const excused: Record<string, number> = {};
    const decisions: Record<string, number> = {};
    let compared = 0;
    let oracleErrors = 0;
    for (let seed = 1; compared < caseCount; seed++) {
      const c = generateCase(seed);
      const oracle = await oracleDecision(c);
      if (oracle === "error") {
        oracleErrors++;
        continue;
      }
      compared++;
      const ours = ourDecision(c);
      decisions[oracle] = (decisions[oracle] ?? 0) + 1;
      if (ours === oracle) continue;
      const name = await excusedBy(c, ours, oracle);
      if (name) excused[name] = (excused[name] ?? 0) + 1;
      else disagreements.push({ seed, ours, oracle });
    }
    const agreed = compared - disagreements.length - sum(excused);
    console.log(JSON.stringify({ compared, agreed, excused, oracleErrors, oracleDecisions: decisions }));
    // The generated space must exercise every outcome, not only denials.
    for (const d of ["allowed", "explicitly-denied", "implicitly-denied"])
      expect(decisions[d] ?? 0).toBeGreaterThan(1000);
    expect(oracleErrors).toBe(0);
    expect(disagreements).toEqual([]);
  }, 300_000);
});

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}
