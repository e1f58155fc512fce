import { compilePolicy } from "../src/policy/compile.js";
import { evaluateRequest } from "../src/policy/evaluate.js";
import type { EvaluationRequest, PolicySet } from "../src/policy/policy.types.js";
import { type GeneratedCase, generateCase } from "../test/support/policy-cases.js";
import { line, median, time } from "./report.js";

/**
 * Evaluating denials against their policy sets: 10,000 seeded (policy set, request) cases, their policies compiled
 * once up front as a store would hold them; only the evaluations are timed. Issue 13 asks for well under 10 s.
 */
const count = 10_000;

function prepared(c: GeneratedCase): { request: EvaluationRequest; policies: PolicySet } {
  const layer = (kind: Parameters<typeof compilePolicy>[0]["kind"], ps: GeneratedCase["identity"]) => ({
    policies: ps.map((p) => compilePolicy({ kind, name: p.name, document: p.document })),
    complete: true,
  });
  const org = (kind: "scp" | "rcp", levels: GeneratedCase["scps"]) =>
    levels.map((l) => ({ target: l.target, ...layer(kind, l.policies) }));
  const policies: PolicySet = {
    identity: layer("identity", c.identity),
    scps: org("scp", c.scps),
    rcps: org("rcp", c.rcps),
    ...(c.boundary ? { permissionsBoundary: layer("permissions-boundary", [c.boundary]) } : {}),
    ...(c.session ? { session: layer("session", [c.session]) } : {}),
    ...(c.resourcePolicy
      ? { resource: layer("resource", [{ name: "resource", document: c.resourcePolicy }]) }
      : {}),
  };
  const request: EvaluationRequest = {
    principal: { kind: c.principalKind, arn: c.principalArn, account: "111111111111" },
    action: c.action,
    resource: c.resource,
    resourceAccount: c.resourceAccount,
    context: c.context,
  };
  return { request, policies };
}

export async function benchPolicy(): Promise<void> {
  const [cases, compileMs] = time(() =>
    Array.from({ length: count }, (_, i) => prepared(generateCase(i + 1))),
  );
  line(`policy: generated and compiled ${count} policy sets in ${compileMs.toFixed(0)} ms`);
  const walls: number[] = [];
  const cpus: number[] = [];
  let denied = 0;
  for (let run = 0; run < 5; run++) {
    const [results, wall, cpu] = time(() => cases.map((c) => evaluateRequest(c.request, c.policies)));
    denied = results.filter((r) => r.decision !== "allowed").length;
    walls.push(wall);
    cpus.push(cpu);
  }
  const wall = median(walls);
  line(
    `policy: evaluated ${count} requests (${denied} denied) in ${wall.toFixed(0)} ms wall, ${median(cpus).toFixed(0)} ms CPU ` +
      `(median of 5): ${Math.round(count / (wall / 1000))} evaluations/s`,
  );
}
