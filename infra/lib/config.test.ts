import { describe, expect, it } from "vitest";
import { fullParameters, minimalParameters } from "../test/synth.js";
import { DeployConfigError, parseDeployConfig } from "./config.js";

const failure = (context: Record<string, unknown>): string[] => {
  try {
    parseDeployConfig(context);
  } catch (error) {
    if (error instanceof DeployConfigError) return error.issues;
    throw error;
  }
  throw new Error("expected the parameters to be refused");
};

describe("parseDeployConfig", () => {
  it("reads comma lists and flags as `-c key=value` gives them, and fills the defaults", () => {
    const config = parseDeployConfig({
      ...minimalParameters,
      "@aws-cdk/core:someFlag": true,
      "aws:cdk:x": 1,
    });
    expect(config).toMatchObject({
      imageRepository: "deniedby",
      internetFacing: true,
      push: true,
      ingressCidrs: ["0.0.0.0/0"],
      lookupRegions: ["eu-west-1", "us-east-1"],
      forwardRegions: ["us-east-1"],
      trailAccounts: ["111122223333"],
      publicSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
    });
    expect(
      parseDeployConfig({ ...minimalParameters, region: "us-east-1", lookupRegions: "none" }),
    ).toMatchObject({
      lookupRegions: [],
      forwardRegions: [],
    });
    expect(parseDeployConfig(fullParameters).trailPrefix).toBe("trails");
  });

  it("names every bad, missing or unknown parameter", () => {
    const issues = failure({ ...minimalParameters, account: "12", imagetag: "x", certificateArn: undefined });
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^imagetag: not a deniedby parameter/),
        expect.stringMatching(/^account: a 12-digit account id/),
        expect.stringMatching(/^certificateArn: /),
      ]),
    );
  });

  it("refuses combinations that cannot work", () => {
    expect(failure({ ...minimalParameters, internetFacing: "false" })).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ingressCidrs: an internal load balancer needs/),
        expect.stringMatching(/^push: EventBridge API destinations cannot reach an internal load balancer/),
      ]),
    );
    expect(failure({ ...minimalParameters, forwardRegions: "eu-west-1" })).toEqual([
      expect.stringMatching(/^forwardRegions: .*loop/),
    ]);
    expect(failure({ ...minimalParameters, trailKmsKeyArn: fullParameters.trailKmsKeyArn })).toEqual([
      "trailBucket: trail settings need the trailBucket",
    ]);
    expect(
      failure({
        ...minimalParameters,
        slackWebhookSecretArn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:x",
      }),
    ).toEqual([expect.stringMatching(/^slackWebhookSecretArn: a complete Secrets Manager secret ARN/)]);
  });

  it("refuses a queue without the trail bucket, a queue key without a queue, and deniedby's own account as a member", () => {
    const queue = "arn:aws:sqs:eu-west-1:111122223333:trail-files";
    expect(failure({ ...minimalParameters, trailQueueArn: queue }).join("\n")).toMatch(
      /^trailQueueArn: .*trailBucket/m,
    );
    expect(
      failure({
        ...minimalParameters,
        trailQueueKmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/77777777-8888-9999-aaaa-bbbbbbbbbbbb",
      }).join("\n"),
    ).toMatch(/^trailQueueKmsKeyArn:/m);
    expect(
      failure({
        ...minimalParameters,
        memberRoleArns: "arn:aws:iam::111122223333:role/deniedby-reader",
      }).join("\n"),
    ).toMatch(/^memberRoleArns: .*own account/m);
    expect(failure({ ...minimalParameters, memberExternalId: "abc" }).join("\n")).toMatch(
      /^memberExternalId:/m,
    );
    expect(
      failure({ ...minimalParameters, memberRoleArns: "arn:aws:iam::444455556666:user/x" }).join("\n"),
    ).toMatch(/^memberRoleArns\.0:/m);
  });
});
