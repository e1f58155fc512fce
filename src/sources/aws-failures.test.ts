import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { awsFailureTable, describeAwsFailure } from "./aws-failures.js";
import { AwsRequestError } from "./aws-retry.js";
import { LookupEventsError } from "./lookup-events/lookup-events.errors.js";

describe("AWS failures, said from one table", () => {
  it("is the table docs/sources.md shows", () => {
    const docs = readFileSync(join(import.meta.dirname, "../../docs/sources.md"), "utf8");
    const rendered = docs.slice(
      docs.indexOf("<!-- aws-failures:start -->\n") + "<!-- aws-failures:start -->\n".length,
      docs.indexOf("\n<!-- aws-failures:end -->"),
    );
    // Compared cell by cell: the formatter pads the docs' columns.
    const cells = (table: string) =>
      table.split("\n").map((line) => line.split("|").map((c) => c.trim().replace(/^-+$/, "-")));
    expect(cells(rendered)).toEqual(cells(awsFailureTable()));
  });

  it("names the cause, the call and, for a denial, the permission the role lacks", () => {
    const denied = new LookupEventsError(
      "lookup_events.request_failed",
      "eu-west-1",
      "AccessDeniedException",
      "no",
    );
    expect(describeAwsFailure(denied)).toBe(
      "eu-west-1: AWS denied the call (CloudTrail LookupEvents): AccessDeniedException: deniedby's role lacks cloudtrail:LookupEvents; grant deniedby's role the permission named",
    );
    const throttled = new AwsRequestError(
      "sqs.throttled",
      "https://sqs/q",
      "ThrottlingException",
      "s",
      "Rate exceeded",
    );
    expect(describeAwsFailure(throttled)).toBe(
      "https://sqs/q: AWS kept throttling after every retry (SQS ReceiveMessage, DeleteMessage, ChangeMessageVisibility): ThrottlingException; run again later, or read fewer regions at once",
    );
    const noCredentials = new AwsRequestError(
      "s3.request_failed",
      "s3://b/p/",
      "CredentialsProviderError",
      "s",
      "m",
    );
    expect(describeAwsFailure(noCredentials)).toMatch(/^s3:\/\/b\/p\/: no AWS credentials were found/);
    expect(describeAwsFailure(new Error("something else"))).toBeNull();
  });
});
