import { describe, expect, it } from "vitest";
import type { DenialEvaluation, EvaluationResult, StatementRef, TraceEntry } from "../policy/index.js";
import { PolicyEvaluation } from "./explanation.schema.js";
import { describeEvaluation } from "./policy-evaluation.js";

const scpDeny: StatementRef = {
  layer: "scp",
  policyKind: "service control policy",
  policyName: "deny-public-acl",
  policyArn: "arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-deny0public",
  target: "ou-ab12-11111111",
  sid: "NoPublicAcl",
  index: 0,
};

function evaluation(
  result: Partial<EvaluationResult> & Pick<EvaluationResult, "decision">,
  unknowns: string[] = [],
): DenialEvaluation {
  return {
    request: {
      principal: {
        kind: "role-session",
        arn: "arn:aws:sts::111122223333:assumed-role/app/s",
        account: "111122223333",
      },
      action: "s3:PutObjectAcl",
      resource: "*",
      context: {},
    },
    unavailableContextKeys: ["aws:ResourceTag/*"],
    policies: { identity: { policies: [], complete: true } },
    unknowns,
    result: { unknownLayers: [], missingContextKeys: [], trace: [], ...result },
  };
}

const trace = (...entries: [TraceEntry["layer"], TraceEntry["result"]][]): TraceEntry[] =>
  entries.map(([layer, result]) => ({ layer, result }));
const missing = (
  layer: "identity" | "permissions-boundary",
  policyKind: "identity policy" | "permissions boundary",
) => ({
  layer,
  policyKind,
  message: `no statement allows it in the ${policyKind}`,
});

describe("the model's answer next to the message", () => {
  it("names the deciding SCP statement, and agrees with a message naming the SCP", () => {
    const d = describeEvaluation(
      evaluation({
        decision: "explicitly-denied",
        decidedBy: scpDeny,
        trace: [
          { layer: "scp", target: "ou-ab12-11111111", result: "deny", statement: scpDeny },
          ...trace(["identity", "no-allow"]),
        ],
      }),
      "scp",
    );
    expect(d).toMatchObject({
      agreement: "agrees",
      note: null,
      decidedBy: { sid: "NoPublicAcl", target: "ou-ab12-11111111", policyArn: scpDeny.policyArn },
    });
    expect(d.summary).toBe(
      `explicit deny in the service control policy deny-public-acl (${scpDeny.policyArn}) attached to ou-ab12-11111111 (Sid NoPublicAcl)`,
    );
    expect(d.trace).toEqual([
      "scp ou-ab12-11111111: deny (deny-public-acl, Sid NoPublicAcl)",
      "identity: no-allow",
    ]);
    expect(PolicyEvaluation.strict().parse(d)).toEqual(d);
  });

  it("agrees with a message naming the identity policy when an SCP also blocks", () => {
    const e = evaluation({
      decision: "explicitly-denied",
      decidedBy: scpDeny,
      trace: [...trace(["scp", "deny"], ["identity", "no-allow"])],
    });
    expect(describeEvaluation(e, "identity").agreement).toBe("agrees");
  });

  it("says the model is incomplete and the message wins when the message's layer allows in the model", () => {
    const e = evaluation({
      decision: "implicitly-denied",
      missingAllow: missing("identity", "identity policy"),
      trace: trace(["scp", "allow"], ["identity", "no-allow"]),
    });
    expect(describeEvaluation(e, "scp")).toMatchObject({
      agreement: "disagrees",
      note: "The model is incomplete; the message wins: the message says a service control policy denied it; the model finds that the service control policy allows it (no statement allows it in the identity policy).",
    });
    const noBoundary = describeEvaluation(e, "permissions-boundary");
    expect(noBoundary.note).toContain("the model finds no permissions boundary that applies");
  });

  it("says so when the model finds the request allowed", () => {
    const d = describeEvaluation(
      evaluation({ decision: "allowed", trace: trace(["identity", "allow"]) }),
      "identity",
    );
    expect(d).toMatchObject({ agreement: "disagrees", summary: "the model finds it allowed" });
    expect(d.note).toBe(
      "The model is incomplete; the message wins: the message says an identity-based policy denied it; the model finds the request allowed.",
    );
  });

  it("cannot confirm what rests on policies it never saw", () => {
    const d = describeEvaluation(
      evaluation(
        { decision: "unknown", unknownLayers: ["identity"], trace: trace(["identity", "unknown"]) },
        ["identity: arn:aws:iam::111122223333:role/app was never imported or seen in the trail"],
      ),
      "identity",
    );
    expect(d).toMatchObject({
      agreement: "unknown",
      summary:
        "unknown: identity: arn:aws:iam::111122223333:role/app was never imported or seen in the trail",
      unknowns: ["identity: arn:aws:iam::111122223333:role/app was never imported or seen in the trail"],
    });
  });

  it("adds what the model finds when the message names no policy type, and defers to it for VPC endpoints", () => {
    const e = evaluation({
      decision: "implicitly-denied",
      missingAllow: missing("identity", "identity policy"),
      trace: trace(["identity", "no-allow"]),
    });
    expect(describeEvaluation(e, "unknown")).toMatchObject({
      agreement: "message-silent",
      note: "The message names no policy type; the model finds no statement allows it in the identity policy.",
    });
    expect(describeEvaluation(e, "vpc-endpoint").agreement).toBe("not-modelled");
  });
});
