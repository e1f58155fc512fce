/**
 * Evaluation cases from JSON fixtures (`cases/*.json`), each citing the AWS documentation rule it checks. A case
 * gives the parts of the request that differ from a default (a role session `app` in account 111111111111 reading
 * an S3 object of its own account) and the policy layers; a layer is a list of policies (complete) or
 * `{ "incomplete": [...] }` (some policies never seen).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CompiledPolicy, compilePolicy, type PolicyKind } from "./compile.js";
import { evaluateRequest } from "./evaluate.js";
import type { EvaluationRequest, OrgPolicyLevel, PolicyLayer, PolicySet } from "./policy.types.js";

interface FixturePolicy {
  name: string;
  arn?: string;
  version?: string;
  statements: unknown[];
}
type FixtureLayer = FixturePolicy[] | { incomplete: FixturePolicy[] };
interface FixtureCase {
  name: string;
  doc: string;
  request?: Partial<EvaluationRequest>;
  identity?: FixtureLayer;
  permissionsBoundary?: FixtureLayer;
  session?: FixtureLayer;
  scps?: ({ target: string } & { policies: FixtureLayer })[];
  rcps?: ({ target: string } & { policies: FixtureLayer })[];
  resource?: FixtureLayer;
  expect: {
    decision: string;
    layer?: string;
    sid?: string;
    policyName?: string;
    target?: string;
    missingContextKeys?: string[];
    unknownLayers?: string[];
  };
}

const defaultRequest: EvaluationRequest = {
  principal: {
    kind: "role-session",
    arn: "arn:aws:sts::111111111111:assumed-role/app/session-1",
    account: "111111111111",
  },
  action: "s3:GetObject",
  resource: "arn:aws:s3:::reports/2024/q1.csv",
  resourceAccount: "111111111111",
  context: {},
};

function compileAll(kind: PolicyKind, policies: FixturePolicy[]): CompiledPolicy[] {
  return policies.map((p) =>
    compilePolicy({
      kind,
      name: p.name,
      ...(p.arn ? { arn: p.arn } : {}),
      document: { Version: p.version ?? "2012-10-17", Statement: p.statements },
    }),
  );
}

function layerOf(kind: PolicyKind, layer: FixtureLayer): PolicyLayer {
  return Array.isArray(layer)
    ? { policies: compileAll(kind, layer), complete: true }
    : { policies: compileAll(kind, layer.incomplete), complete: false };
}

function policySetOf(c: FixtureCase): PolicySet {
  const org = (kind: PolicyKind, levels: NonNullable<FixtureCase["scps"]>): OrgPolicyLevel[] =>
    levels.map((l) => ({ target: l.target, ...layerOf(kind, l.policies) }));
  return {
    identity: layerOf("identity", c.identity ?? []),
    ...(c.permissionsBoundary
      ? { permissionsBoundary: layerOf("permissions-boundary", c.permissionsBoundary) }
      : {}),
    ...(c.session ? { session: layerOf("session", c.session) } : {}),
    ...(c.scps ? { scps: org("scp", c.scps) } : {}),
    ...(c.rcps ? { rcps: org("rcp", c.rcps) } : {}),
    ...(c.resource ? { resource: layerOf("resource", c.resource) } : {}),
  };
}

const dir = join(import.meta.dirname, "cases");
const files = readdirSync(dir).filter((f) => f.endsWith(".json"));

describe("policy evaluation cases", () => {
  it("has fixture files", () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });
  for (const file of files) {
    const cases = JSON.parse(readFileSync(join(dir, file), "utf8")) as FixtureCase[];
    describe(file, () => {
      for (const c of cases) {
        it(`${c.name} (${c.doc})`, () => {
          const request = { ...defaultRequest, ...c.request } as EvaluationRequest;
          const result = evaluateRequest(request, policySetOf(c));
          const where = result.decidedBy ?? result.missingAllow;
          expect(result.decision).toBe(c.expect.decision);
          if (c.expect.layer) expect(where?.layer).toBe(c.expect.layer);
          if (c.expect.sid) expect(result.decidedBy?.sid).toBe(c.expect.sid);
          if (c.expect.policyName) expect(result.decidedBy?.policyName).toBe(c.expect.policyName);
          if (c.expect.target) expect(where?.target).toBe(c.expect.target);
          if (c.expect.missingContextKeys)
            expect(result.missingContextKeys).toEqual(c.expect.missingContextKeys);
          if (c.expect.unknownLayers) expect(result.unknownLayers).toEqual(c.expect.unknownLayers);
        });
      }
    });
  }
});
