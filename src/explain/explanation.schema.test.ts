import { describe, expect, it } from "vitest";
import { loadExplainCases } from "../../test/support/explain-cases.js";
import { parsePolicyDocument } from "../policy/policy.schema.js";
import { explainDenial } from "./explain.js";
import { Explanation, PolicyDocument } from "./explanation.schema.js";

const cases = loadExplainCases();

describe("the Explanation schema", () => {
  it("keeps the fields of an explanation in the order clients see them", () => {
    for (const c of cases)
      expect(Object.keys(explainDenial(c.record))).toEqual([
        "eventId",
        "eventTime",
        "eventSource",
        "eventName",
        "errorCode",
        "principal",
        "action",
        "actionSource",
        "actionVerified",
        "resource",
        "resourceSource",
        "deniedBy",
        "explicitDeny",
        "policyArn",
        "messageForm",
        "dependency",
        "encodedMessage",
        "evaluation",
        "caveats",
        "fix",
        "summary",
        "incidentId",
        "noise",
        "noiseReason",
      ]);
  });

  it("describes every explanation exactly: parsing one gives it back, field for field and in order", () => {
    for (const c of cases) {
      const e = explainDenial(c.record, c.context ?? {});
      const parsed = Explanation.strict().parse(e);
      expect(JSON.stringify(parsed), c.name).toBe(JSON.stringify(e));
    }
  });

  it("proposes only policies the IAM grammar accepts: the documents it writes are a narrower form of the one grammar", () => {
    let proposed = 0;
    for (const c of cases) {
      const policy = explainDenial(c.record, c.context ?? {}).fix.policy;
      if (policy === null) continue;
      proposed++;
      // parsePolicyDocument (src/policy/policy.schema.ts) throws PolicyError listing every problem.
      expect(() => parsePolicyDocument(JSON.parse(JSON.stringify(policy))), c.name).not.toThrow();
    }
    expect(proposed).toBeGreaterThan(10);
  });

  it("takes only the codes the explainer declares", () => {
    const e = explainDenial(cases[0]?.record ?? ({} as never));
    expect(Explanation.safeParse({ ...e, fix: { ...e.fix, reason: "made-up" } }).success).toBe(false);
    expect(Explanation.safeParse({ ...e, actionSource: "guess" }).success).toBe(false);
    expect(Explanation.safeParse({ ...e, caveats: [{ code: "nope", text: "" }] }).success).toBe(false);
  });

  it("accepts only allow statements in a policy document", () => {
    const doc = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }],
    };
    expect(PolicyDocument.parse(doc)).toEqual(doc);
    expect(
      PolicyDocument.safeParse({ ...doc, Statement: [{ ...doc.Statement[0], Effect: "Deny" }] }).success,
    ).toBe(false);
  });
});
