import { describe, expect, it } from "vitest";
import type { CloudTrailRecord } from "../../cloudtrail/record.js";
import { evaluateRequest } from "../evaluate.js";
import { parseAuthorizationDetails } from "../imports/authorization-details.js";
import { createAwsManagedPolicies } from "../managed/aws-managed-policies.js";
import type { EvaluationRequest } from "../policy.types.js";
import { policyChangesFrom } from "../trail/policy-changes.js";
import { applyChanges } from "./apply-change.js";
import { applyAccountSnapshot, applyOrgSnapshot, markNoOrganization } from "./apply-import.js";
import { createPolicyCompiler } from "./policy-compiler.js";
import { emptyModel, type PolicyModel } from "./policy-model.js";
import { type PolicySetInput, policySetFor } from "./policy-set-for.js";

const account = "111122223333";
const roleArn = `arn:aws:iam::${account}:role/app`;
const session = {
  kind: "role-session" as const,
  arn: `arn:aws:sts::${account}:assumed-role/app/task-1`,
  account,
  roleArn,
};
const allow = (action: string, resource = "*") => ({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: action, Resource: resource }],
});
const awsManaged = createAwsManagedPolicies(() => ({
  version: "1.0.0",
  data: {
    AmazonS3ReadOnlyAccess: {
      arn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
      latestVersionId: "v2",
      versions: { v2: { createdDate: "2020-01-01T00:00:00Z", document: allow("s3:Get*") } },
    },
  },
}));

let n = 0;
function event(
  source: string,
  name: string,
  params: Record<string, unknown>,
  at = "2026-03-01T10:00:00Z",
  response: Record<string, unknown> | null = null,
): CloudTrailRecord {
  n++;
  return {
    eventID: `e${n}`,
    eventTime: at,
    eventSource: `${source}.amazonaws.com`,
    eventName: name,
    awsRegion: "eu-west-1",
    recipientAccountId: account,
    requestParameters: params,
    responseElements: response,
  };
}

function modelOf(records: CloudTrailRecord[], setup?: (m: PolicyModel) => void): PolicyModel {
  const model = emptyModel();
  setup?.(model);
  applyChanges(
    model,
    records.flatMap((r) => policyChangesFrom(r)),
  );
  return model;
}

const noOrg = (m: PolicyModel) =>
  markNoOrganization(m, { source: "org-import", at: "2026-01-01T00:00:00Z", ref: "none" });

function evaluate(model: PolicyModel, action: string, resource = "*", extra: Partial<PolicySetInput> = {}) {
  const input: PolicySetInput = { model, compiler: createPolicyCompiler(), awsManaged, ...extra };
  const set = policySetFor(session, { ...input, resource: { arn: resource, account, action } });
  const request: EvaluationRequest = {
    principal: session,
    action,
    resource,
    resourceAccount: account,
    context: {},
  };
  return { ...set, result: evaluateRequest(request, set.policies) };
}

describe("policy sets from the model", () => {
  it("marks a role seen only in one trail change as unknown, saying why", () => {
    const model = modelOf(
      [
        event("iam", "PutRolePolicy", {
          roleName: "app",
          policyName: "p",
          policyDocument: JSON.stringify(allow("sqs:SendMessage")),
        }),
      ],
      noOrg,
    );
    const { unknowns, result, policies } = evaluate(
      model,
      "sqs:SendMessage",
      `arn:aws:sqs:eu-west-1:${account}:q`,
    );
    expect(policies.identity.complete).toBe(false);
    expect(unknowns).toContain(
      `identity: ${roleArn}: seen only in trail changes: its other policies were never imported`,
    );
    expect(unknowns).toContain(
      `permissions boundary: whether ${roleArn} has a permissions boundary was never seen`,
    );
    expect(result.decision).toBe("unknown");
  });

  it("knows a role created in the trail completely, with an AWS managed policy from the data package", () => {
    const model = modelOf(
      [
        event("iam", "CreateRole", {
          roleName: "app",
          assumeRolePolicyDocument: JSON.stringify({ Statement: [] }),
        }),
        event(
          "iam",
          "AttachRolePolicy",
          { roleName: "app", policyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" },
          "2026-03-01T10:01:00Z",
        ),
      ],
      noOrg,
    );
    const { result, unknowns } = evaluate(model, "s3:GetObject", "arn:aws:s3:::bucket/key", {});
    // The bucket's policy was never seen: the layer is unknown, the rest is known.
    expect(unknowns).toEqual(["resource: the policy of arn:aws:s3:::bucket was never seen"]);
    expect(result.trace.find((t) => t.layer === "identity")).toMatchObject({
      result: "allow",
      statement: {
        policyName: "AmazonS3ReadOnlyAccess",
        policyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
      },
    });
    const denied = evaluate(model, "s3:PutObject", "arn:aws:s3:::bucket/key").result;
    expect(denied.decision).toBe("unknown");
  });

  it("applies changes in time order and follows managed policy versions", () => {
    const arn = `arn:aws:iam::${account}:policy/team/reader`;
    const model = modelOf(
      [
        event("iam", "SetDefaultPolicyVersion", { policyArn: arn, versionId: "v1" }, "2026-03-03T00:00:00Z"),
        event("iam", "CreateRole", { roleName: "app" }, "2026-03-01T00:00:00Z"),
        event(
          "iam",
          "CreatePolicy",
          { policyName: "reader", path: "/team/", policyDocument: JSON.stringify(allow("dynamodb:GetItem")) },
          "2026-03-01T00:01:00Z",
          { policy: { arn, defaultVersionId: "v1" } },
        ),
        event("iam", "AttachRolePolicy", { roleName: "app", policyArn: arn }, "2026-03-01T00:02:00Z"),
        event(
          "iam",
          "CreatePolicyVersion",
          { policyArn: arn, policyDocument: JSON.stringify(allow("dynamodb:Query")), setAsDefault: true },
          "2026-03-02T00:00:00Z",
          { policyVersion: { versionId: "v2" } },
        ),
      ],
      noOrg,
    );
    expect(model.managedPolicies[`arn:aws:iam::${account}:policy/reader`]?.defaultVersionId).toBe("v1");
    expect(evaluate(model, "dynamodb:GetItem").result.decision).toBe("allowed");
    expect(evaluate(model, "dynamodb:Query").result.decision).toBe("implicitly-denied");
  });

  it("takes an import as the whole truth and skips older trail changes, but not newer ones", async () => {
    const importAt = "2026-03-02T00:00:00Z";
    const { snapshot } = await parseAuthorizationDetails([
      JSON.stringify({
        RoleDetailList: [
          {
            RoleName: "app",
            Path: "/svc/",
            Arn: `arn:aws:iam::${account}:role/svc/app`,
            AssumeRolePolicyDocument: { Statement: [] },
            RolePolicyList: [{ PolicyName: "base", PolicyDocument: allow("logs:PutLogEvents") }],
            AttachedManagedPolicies: [],
          },
        ],
      }),
    ]);
    const model = emptyModel();
    noOrg(model);
    applyAccountSnapshot(model, snapshot, { source: "iam-import", at: importAt, ref: "auth.json" });
    applyChanges(model, [
      ...policyChangesFrom(
        event("iam", "DeleteRolePolicy", { roleName: "app", policyName: "base" }, "2026-03-01T00:00:00Z"),
      ),
      ...policyChangesFrom(
        event(
          "iam",
          "PutRolePolicy",
          { roleName: "app", policyName: "extra", policyDocument: JSON.stringify(allow("sqs:*")) },
          "2026-03-03T00:00:00Z",
        ),
      ),
    ]);
    const role = model.principals[`arn:aws:iam::${account}:role/app`];
    expect(role?.arn).toBe(`arn:aws:iam::${account}:role/svc/app`);
    expect(Object.keys(role?.inlinePolicies ?? {})).toEqual(["base", "extra"]);
    const { result, unknowns } = evaluate(model, "logs:PutLogEvents");
    expect(unknowns).toEqual([]);
    expect(result.decision).toBe("allowed");
  });

  it("gives a user the policies of its groups", () => {
    const model = modelOf(
      [
        event("iam", "CreateUser", { userName: "alice" }),
        event("iam", "PutGroupPolicy", {
          groupName: "ops",
          policyName: "g",
          policyDocument: JSON.stringify(allow("ec2:StartInstances")),
        }),
        event("iam", "AddUserToGroup", { userName: "alice", groupName: "ops" }, "2026-03-01T10:05:00Z"),
      ],
      noOrg,
    );
    const user = { kind: "user" as const, arn: `arn:aws:iam::${account}:user/alice`, account };
    const set = policySetFor(user, { model, compiler: createPolicyCompiler() });
    expect(set.policies.identity.policies.map((p) => p.name)).toEqual(["g"]);
    expect(set.unknowns).toEqual([
      `identity: arn:aws:iam::${account}:group/ops: seen only in trail changes: its other policies were never imported`,
    ]);
  });

  it("says SCPs are unknown without an organisation import", () => {
    const model = modelOf([event("iam", "CreateRole", { roleName: "app" })]);
    const { unknowns, policies } = evaluate(model, "s3:ListAllMyBuckets");
    expect(unknowns).toContain("scp: the organisation was never imported (deniedby import org)");
    expect(policies.scps).toEqual([{ target: account, policies: [], complete: false }]);
  });

  it("puts each SCP at its level, root first, and leaves the management account out", () => {
    const model = modelOf([event("iam", "CreateRole", { roleName: "app", tags: [] })]);
    applyOrgSnapshot(
      model,
      {
        organizationId: "o-abcdefghij",
        managementAccount: "999988887777",
        roots: ["r-ab12"],
        parents: { "ou-ab12-prod1234": "r-ab12", [account]: "ou-ab12-prod1234", "999988887777": "r-ab12" },
        accounts: [],
        policyTypes: ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"],
        policies: [
          {
            id: "p-FullAWSAccess",
            name: "FullAWSAccess",
            type: "SERVICE_CONTROL_POLICY",
            awsManaged: true,
            content: {
              state: "known",
              document: { Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
            },
          },
          {
            id: "p-noec2abcd",
            name: "NoEc2",
            type: "SERVICE_CONTROL_POLICY",
            awsManaged: false,
            content: {
              state: "known",
              document: { Statement: [{ Sid: "NoEc2", Effect: "Deny", Action: "ec2:*", Resource: "*" }] },
            },
          },
        ],
        attachments: {
          "r-ab12": ["p-FullAWSAccess"],
          "ou-ab12-prod1234": ["p-FullAWSAccess", "p-noec2abcd"],
          [account]: ["p-FullAWSAccess"],
        },
        gaps: [],
      },
      { source: "org-import", at: "2026-02-01T00:00:00Z", ref: "org/" },
    );
    const { policies, result } = evaluate(model, "ec2:RunInstances", "*", {});
    expect(policies.scps?.map((l) => l.target)).toEqual(["r-ab12", "ou-ab12-prod1234", account]);
    expect(result.decision).toBe("explicitly-denied");
    expect(result.decidedBy).toMatchObject({
      layer: "scp",
      target: "ou-ab12-prod1234",
      sid: "NoEc2",
      policyName: "NoEc2",
    });
    const management = {
      kind: "role-session" as const,
      arn: "arn:aws:sts::999988887777:assumed-role/admin/x",
      account: "999988887777",
    };
    expect(
      policySetFor(management, { model, compiler: createPolicyCompiler() }).policies.scps,
    ).toBeUndefined();
    // A policy attached later in the trail that was never seen could be an SCP or an RCP: both levels are unknown.
    applyChanges(
      model,
      policyChangesFrom(
        event(
          "organizations",
          "AttachPolicy",
          { policyId: "p-unseen12", targetId: account },
          "2026-03-02T00:00:00Z",
        ),
      ),
    );
    const later = evaluate(model, "s3:ListAllMyBuckets");
    expect(later.unknowns).toEqual([
      `scp ${account}: p-unseen12 attached to ${account} was never imported`,
      `rcp ${account}: p-unseen12 attached to ${account} was never imported`,
    ]);
  });

  it("reads resource policies: a bucket's for its objects, a key never seen as unknown, Lambda statements in part", () => {
    const bucketPolicy = {
      Statement: [
        {
          Sid: "NoDelete",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:DeleteObject",
          Resource: "arn:aws:s3:::data/*",
        },
      ],
    };
    const model = modelOf(
      [
        event("iam", "CreateRole", { roleName: "app" }),
        event("iam", "PutRolePolicy", {
          roleName: "app",
          policyName: "all",
          policyDocument: JSON.stringify(allow("*")),
        }),
        event("s3", "PutBucketPolicy", { bucketName: "data", bucketPolicy }),
        event("lambda", "AddPermission20150331v2", {
          functionName: "fn",
          statementId: "s1",
          action: "lambda:InvokeFunction",
          principal: "events.amazonaws.com",
        }),
      ],
      noOrg,
    );
    const denied = evaluate(model, "s3:DeleteObject", "arn:aws:s3:::data/reports/x.csv").result;
    expect(denied).toMatchObject({
      decision: "explicitly-denied",
      decidedBy: { layer: "resource", sid: "NoDelete" },
    });
    const key = evaluate(model, "kms:Decrypt", `arn:aws:kms:eu-west-1:${account}:key/k-1`);
    expect(key.unknowns).toEqual([
      `resource: the policy of arn:aws:kms:eu-west-1:${account}:key/k-1 was never seen`,
    ]);
    const fn = `arn:aws:lambda:eu-west-1:${account}:function:fn`;
    const lambda = evaluate(model, "lambda:InvokeFunction", fn);
    expect(lambda.policies.resource?.policies[0]?.statements).toHaveLength(1);
    expect(lambda.unknowns).toEqual(["resource: the resource's policy was never imported"]);
    const trust = evaluate(model, "sts:AssumeRole", `arn:aws:iam::${account}:role/other`);
    expect(trust.unknowns).toContain(
      `resource: the trust policy of arn:aws:iam::${account}:role/other was never seen`,
    );
  });

  it("is plain data: a model written as JSON and read back answers the same", () => {
    const model = modelOf(
      [
        event("iam", "CreateRole", { roleName: "app" }),
        event("iam", "PutRolePolicy", {
          roleName: "app",
          policyName: "p",
          policyDocument: JSON.stringify(allow("sqs:SendMessage")),
        }),
      ],
      noOrg,
    );
    const copy = JSON.parse(JSON.stringify(model)) as PolicyModel;
    expect(copy).toEqual(model);
    expect(evaluate(copy, "sqs:SendMessage").result).toEqual(evaluate(model, "sqs:SendMessage").result);
  });
});
