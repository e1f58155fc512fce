import { describe, expect, it } from "vitest";
import { denialCodes, isDenial } from "../../src/cloudtrail/denial.js";
import { evidenceEventNames, SERVICE_ASSUME_ROLE } from "../../src/cloudtrail/evidence-events.js";
import { cloudTrailEvent as event, matches } from "../test/event-pattern.js";
import { cloudTrailPushPattern } from "./push-pattern.js";

const pattern = cloudTrailPushPattern as unknown as Record<string, unknown>;

describe("the push pattern (every push rule deploys it: infra/test/deniedby-app.test.ts)", () => {
  it("forwards every error code deniedby counts as a denial, and what the datasets show", () => {
    for (const code of [...denialCodes, "AccessDenied", "Client.UnauthorizedOperation", "VpceAccessDenied"]) {
      expect(matches(pattern, event({ eventName: "GetObject", errorCode: code })), code).toBe(true);
      expect(isDenial(code, undefined), code).toBe(true);
    }
    const kms = event({
      eventName: "GetSecretValue",
      errorCode: "AccessDeniedException",
      errorMessage: "Access to KMS is not allowed",
    });
    expect(matches(pattern, kms)).toBe(true);
  });

  it("does not forward failures that are not denials", () => {
    for (const code of [
      "ThrottlingException",
      "NoSuchBucket",
      "ExpiredToken",
      "ValidationException",
      "Client.InvalidInstanceID.NotFound",
    ]) {
      expect(matches(pattern, event({ eventName: "DescribeInstances", errorCode: code })), code).toBe(false);
      expect(isDenial(code, "something else"), code).toBe(false);
    }
    expect(
      matches(pattern, event({ eventName: "RegisterTaskDefinition", errorCode: "ClientException" })),
    ).toBe(false);
  });

  it("forwards every successful evidence event the classifier reads, and no ordinary success", () => {
    for (const name of evidenceEventNames) {
      const eventName = name.slice(name.indexOf(":") + 1);
      const eventSource = `${name.slice(0, name.indexOf(":"))}.amazonaws.com`;
      // AssumeRole is evidence only when a service made it.
      const userIdentity = { type: name === SERVICE_ASSUME_ROLE ? "AWSService" : "AssumedRole" };
      expect(matches(pattern, event({ eventName, eventSource, userIdentity })), name).toBe(true);
    }
    expect(
      matches(pattern, event({ eventName: "AddPermission20150331v2", eventSource: "lambda.amazonaws.com" })),
    ).toBe(true);
    expect(
      matches(pattern, event({ eventName: "CreateFunction20150331", eventSource: "lambda.amazonaws.com" })),
    ).toBe(true);
    expect(matches(pattern, event({ eventName: "AssumeRole", userIdentity: { type: "AWSService" } }))).toBe(
      true,
    );
    expect(matches(pattern, event({ eventName: "AssumeRole", userIdentity: { type: "IAMUser" } }))).toBe(
      false,
    );
    expect(matches(pattern, event({ eventName: "DescribeTasks" }))).toBe(false);
  });

  it("forwards by name exactly the evidence events of src/cloudtrail/evidence-events.ts", () => {
    // AssumeRole and Lambda's versioned names have branches of their own; every other name is in one list.
    const branches = (pattern.detail as { $or: { eventName?: unknown[] }[] }).$or;
    const byName = branches.find(
      (b) =>
        Array.isArray(b.eventName) &&
        b.eventName.length > 2 &&
        b.eventName.every((n) => typeof n === "string"),
    );
    const listed = evidenceEventNames
      .filter((n) => n !== SERVICE_ASSUME_ROLE && !n.startsWith("lambda:"))
      .map((n) => n.slice(n.indexOf(":") + 1));
    expect([...(byName?.eventName ?? [])].sort()).toEqual([...new Set(listed)].sort());
  });

  it("stays within EventBridge's 4,096-character event pattern", () => {
    expect(JSON.stringify(pattern).length).toBeLessThanOrEqual(4096);
  });
});
