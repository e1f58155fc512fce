import { describe, expect, it } from "vitest";
import { isDataEventAction } from "./data-events.js";

describe("isDataEventAction", () => {
  it.each([
    "s3:GetObject",
    "s3:PutObjectAcl",
    "s3:GetObjectTagging",
    "s3:DeleteObject",
    "s3:RestoreObject",
    "dynamodb:GetItem",
    "dynamodb:Query",
    // The explainer left the batch and transaction item calls out; the report knew the batch ones.
    "dynamodb:BatchWriteItem",
    "dynamodb:BatchGetItem",
    "dynamodb:TransactWriteItems",
    "lambda:InvokeFunction",
  ])("%s is recorded only as a data event", (action) => {
    expect(isDataEventAction(action)).toBe(true);
  });

  it.each([
    "s3:ListBucket",
    "s3:GetBucketPolicy",
    "dynamodb:DescribeTable",
    "lambda:GetFunction",
    "ec2:RunInstances",
  ])("%s is a management event", (action) => {
    expect(isDataEventAction(action)).toBe(false);
  });
});
