import { describe, expect, it } from "vitest";
import { serviceActionNames } from "../cloudtrail/iam-catalogue.js";
import { expandDocument, expandPattern, patternMatches } from "./expand-actions.js";

describe("expanding granted action patterns against the IAM catalogue", () => {
  it("matches as the evaluator does: any case, `*` any run, `?` exactly one character", () => {
    expect(patternMatches("S3:get*", "s3:GetObject")).toBe(true);
    expect(patternMatches("s3:Get?bject", "s3:GetObject")).toBe(true);
    expect(patternMatches("s3:Get?bject", "s3:GetObjectAcl")).toBe(false);
    expect(patternMatches("s3:Get.bject", "s3:GetObject")).toBe(false);
  });

  it("expands a service wildcard to catalogued actions only, and canonicalises an exact action", () => {
    const gets = expandPattern("s3:Get*");
    expect(gets).toContain("s3:GetObject");
    expect(gets).not.toContain("s3:PutObject");
    expect(gets.every((a) => a.startsWith("s3:Get"))).toBe(true);
    expect(expandPattern("s3:*")).toHaveLength(serviceActionNames("s3").length);
    expect(expandPattern("S3:GETOBJECT")).toEqual(["s3:GetObject"]);
    expect(expandPattern("not-an-action")).toEqual([]);
  });

  it("reads NotAction as every catalogued action it does not name, and skips Deny statements", () => {
    const { patterns } = expandDocument({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", NotAction: ["iam:*", "organizations:*"], Resource: "*" },
        { Effect: "Deny", Action: "s3:*", Resource: "*" },
      ],
    });
    expect(patterns.map((p) => p.pattern)).toEqual(["NotAction: iam:*, organizations:*"]);
    const actions = patterns[0]?.actions ?? [];
    expect(actions).toContain("s3:DeleteBucket");
    expect(actions.some((a) => a.startsWith("iam:") || a.startsWith("organizations:"))).toBe(false);
  });
});
