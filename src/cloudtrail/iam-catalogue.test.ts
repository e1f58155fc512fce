import { describe, expect, it } from "vitest";
import {
  canonicalAction,
  serviceActionNames,
  serviceExists,
  supportsResourceLevel,
} from "./iam-catalogue.js";

describe("the IAM action catalogue", () => {
  it("spells actions as the catalogue does", () => {
    expect(canonicalAction("sqs:sendmessage")).toBe("sqs:SendMessage");
    expect(canonicalAction("SNS:Publish")).toBe("sns:Publish");
    expect(canonicalAction("s3:nope")).toBeUndefined();
  });

  it("knows which actions support resource-level permissions", () => {
    expect(supportsResourceLevel("ecr:GetAuthorizationToken")).toBe(false);
    expect(supportsResourceLevel("s3:GetObject")).toBe(true);
    expect(supportsResourceLevel("made:Up")).toBeUndefined();
  });

  it("lists a service's actions as the catalogue spells them, and nothing for an unknown service", () => {
    const ecs = serviceActionNames("ECS");
    expect(ecs).toContain("ecs:SubmitTaskStateChange");
    expect([...ecs].sort()).toEqual(ecs);
    expect(serviceActionNames("made-up")).toEqual([]);
    expect(serviceExists("ecs")).toBe(true);
    expect(serviceExists("../etc")).toBe(false);
  });
});
