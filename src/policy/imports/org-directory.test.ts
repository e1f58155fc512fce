import { describe, expect, it } from "vitest";
import { PolicyImportError } from "./import.errors.js";
import { parseOrgDirectory } from "./org-directory.js";

const scp = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Deny", Action: "ec2:*", Resource: "*" }],
});

/** A directory as the script in docs/policies.md writes it, each file shaped as the command prints it. */
function directory(overrides: Record<string, string | undefined> = {}) {
  const files: Record<string, string | undefined> = {
    "organization.json": JSON.stringify({
      Organization: { Id: "o-abcdefghij", MasterAccountId: "999988887777" },
    }),
    "roots.json": JSON.stringify({ Roots: [{ Id: "r-ab12", Name: "Root", PolicyTypes: [] }] }),
    "accounts/r-ab12.json": JSON.stringify({ Accounts: [{ Id: "999988887777", Name: "management" }] }),
    "ous/r-ab12.json": JSON.stringify({ OrganizationalUnits: [{ Id: "ou-ab12-prod1234", Name: "prod" }] }),
    "accounts/ou-ab12-prod1234.json": JSON.stringify({ Accounts: [{ Id: "111122223333", Name: "app" }] }),
    "ous/ou-ab12-prod1234.json": JSON.stringify({ OrganizationalUnits: [] }),
    "policies/SERVICE_CONTROL_POLICY.json": JSON.stringify({
      Policies: [
        { Id: "p-FullAWSAccess", Name: "FullAWSAccess", Type: "SERVICE_CONTROL_POLICY", AwsManaged: true },
        { Id: "p-noec2abcd", Name: "NoEc2", Type: "SERVICE_CONTROL_POLICY", AwsManaged: false },
      ],
    }),
    "policy/p-FullAWSAccess.json": JSON.stringify({
      Policy: {
        PolicySummary: { Id: "p-FullAWSAccess" },
        Content: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
        }),
      },
    }),
    "policy/p-noec2abcd.json": JSON.stringify({
      Policy: { PolicySummary: { Id: "p-noec2abcd" }, Content: scp },
    }),
    "targets/p-FullAWSAccess.json": JSON.stringify({
      Targets: [
        { TargetId: "r-ab12", Type: "ROOT" },
        { TargetId: "ou-ab12-prod1234", Type: "ORGANIZATIONAL_UNIT" },
        { TargetId: "111122223333", Type: "ACCOUNT" },
      ],
    }),
    "targets/p-noec2abcd.json": JSON.stringify({
      Targets: [{ TargetId: "ou-ab12-prod1234", Type: "ORGANIZATIONAL_UNIT" }],
    }),
    "policies/RESOURCE_CONTROL_POLICY.json": JSON.stringify({ Policies: [] }),
    ...overrides,
  };
  const asked: string[] = [];
  const read = async (path: string) => {
    asked.push(path);
    return files[path];
  };
  return { read, asked };
}

describe("organisation directory import", () => {
  it("gives every account its root → OU → account path and each level its policies", async () => {
    const { snapshot, problems } = await parseOrgDirectory(directory().read);
    expect(problems).toEqual([]);
    expect(snapshot).toMatchObject({
      organizationId: "o-abcdefghij",
      managementAccount: "999988887777",
      roots: ["r-ab12"],
    });
    expect(snapshot.accounts).toEqual([
      { id: "999988887777", name: "management", path: ["r-ab12", "999988887777"] },
      { id: "111122223333", name: "app", path: ["r-ab12", "ou-ab12-prod1234", "111122223333"] },
    ]);
    expect(snapshot.attachments).toEqual({
      "r-ab12": ["p-FullAWSAccess"],
      "ou-ab12-prod1234": ["p-FullAWSAccess", "p-noec2abcd"],
      "111122223333": ["p-FullAWSAccess"],
    });
    expect(snapshot.policyTypes).toEqual(["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"]);
    expect(snapshot.policies[1]).toMatchObject({
      id: "p-noec2abcd",
      name: "NoEc2",
      content: { state: "known" },
    });
    expect(snapshot.gaps).toEqual([]);
  });

  it("reports missing and bad files as gaps and keeps the rest", async () => {
    const { snapshot, problems } = await parseOrgDirectory(
      directory({ "policy/p-noec2abcd.json": undefined, "policies/RESOURCE_CONTROL_POLICY.json": "{oops" })
        .read,
    );
    expect(problems.map((p) => [p.code, p.place])).toEqual([
      ["import.invalid_org_directory", "policy/p-noec2abcd.json"],
      ["import.invalid_org_directory", "policies/RESOURCE_CONTROL_POLICY.json"],
    ]);
    expect(snapshot.policies[1]?.content.state).toBe("unknown");
    expect(snapshot.policyTypes).toEqual(["SERVICE_CONTROL_POLICY"]);
    expect(snapshot.gaps).toHaveLength(2);
  });

  it("never builds a file name from text that is not an organisation id", async () => {
    const { read, asked } = directory({
      "ous/r-ab12.json": JSON.stringify({ OrganizationalUnits: [{ Id: "../../etc/passwd" }] }),
      "policies/SERVICE_CONTROL_POLICY.json": JSON.stringify({ Policies: [{ Id: "../x", Name: "x" }] }),
    });
    const { problems } = await parseOrgDirectory(read);
    expect(asked.some((p) => p.includes(".."))).toBe(false);
    expect(problems.map((p) => p.issues[0])).toEqual([
      "not an organisation id: ../../etc/passwd",
      "not a policy id: ../x",
    ]);
  });

  it("refuses a directory without roots.json", async () => {
    await expect(parseOrgDirectory(directory({ "roots.json": undefined }).read)).rejects.toBeInstanceOf(
      PolicyImportError,
    );
  });
});
