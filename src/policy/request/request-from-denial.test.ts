import { describe, expect, it } from "vitest";
import type { CloudTrailRecord } from "../../cloudtrail/record.js";
import { loadActionFacts } from "../action-facts.js";
import { requestFromDenial } from "./request-from-denial.js";

const account = "111122223333";

/** A denied call by an ECS task role session, shaped as CloudTrail logs one (userIdentity with sessionContext). */
function denied(overrides: Partial<CloudTrailRecord> = {}): CloudTrailRecord {
  return {
    eventVersion: "1.09",
    eventID: "ev-1",
    eventTime: "2026-03-01T10:00:00Z",
    eventSource: "s3.amazonaws.com",
    eventName: "GetObject",
    awsRegion: "eu-west-1",
    sourceIPAddress: "203.0.113.7",
    userAgent: "aws-sdk-js/3.0",
    errorCode: "AccessDenied",
    recipientAccountId: account,
    userIdentity: {
      type: "AssumedRole",
      principalId: "AROAEXAMPLE:3f1c2b0e9a8d4c7b6a5f4e3d2c1b0a99",
      arn: `arn:aws:sts::${account}:assumed-role/app-task/3f1c2b0e9a8d4c7b6a5f4e3d2c1b0a99`,
      accountId: account,
      sessionContext: {
        sessionIssuer: { type: "Role", arn: `arn:aws:iam::${account}:role/ecs/app-task`, accountId: account },
        attributes: { creationDate: "2026-03-01T09:00:00Z", mfaAuthenticated: "false" },
      },
    },
    requestParameters: { bucketName: "data", key: "reports/q1.csv" },
    resources: [
      { type: "AWS::S3::Object", ARN: "arn:aws:s3:::data/reports/q1.csv" },
      { accountId: "444455556666", type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::data" },
    ],
    tlsDetails: { tlsVersion: "TLSv1.3" },
    ...overrides,
  };
}

describe("the request context of a denial", () => {
  it("names the caller with its role's path, the action, the resource and what the trail says", () => {
    const { request, unavailableContextKeys } = requestFromDenial(denied());
    expect(request).toMatchObject({
      principal: {
        kind: "role-session",
        arn: `arn:aws:sts::${account}:assumed-role/app-task/3f1c2b0e9a8d4c7b6a5f4e3d2c1b0a99`,
        roleArn: `arn:aws:iam::${account}:role/ecs/app-task`,
        account,
      },
      action: "s3:GetObject",
      resource: "arn:aws:s3:::data/reports/q1.csv",
      context: {
        "aws:SourceIp": "203.0.113.7",
        "aws:ViaAWSService": "false",
        "aws:SecureTransport": "true",
        "aws:CurrentTime": "2026-03-01T10:00:00Z",
        "aws:EpochTime": "1772359200",
        "aws:RequestedRegion": "eu-west-1",
        "aws:userid": "AROAEXAMPLE:3f1c2b0e9a8d4c7b6a5f4e3d2c1b0a99",
        "aws:TokenIssueTime": "2026-03-01T09:00:00Z",
        "aws:MultiFactorAuthPresent": "false",
        "aws:UserAgent": "aws-sdk-js/3.0",
      },
    });
    // An object ARN names no account: CloudTrail's resources[] gives none for the object here either.
    expect(request.resourceAccount).toBeUndefined();
    expect(unavailableContextKeys).toEqual(
      expect.arrayContaining([
        "aws:PrincipalTag/*",
        "aws:PrincipalOrgID",
        "aws:ResourceTag/*",
        "aws:ResourceAccount",
      ]),
    );
    expect(unavailableContextKeys).not.toContain("aws:SecureTransport");
  });

  it("takes the parsed message's action and resource over the event's", () => {
    const { request } = requestFromDenial(denied(), {
      message: { action: "kms:Decrypt", resource: `arn:aws:kms:eu-west-1:${account}:key/k1` },
    });
    expect(request).toMatchObject({ action: "kms:Decrypt", resourceAccount: account });
  });

  it("uses the VPC endpoint keys instead of aws:SourceIp through an endpoint", () => {
    const { request, unavailableContextKeys } = requestFromDenial(
      denied({
        vpcEndpointId: "vpce-0a1b2c3d",
        sourceIPAddress: "10.0.3.7",
        resources: [{ accountId: account, ARN: "arn:aws:s3:::data/reports/q1.csv" }],
      }),
    );
    expect(request.context).toMatchObject({
      "aws:SourceVpce": "vpce-0a1b2c3d",
      "aws:VpcSourceIp": "10.0.3.7",
    });
    expect(request.context["aws:SourceIp"]).toBeUndefined();
    expect(request.resourceAccount).toBe(account);
    expect(unavailableContextKeys).toContain("aws:SourceVpc");
  });

  it("reads a service acting for the caller: aws:ViaAWSService, aws:CalledVia, kms:ViaService and the encryption context", () => {
    const base = denied();
    const record = denied({
      eventSource: "kms.amazonaws.com",
      eventName: "Decrypt",
      sourceIPAddress: "dynamodb.amazonaws.com",
      userIdentity: { ...base.userIdentity, invokedBy: "dynamodb.amazonaws.com" },
      requestParameters: {
        keyId: `arn:aws:kms:eu-west-1:${account}:key/k1`,
        encryptionContext: { "aws:dynamodb:tableName": "orders" },
        encryptionAlgorithm: "SYMMETRIC_DEFAULT",
      },
      resources: [],
    });
    const { request } = requestFromDenial(record);
    expect(request.action).toBe("kms:Decrypt");
    expect(request.context).toMatchObject({
      "aws:ViaAWSService": "true",
      "aws:CalledVia": ["dynamodb.amazonaws.com"],
      "aws:CalledViaFirst": "dynamodb.amazonaws.com",
      "kms:ViaService": "dynamodb.eu-west-1.amazonaws.com",
      "kms:EncryptionContext:aws:dynamodb:tableName": "orders",
      "kms:EncryptionContextKeys": ["aws:dynamodb:tableName"],
      "kms:EncryptionAlgorithm": "SYMMETRIC_DEFAULT",
      "kms:CallerAccount": account,
    });
    expect(request.context["aws:SourceIp"]).toBeUndefined();
  });

  it("lists the action's condition keys the trail does not supply", async () => {
    const actionFacts = await loadActionFacts(["s3:ListBucket"]);
    const record = denied({
      eventName: "ListObjects",
      requestParameters: { bucketName: "data", prefix: "reports/", delimiter: "/" },
      resources: [{ accountId: account, type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::data" }],
    });
    const { request, unavailableContextKeys } = requestFromDenial(record, { actionFacts });
    expect(request.action).toBe("s3:ListBucket");
    expect(request.context).toMatchObject({ "s3:prefix": "reports/", "s3:delimiter": "/" });
    expect(unavailableContextKeys).toContain("s3:max-keys");
    expect(unavailableContextKeys).not.toContain("s3:prefix");
  });

  it("fills principal tags and organisation from the model, session tags winning", () => {
    const { request, unavailableContextKeys } = requestFromDenial(denied(), {
      principalTags: { team: "payments", env: "prod" },
      sessionTags: { env: "staging" },
      principalOrg: { id: "o-abcdefghij", paths: ["o-abcdefghij/r-ab12/ou-ab12-prod1234/"] },
    });
    expect(request.context).toMatchObject({
      "aws:PrincipalTag/team": "payments",
      "aws:PrincipalTag/env": "staging",
      "aws:PrincipalOrgID": "o-abcdefghij",
    });
    expect(unavailableContextKeys).not.toContain("aws:PrincipalTag/*");
  });

  it("sees users, root, services and anonymous callers as IAM does", () => {
    const kind = (userIdentity: CloudTrailRecord["userIdentity"]) => {
      const { userIdentity: _, ...rest } = denied();
      return requestFromDenial(userIdentity ? { ...rest, userIdentity } : rest).request.principal;
    };
    expect(
      kind({
        type: "IAMUser",
        arn: `arn:aws:iam::${account}:user/bob`,
        accountId: account,
        principalId: "AIDA1",
      }),
    ).toEqual({
      kind: "user",
      arn: `arn:aws:iam::${account}:user/bob`,
      account,
    });
    expect(kind({ type: "Root", arn: `arn:aws:iam::${account}:root`, accountId: account })).toMatchObject({
      kind: "root",
    });
    expect(kind({ type: "AWSService", invokedBy: "ecs-tasks.amazonaws.com" })).toEqual({
      kind: "service",
      arn: "ecs-tasks.amazonaws.com",
    });
    expect(kind(undefined)).toEqual({ kind: "anonymous", arn: "*" });
  });
});
