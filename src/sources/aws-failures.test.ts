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

  it.each([
    [
      "a denial, with the permission deniedby's role lacks",
      new LookupEventsError("lookup_events.request_failed", "eu-west-1", "AccessDeniedException", "no"),
      "eu-west-1: AWS denied the call (CloudTrail LookupEvents): AccessDeniedException: deniedby's role lacks cloudtrail:LookupEvents; grant deniedby's role the permission named",
    ],
    [
      "throttling that outlasted the retries",
      new AwsRequestError("sqs.throttled", "https://sqs/q", "ThrottlingException", "s", "Rate exceeded"),
      "https://sqs/q: AWS kept throttling after every retry (SQS ReceiveMessage, DeleteMessage, ChangeMessageVisibility): ThrottlingException; run again later, or read fewer regions at once",
    ],
    [
      "no credentials",
      new AwsRequestError("s3.request_failed", "s3://b/p/", "CredentialsProviderError", "s", "m"),
      "s3://b/p/: no AWS credentials were found (S3 ListObjectsV2, GetObject): CredentialsProviderError; set AWS_PROFILE or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or run with an instance or task role",
    ],
  ])("says %s in one line: where, the cause, the call and what to do", (_, error, said) => {
    expect(describeAwsFailure(error)).toBe(said);
  });

  it("says nothing of an error that is not an AWS failure", () => {
    expect(describeAwsFailure(new Error("something else"))).toBeNull();
  });
});
