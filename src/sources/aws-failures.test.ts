import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { awsFailureTable, describeAwsFailure, sourcePermissions } from "./aws-failures.js";
import { AwsRequestError } from "./aws-retry.js";
import { LookupEventsError } from "./lookup-events/lookup-events.errors.js";

describe("the calls and permissions the messages name", () => {
  const folders = { lookup_events: "lookup-events", s3: "s3", sqs: "sqs", athena: "athena" } as const;

  it.each(Object.entries(folders))("%s: the calls are the SDK commands its code sends", (prefix, folder) => {
    const dir = join(import.meta.dirname, folder);
    const sent = new Set<string>();
    for (const name of readdirSync(dir).filter((n) => n.endsWith(".ts") && !n.endsWith(".test.ts")))
      for (const m of readFileSync(join(dir, name), "utf8").matchAll(/new (\w+)Command\(/g))
        sent.add(m[1] as string);
    const named = sourcePermissions[prefix as keyof typeof folders].calls.split(/,? /).slice(1);
    expect([...sent].sort()).toEqual([...named].sort());
  });

  it("covers every source folder, and a member account's AssumeRole, which any of them may make first", () => {
    expect(Object.keys(sourcePermissions).sort()).toEqual([...Object.keys(folders), "member_account"].sort());
  });

  it("asks only for permissions that docs/sources.md's policies grant", () => {
    const docs = readFileSync(join(import.meta.dirname, "../../docs/sources.md"), "utf8");
    const granted = new Set(
      [...docs.matchAll(/```json\n([\s\S]*?)```/g)].flatMap((m) =>
        [...(m[1] ?? "").matchAll(/"([a-z0-9-]+:[A-Za-z*]+)"/g)].map((a) => a[1]),
      ),
    );
    for (const { permissions } of Object.values(sourcePermissions))
      for (const [action] of permissions.matchAll(/\b[a-z0-9-]+:[A-Za-z*]+/g))
        expect(granted, action).toContain(action);
  });
});

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
      "https://sqs/q: AWS kept throttling after every retry (SQS ReceiveMessage, DeleteMessageBatch): ThrottlingException; run again later, or read fewer regions at once",
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
