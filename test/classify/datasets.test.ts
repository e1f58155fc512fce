import { describe, expect, it } from "vitest";
import { classifyRoles } from "../../src/classify/classify.js";
import { normaliseRecord, validateRecord } from "../../src/cloudtrail/normalise.js";
import { datasets, datasetsPresent, readDatasetRecords } from "../support/datasets.js";
import { inputFromRecords } from "../support/store-input.js";

const EC2_KINDS = new Set(["ec2-instance", "ecs-container-instance"]);

describe.skipIf(!datasetsPresent)(`shared datasets (${datasets})`, () => {
  const records = datasetsPresent ? readDatasetRecords() : [];
  const catalog = classifyRoles(inputFromRecords(records));
  const byArn = new Map(catalog.map((e) => [e.roleArn, e]));

  it("reads the datasets", () => {
    expect(records.length).toBeGreaterThan(3000);
  });

  it("gives an EC2 kind to every role with an i-… session carrying ec2RoleDelivery", () => {
    const roles = new Set<string>();
    for (const value of records) {
      const valid = validateRecord(value);
      if (!("record" in valid)) continue;
      const p = normaliseRecord(valid.record).principal;
      if (p.roleArn && p.ec2RoleDelivery && p.sessionName?.startsWith("i-")) roles.add(p.roleArn);
    }
    expect(roles.size).toBeGreaterThan(0);
    const wrong = [...roles].filter((arn) => !EC2_KINDS.has(byArn.get(arn)?.kinds[0]?.kind ?? ""));
    expect(wrong.map((arn) => `${arn}: ${byArn.get(arn)?.kinds[0]?.kind}`)).toEqual([]);
  });

  it("classifies every AWSReservedSSO_ role as sso", () => {
    const sso = catalog.filter((e) => e.roleName.startsWith("AWSReservedSSO_"));
    expect(sso.length).toBeGreaterThan(0);
    expect(sso.filter((e) => e.kinds[0]?.kind !== "sso").map((e) => e.roleArn)).toEqual([]);
  });
});

describe.skipIf(datasetsPresent)("shared datasets", () => {
  it.skip(`skipped: ${datasets} is absent (clone the shared datasets next to the repository to run these)`, () => {});
});
