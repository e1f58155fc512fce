import { describe, expect, it } from "vitest";
import {
  ACCOUNT,
  allowDocument,
  createRole,
  deniedCall,
  fullAwsAccessScp,
  policyEvent,
  policyHistoryOf,
  putRolePolicy,
} from "../../../test/support/policy-events.js";
import type { CloudTrailRecord } from "../../cloudtrail/record.js";
import type { OrgSnapshot } from "../imports/org-directory.js";
import { createPolicyCompiler } from "../model/policy-compiler.js";
import { known } from "../model/policy-content.js";
import { replayHistory } from "../model/replay.js";
import { PolicyError } from "../policy.errors.js";
import { evaluateDenial, type PolicyView } from "./evaluate-denial.js";
import { evaluateWithStatement } from "./with-statement.js";

const org: OrgSnapshot = {
  organizationId: "o-a1b2c3d4e5",
  managementAccount: "999988887777",
  roots: ["r-ab12"],
  parents: { "ou-ab12-11111111": "r-ab12", [ACCOUNT]: "ou-ab12-11111111" },
  accounts: [{ id: ACCOUNT, path: ["r-ab12", "ou-ab12-11111111", ACCOUNT] }],
  policyTypes: ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"],
  policies: [
    fullAwsAccessScp,
    {
      id: "p-RCPFullAWSAccess",
      name: "RCPFullAWSAccess",
      type: "RESOURCE_CONTROL_POLICY",
      awsManaged: true,
      content: known({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }],
      }),
    },
    {
      id: "p-denyacl1",
      name: "deny-public-acl",
      type: "SERVICE_CONTROL_POLICY",
      arn: "arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-denyacl1",
      awsManaged: false,
      content: known({
        Version: "2012-10-17",
        Statement: [{ Sid: "NoPublicAcl", Effect: "Deny", Action: "s3:PutObjectAcl", Resource: "*" }],
      }),
    },
  ],
  attachments: {
    "r-ab12": ["p-FullAWSAccess"],
    "ou-ab12-11111111": ["p-FullAWSAccess", "p-denyacl1"],
    [ACCOUNT]: ["p-FullAWSAccess"],
  },
  gaps: [],
};

const tagged = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "TeamTables",
      Effect: "Allow",
      Action: "dynamodb:Query",
      Resource: "*",
      Condition: {
        StringEquals: { "aws:PrincipalTag/team": "payments" },
        "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*" },
      },
    },
  ],
};

function view(records: CloudTrailRecord[], withOrg = true): PolicyView {
  const model = replayHistory(policyHistoryOf(records, withOrg ? org : undefined));
  return { model, compiler: createPolicyCompiler() };
}

const history = [
  createRole("e1", "2026-03-01T09:00:00Z", "app"),
  policyEvent("e2", "2026-03-01T09:00:01Z", {
    source: "iam",
    name: "TagRole",
    params: { roleName: "app", tags: [{ key: "team", value: "payments" }] },
  }),
  putRolePolicy("e3", "2026-03-01T09:00:02Z", "app", "app-data", allowDocument("dynamodb:GetItem")),
  putRolePolicy("e4", "2026-03-01T09:00:03Z", "app", "app-team", tagged),
];

/** A denied call and what its message says. */
const denial = (action: string, resource: string, name: string, source: string) => ({
  record: denialRecord(action, resource, name, source),
  message: { action, resource },
});
const evaluate = (d: ReturnType<typeof denial>, v: PolicyView) => evaluateDenial(d.record, v, d.message);
const denialRecord = (action: string, resource: string, name: string, source: string) =>
  deniedCall("d1", "2026-03-02T10:00:00Z", {
    roleName: "app",
    source,
    name,
    action,
    resource,
    because: "because no identity-based policy allows the action",
  });

describe("evaluating a denial against the model", () => {
  it("names the SCP statement that denied it, and still sees that the identity policy lacks an allow", () => {
    const e = evaluate(
      denial("s3:PutObjectAcl", "arn:aws:s3:::exports/a.csv", "PutObjectAcl", "s3"),
      view(history),
    );
    expect(e.result.decision).toBe("explicitly-denied");
    expect(e.result.decidedBy).toMatchObject({
      layer: "scp",
      policyName: "deny-public-acl",
      sid: "NoPublicAcl",
      index: 0,
      target: "ou-ab12-11111111",
    });
    expect(e.result.trace).toContainEqual({ layer: "identity", result: "no-allow" });
    // The bucket's policy and owner were never seen: said, though the deny stands whatever they are.
    expect(e.unknowns).toEqual([
      "rcp: the resource's account is not known",
      "resource: the policy of arn:aws:s3:::exports was never seen",
    ]);
  });

  it("finds no allow in a role known completely, with nothing unknown", () => {
    const e = evaluate(
      denial("dynamodb:PutItem", `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/t`, "PutItem", "dynamodb"),
      view(history),
    );
    expect(e.result).toMatchObject({ decision: "implicitly-denied", missingAllow: { layer: "identity" } });
    expect(e.unknowns).toEqual([]);
    expect(e.request.principal.roleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/app`);
  });

  it("gives conditions the role's tags and organisation path from the model", () => {
    const call = denial(
      "dynamodb:Query",
      `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/t`,
      "Query",
      "dynamodb",
    );
    const e = evaluate(call, view(history));
    expect(e.request.context).toMatchObject({
      "aws:PrincipalTag/team": "payments",
      "aws:PrincipalOrgID": "o-a1b2c3d4e5",
      "aws:PrincipalOrgPaths": ["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/"],
    });
    expect(e.result).toMatchObject({
      decision: "allowed",
      decidedBy: { policyName: "app-team", sid: "TeamTables" },
    });
    // Without the organisation the path is unknown and the SCP levels too: the allow is no longer certain.
    const without = evaluate(call, view(history, false));
    expect(without.unavailableContextKeys).toContain("aws:PrincipalOrgPaths");
    expect(without.result.decision).toBe("implicitly-denied");
  });

  it("says what it does not know about a role seen only in a later change", () => {
    const e = evaluate(
      denial("dynamodb:PutItem", `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/t`, "PutItem", "dynamodb"),
      view([history[2] as CloudTrailRecord], false),
    );
    // The role's other policies might allow it: no certain answer, and the reasons say why.
    expect(e.result.decision).toBe("unknown");
    expect(e.unknowns).toContain(
      `identity: arn:aws:iam::${ACCOUNT}:role/app: seen only in trail changes: its other policies were never imported`,
    );
    expect(e.unknowns).toContain("scp: the organisation was never imported (deniedby import org)");
  });
});

describe("evaluating the same request with a statement added", () => {
  const put = () =>
    evaluate(
      denial("dynamodb:PutItem", `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/t`, "PutItem", "dynamodb"),
      view(history),
    );
  const grant = {
    Sid: "Fix",
    Effect: "Allow" as const,
    Action: "dynamodb:PutItem",
    Resource: `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/t`,
  };

  it("allows it once the role's policy grants it, adding to the policy of that name", () => {
    const e = put();
    const fixed = evaluateWithStatement(e, { layer: "identity", policyName: "app-data" }, [grant]);
    expect(fixed).toMatchObject({
      decision: "allowed",
      decidedBy: { layer: "identity", policyName: "app-data", sid: "Fix", index: 1 },
    });
    // The evaluation it started from is left as it was.
    expect(evaluateWithStatement(e, { layer: "identity", policyName: "other" }, []).decision).toBe(
      "implicitly-denied",
    );
  });

  it("still denies when an SCP denies, whatever the role is given; a deny added to an SCP level decides", () => {
    const e = evaluate(
      denial("s3:PutObjectAcl", "arn:aws:s3:::exports/a.csv", "PutObjectAcl", "s3"),
      view(history),
    );
    const fixed = evaluateWithStatement(e, { layer: "identity", policyName: "deniedby" }, [
      { Effect: "Allow", Action: "s3:PutObjectAcl", Resource: "*" },
    ]);
    expect(fixed).toMatchObject({
      decision: "explicitly-denied",
      decidedBy: { layer: "scp", sid: "NoPublicAcl" },
    });
    const blocked = evaluateWithStatement(put(), { layer: "scp", target: ACCOUNT }, [
      { Sid: "Stop", Effect: "Deny", Action: "dynamodb:*", Resource: "*" },
    ]);
    expect(blocked.decidedBy).toMatchObject({ layer: "scp", target: ACCOUNT, sid: "Stop" });
    expect(() => evaluateWithStatement(put(), { layer: "scp", target: "ou-other" }, [grant])).toThrow(
      PolicyError,
    );
  });

  it("refuses a statement that does not fit its place", () => {
    expect(() => evaluateWithStatement(put(), { layer: "resource" }, [grant])).toThrow(PolicyError);
  });
});
