import { beforeAll, describe, expect, it } from "vitest";
import { memoryDb } from "../../test/support/db.js";
import { ingestPaths, runStages } from "../../test/support/ingest.js";
import { loadScenario, scenarioDir, scenarioLabels } from "../../test/support/scenario.js";
import type { Db } from "../db/client.js";
import { getDenial } from "../db/denials.repository.js";
import { createStore } from "../db/store.js";
import type { Explanation } from "../explain/explanation.schema.js";
import { createExplanations } from "./explanations.js";

/**
 * The bundled scenario (examples/) with its policy evidence and organisation: every denial whose policies the
 * model holds names what decided it, and agrees with what AWS said (issue 13's done-means).
 */

function explainAll(db: Db): Map<string, Explanation> {
  const explanations = createExplanations(createStore(db));
  explanations.sync();
  const out = new Map<string, Explanation>();
  for (const id of Object.keys(scenarioLabels.denials)) {
    const row = getDenial(db, id);
    if (row) out.set(id, explanations.explain(row));
  }
  return out;
}

const byAction = (all: Map<string, Explanation>, action: string) =>
  [...all.values()].filter((e) => e.action === action);

describe("the scenario's denials against its policy model", () => {
  let all: Map<string, Explanation>;
  beforeAll(async () => {
    const db = memoryDb();
    await loadScenario(db);
    all = explainAll(db);
  });

  it("names the deciding statement or the layer without an allow wherever the model can tell, agreeing with AWS", () => {
    expect(all.size).toBe(Object.keys(scenarioLabels.denials).length);
    const certain = [...all.values()].filter((e) => e.evaluation?.decision !== "unknown");
    for (const e of certain) {
      const v = e.evaluation;
      expect(v?.agreement, `${e.eventId} ${e.action}: ${v?.note}`).toMatch(/^(agrees|message-silent)$/);
      if (v?.decision === "explicitly-denied") expect(v.decidedBy?.sid ?? v.decidedBy?.index).toBeDefined();
      else expect(v?.decision, e.eventId).toBe("implicitly-denied");
      if (v?.decision === "implicitly-denied")
        expect(v.missingAllow?.message).toMatch(/^no statement allows it in the /);
    }
    // Every denial whose policies are all known gets a certain answer; three more get one despite an unknown
    // caller (an explicit SCP or RCP deny, and a key policy that names no one of the other account).
    const known = [...all.values()].filter((e) => e.evaluation?.unknowns.length === 0);
    expect(known.every((e) => e.evaluation?.decision !== "unknown")).toBe(true);
    expect({ known: known.length, certain: certain.length }).toEqual({ known: 21, certain: 24 });
  });

  it("shows the SCP's statement and that the role's own policy does not allow the call either", () => {
    const [acl] = byAction(all, "s3:PutObjectAcl");
    expect(acl?.evaluation).toMatchObject({
      decision: "explicitly-denied",
      agreement: "agrees",
      unknowns: [],
      decidedBy: {
        layer: "scp",
        policyName: "deny-public-objects",
        sid: "DenyPublicAcls",
        target: "ou-ab12-workload1",
      },
    });
    expect(acl?.evaluation?.trace).toContain("identity: no-allow");
    // The message stays the truth for what to fix.
    expect(acl?.deniedBy).toBe("scp");
  });

  it("names the bucket policy's deny, the boundary's missing allow and the key policy across accounts", () => {
    const put = byAction(all, "s3:PutObject").find((e) => e.resource?.includes("acme-thumbnails"));
    expect(put?.evaluation?.decidedBy).toMatchObject({
      layer: "resource",
      policyKind: "resource policy",
      sid: "DenyUnencryptedUploads",
    });
    const [boundary] = byAction(all, "dynamodb:DeleteItem");
    expect(boundary?.evaluation?.trace).toContain("permissions-boundary: no-allow");
    const key = byAction(all, "kms:Decrypt").find((e) => e.deniedBy === "resource");
    expect(key?.evaluation).toMatchObject({
      decision: "implicitly-denied",
      missingAllow: { policyKind: "key policy" },
    });
    expect(key?.evaluation?.unknowns).toEqual([
      "identity: arn:aws:iam::444455556666:role/analytics-reader was never imported or seen in the trail",
    ]);
  });

  it("says what it does not know, and defers to the message where it holds no policy", () => {
    const [token] = byAction(all, "ecr:GetAuthorizationToken");
    expect(token?.evaluation).toMatchObject({ decision: "unknown", agreement: "unknown" });
    expect(token?.evaluation?.summary).toBe(
      "unknown: identity: arn:aws:iam::111122223333:role/ecsTaskExecutionRole was never imported or seen in the trail",
    );
    const vpce = [...all.values()].find((e) => e.deniedBy === "vpc-endpoint");
    expect(vpce?.evaluation?.agreement).toBe("not-modelled");
  });
});

describe("the scenario without its organisation import", () => {
  it("finds the role's missing allow but cannot confirm the SCP's deny, saying the organisation was never imported", async () => {
    const db = memoryDb();
    await ingestPaths(db, [`${scenarioDir}/111122223333_CloudTrail_eu-west-1_20261116T0900Z_scenario.json`]);
    await runStages(db);
    const [acl] = byAction(explainAll(db), "s3:PutObjectAcl");
    expect(acl?.evaluation).toMatchObject({
      decision: "implicitly-denied",
      missingAllow: { layer: "identity" },
      agreement: "unknown",
      note: "The model cannot confirm it: it does not know the service control policy completely.",
    });
    expect(acl?.evaluation?.unknowns).toContain(
      "scp: the organisation was never imported (deniedby import org)",
    );
  });
});

describe("fix.verified: each proposed fix applied in the model and the request evaluated again", () => {
  let all: Map<string, Explanation>;
  beforeAll(async () => {
    const db = memoryDb();
    await loadScenario(db);
    all = explainAll(db);
  });

  it("gives every fix with a statement a verdict, and never shows one the model refutes as if it worked", () => {
    const verdicts = [...all.values()].map((e) => e.fix.verified).filter((v) => v !== null);
    expect(verdicts.length).toBeGreaterThan(20);
    for (const v of verdicts) expect(v).toMatch(/^(allowed$|still denied by |unknown: )/);
    for (const e of all.values())
      if (e.fix.verified?.startsWith("still denied"))
        expect(e.fix.summary, e.eventId).toMatch(/^This change alone does not make the call succeed/);
    // A missing identity allow on a role the model knows completely: the proposed grant works.
    const [put] = byAction(all, "dynamodb:PutItem");
    expect(put?.fix.verified).toBe("allowed");
  });

  it("says both changes when an SCP blocks and the role's own policy does not allow it either, and verifies the two", () => {
    const [acl] = byAction(all, "s3:PutObjectAcl");
    expect(acl?.fix.target).toBe("organization-policy");
    // The SCP's change alone: the model finds the role's own policy does not allow it either.
    expect(acl?.fix.summary).toMatch(/^Two changes\. First: An organization policy denied the call\./);
    expect(acl?.fix.summary).toContain(
      "Second change: the caller's own policy does not allow the call either",
    );
    // The second change is the role's grant, in the policy deniedby owns, and with it the call is allowed.
    expect(acl?.fix.policy?.Statement).toEqual([
      {
        Effect: "Allow",
        Action: "s3:PutObjectAcl",
        Resource: "arn:aws:s3:::acme-billing-exports/2026-11.csv",
      },
    ]);
    expect(acl?.fix.commands[0]).toMatch(
      /^aws iam put-role-policy --role-name billing-ecsTaskExecutionRole --policy-name deniedby-billing-ecsTaskExecutionRole /,
    );
    expect(acl?.fix.commands.some((c) => c.startsWith("aws organizations describe-policy"))).toBe(true);
    expect(acl?.fix.verified).toBe("allowed");
  });

  it("proposes no allow against an explicit deny in a bucket policy, and verifies a condition the call implies", () => {
    const put = byAction(all, "s3:PutObject").find((e) => e.resource?.includes("acme-thumbnails"));
    // An allow never overrides the deny (the model found it still denied by Sid DenyUnencryptedUploads): the fix
    // is the Deny statement, shown by the inspect command.
    expect(put?.evaluation?.decidedBy?.sid).toBe("DenyUnencryptedUploads");
    expect(put?.fix.policy).toBeNull();
    expect(put?.fix.verified).toBeNull();
    expect(put?.fix.reasoning.join(" ")).toContain("No allow can override it.");
    expect(put?.fix.commands).toContain("aws s3api get-bucket-policy --bucket acme-thumbnails");
    const pass = byAction(all, "iam:PassRole").filter((e) => e.fix.policy !== null);
    expect(pass.length).toBeGreaterThan(0);
    // iam:PassedToService is not a recorded key, but the call says which service the role is handed to.
    for (const e of pass) {
      expect(e.fix.verified).toBe("allowed");
      expect(e.fix.reasoning.at(-1)).toMatch(/^Verified with iam:PassedToService = \S+, as the call implies/);
    }
  });

  it("evaluates every proposed fix whose policies are known to allowed, each action on each resource", () => {
    const known = [...all.values()].filter(
      (e) => e.evaluation?.unknowns.length === 0 && e.fix.verified !== null,
    );
    expect(known.length).toBeGreaterThanOrEqual(18);
    for (const e of known) expect(e.fix.verified, `${e.eventId} ${e.action}`).toBe("allowed");
    // The complete fixes among them: the snapshot's own resource, ECS Exec's four channels.
    const [snapshot] = byAction(all, "ec2:CreateSnapshot");
    expect(snapshot?.fix.policy?.Statement[0]?.Resource).toContain("arn:aws:ec2:eu-west-1::snapshot/*");
    const [exec] = byAction(all, "ssmmessages:CreateControlChannel");
    expect([exec?.fix.policy?.Statement[0]?.Action].flat()).toHaveLength(4);
  });
});
