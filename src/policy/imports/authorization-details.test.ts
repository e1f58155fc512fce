import { describe, expect, it } from "vitest";
import { authorizationDetailsChunks } from "../../../test/support/authorization-details.js";
import { parseAuthorizationDetails } from "./authorization-details.js";
import { PolicyImportError } from "./import.errors.js";

const account = "111122223333";
const doc = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }],
};
const trust = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" },
  ],
};

/** A role entry as the IAM API reference documents RoleDetail, with our names. */
const role = (name: string, extra: Record<string, unknown> = {}) => ({
  Path: "/app/",
  RoleName: name,
  RoleId: "AROAEXAMPLEID0000001",
  Arn: `arn:aws:iam::${account}:role/app/${name}`,
  CreateDate: "2024-01-01T00:00:00Z",
  AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(trust)),
  InstanceProfileList: [],
  RolePolicyList: [{ PolicyName: "inline", PolicyDocument: encodeURIComponent(JSON.stringify(doc)) }],
  AttachedManagedPolicies: [
    {
      PolicyName: "AmazonECSTaskExecutionRolePolicy",
      PolicyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
    },
  ],
  PermissionsBoundary: {
    PermissionsBoundaryType: "PermissionsBoundaryPolicy",
    PermissionsBoundaryArn: `arn:aws:iam::${account}:policy/boundary`,
  },
  Tags: [{ Key: "team", Value: "payments" }],
  RoleLastUsed: {},
  SomeFieldAddedLater: { x: 1 },
  ...extra,
});

const file = (body: Record<string, unknown>) => [JSON.stringify(body)];

async function parse(body: Record<string, unknown> | string[]) {
  return parseAuthorizationDetails(Array.isArray(body) ? body : file(body));
}

describe("get-account-authorization-details import", () => {
  it("reads roles with URL-encoded documents (the raw API) and tolerates unknown fields", async () => {
    const { snapshot, problems } = await parse({ RoleDetailList: [role("api")], Policies: [] });
    expect(problems).toEqual([]);
    expect(snapshot.accounts).toEqual([account]);
    expect(snapshot.principals).toEqual([
      {
        type: "role",
        arn: `arn:aws:iam::${account}:role/app/api`,
        name: "api",
        path: "/app/",
        account,
        id: "AROAEXAMPLEID0000001",
        inlinePolicies: [{ name: "inline", content: { state: "known", document: doc } }],
        attachedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"],
        boundaryArn: `arn:aws:iam::${account}:policy/boundary`,
        tags: { team: "payments" },
        trust: { state: "known", document: trust },
        instanceProfileArns: [],
      },
    ]);
  });

  it("reads decoded documents (the AWS CLI), users with groups, groups and managed policy versions", async () => {
    const { snapshot, problems } = await parse({
      UserDetailList: [
        {
          Path: "/",
          UserName: "alice",
          UserId: "AIDAEXAMPLE",
          Arn: `arn:aws:iam::${account}:user/alice`,
          UserPolicyList: [{ PolicyName: "p", PolicyDocument: doc }],
          GroupList: ["ops"],
          AttachedManagedPolicies: [],
          Tags: [],
        },
      ],
      GroupDetailList: [
        {
          GroupName: "ops",
          Arn: `arn:aws:iam::${account}:group/team/ops`,
          GroupPolicyList: [],
          AttachedManagedPolicies: [],
        },
      ],
      RoleDetailList: [{ ...role("web"), AssumeRolePolicyDocument: trust }],
      Policies: [
        {
          PolicyName: "reader",
          Arn: `arn:aws:iam::${account}:policy/reader`,
          DefaultVersionId: "v2",
          PolicyVersionList: [
            { VersionId: "v2", IsDefaultVersion: true, Document: doc },
            { VersionId: "v1", IsDefaultVersion: false, Document: encodeURIComponent(JSON.stringify(doc)) },
          ],
        },
        {
          PolicyName: "ReadOnlyAccess",
          Arn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
          DefaultVersionId: "v120",
          PolicyVersionList: [{ VersionId: "v120", IsDefaultVersion: true, Document: doc }],
        },
      ],
      IsTruncated: false,
    });
    expect(problems).toEqual([]);
    expect(snapshot.principals.map((p) => [p.type, p.name])).toEqual([
      ["user", "alice"],
      ["group", "ops"],
      ["role", "web"],
    ]);
    expect(snapshot.principals[0]?.groupArns).toEqual([`arn:aws:iam::${account}:group/ops`]);
    expect(snapshot.principals[2]?.trust).toEqual({ state: "known", document: trust });
    expect(snapshot.policies.map((p) => [p.arn, p.account, p.defaultVersionId, p.versions.length])).toEqual([
      [`arn:aws:iam::${account}:policy/reader`, account, "v2", 2],
      ["arn:aws:iam::aws:policy/ReadOnlyAccess", "aws", "v120", 1],
    ]);
    expect(snapshot.policies[0]?.versions[1]?.content.state).toBe("known");
  });

  it("reports a bad entry with its place and code, and keeps the good ones", async () => {
    const { snapshot, problems } = await parse({
      RoleDetailList: [role("good-1"), { RoleName: "broken", Arn: "not-an-arn" }, role("good-2")],
    });
    expect(snapshot.principals.map((p) => p.name)).toEqual(["good-1", "good-2"]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      code: "import.invalid_authorization_details",
      place: "RoleDetailList[1] (broken)",
    });
    expect(problems[0]?.issues.join(" ")).toMatch(/^Arn: /);
  });

  it("keeps an entry whose document is bad, with that document unknown and a problem naming it", async () => {
    const bad = role("odd", { RolePolicyList: [{ PolicyName: "x", PolicyDocument: "%7Bnot-json" }] });
    const { snapshot, problems } = await parse({ RoleDetailList: [bad] });
    expect(snapshot.principals[0]?.inlinePolicies[0]?.content.state).toBe("unknown");
    expect(snapshot.principals[0]?.trust?.state).toBe("known");
    expect(problems).toMatchObject([
      { code: "import.invalid_policy_document", place: "RoleDetailList[0] (odd)" },
    ]);
  });

  it("accepts output whose lists are all empty", async () => {
    const { snapshot, problems } = await parse({
      UserDetailList: [],
      GroupDetailList: [],
      RoleDetailList: [],
      Policies: [],
    });
    expect(snapshot.principals).toEqual([]);
    expect(problems).toEqual([]);
  });

  it("says when the output is one page of several", async () => {
    const { problems } = await parse({ RoleDetailList: [role("a")], IsTruncated: true, Marker: "abc" });
    expect(problems.map((p) => p.code)).toEqual(["import.truncated_output"]);
  });

  it("keeps the entries read before a file ends early, and says so", async () => {
    const text = JSON.stringify({ RoleDetailList: [role("first"), role("second")] });
    const cut = text.slice(0, text.indexOf('"second"') + 20);
    const { snapshot, problems } = await parse([cut.slice(0, 100), cut.slice(100)]);
    expect(snapshot.principals.map((p) => p.name)).toEqual(["first"]);
    expect(problems.map((p) => p.code)).toEqual(["import.invalid_json"]);
  });

  it("refuses a file that is not this output, or not JSON", async () => {
    const refused = async (chunks: string[]) => {
      try {
        await parseAuthorizationDetails(chunks);
      } catch (error) {
        return error instanceof PolicyImportError ? error.code : "other";
      }
      return "accepted";
    };
    expect(await refused(['{"Records": []}'])).toBe("import.not_authorization_details");
    expect(await refused(['["RoleDetailList"]'])).toBe("import.not_authorization_details");
    expect(await refused(["hello"])).toBe("import.invalid_json");
  });

  it("streams a generated file of 500 roles and 1,000 policies chunk by chunk, bytes or text", async () => {
    const shape = { roles: 500, users: 40, groups: 8, policies: 1000, documents: "encoded" as const };
    const encoder = new TextEncoder();
    const bytes = (function* () {
      for (const chunk of authorizationDetailsChunks(shape)) yield encoder.encode(chunk);
    })();
    const { snapshot, problems } = await parseAuthorizationDetails(bytes);
    expect(problems).toEqual([]);
    expect(snapshot.principals.filter((p) => p.type === "role")).toHaveLength(500);
    expect(snapshot.policies).toHaveLength(1000);
    expect(
      snapshot.policies.every((p) =>
        p.versions.some((v) => v.isDefault && v.versionId === p.defaultVersionId),
      ),
    ).toBe(true);
  });
});
