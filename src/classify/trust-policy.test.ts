import { describe, expect, it } from "vitest";
import { decodeTrustPolicy } from "./trust-policy.js";

const doc = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Service: ["ecs-tasks.amazonaws.com", "ec2.amazonaws.com"] },
      Action: "sts:AssumeRole",
    },
    { Effect: "Deny", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
    {
      Effect: "Allow",
      Principal: {
        Federated: "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",
      },
      Action: "sts:AssumeRoleWithWebIdentity",
    },
  ],
};

describe("decodeTrustPolicy", () => {
  it("reads URL-encoded JSON as CloudTrail records it from the console and CLI", () => {
    expect(decodeTrustPolicy(encodeURIComponent(JSON.stringify(doc)))).toEqual({
      services: ["ec2.amazonaws.com", "ecs-tasks.amazonaws.com"],
      federated: ["arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"],
    });
  });

  it("reads plain JSON text and already-parsed objects alike", () => {
    const expected = decodeTrustPolicy(encodeURIComponent(JSON.stringify(doc)));
    expect(decodeTrustPolicy(JSON.stringify(doc, null, 2))).toEqual(expected);
    expect(decodeTrustPolicy(doc)).toEqual(expected);
  });

  it("accepts a single statement object and Service as a string, and ignores Deny statements", () => {
    const single = { Statement: { Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" } } };
    expect(decodeTrustPolicy(encodeURIComponent(JSON.stringify(single)))).toEqual({
      services: ["pods.eks.amazonaws.com"],
      federated: [],
    });
  });

  it("decodes form-style encoding where spaces became plus signs", () => {
    const text = JSON.stringify(
      { Statement: [{ Effect: "Allow", Principal: { Service: "events.amazonaws.com" } }] },
      null,
      1,
    );
    const form = encodeURIComponent(text).replace(/%20/g, "+");
    expect(decodeTrustPolicy(form)?.services).toEqual(["events.amazonaws.com"]);
  });

  it("returns null for text that is neither JSON nor encoded JSON", () => {
    expect(decodeTrustPolicy("%E0%A4%A")).toBeNull();
    expect(decodeTrustPolicy("not a policy")).toBeNull();
    expect(decodeTrustPolicy(undefined)).toBeNull();
  });
});
