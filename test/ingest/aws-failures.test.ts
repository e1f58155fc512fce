import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "../support/db.js";
import { type FakeCloudTrail, startFakeCloudTrail } from "../support/fake-cloudtrail.js";
import { runCliProcess } from "../support/processes.js";

let fake: FakeCloudTrail;
beforeEach(async () => {
  fake = await startFakeCloudTrail();
});
afterEach(async () => {
  await fake.close();
});

/** `deniedby ingest --from lookup-events` in a child process against the local CloudTrail: status and stderr. */
function lookupEvents(db: string) {
  return runCliProcess(["ingest", "--db", db, "--from", "lookup-events", "--since", "1h"], {
    // Unset, so the test sees that the command itself keeps the SDK's Node-version warning off the terminal.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined,
    AWS_ENDPOINT_URL_CLOUDTRAIL: fake.url,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_REGION: "eu-west-1",
    DENIEDBY_LOOKUP_REGIONS: "eu-west-1",
  }).exited;
}

describe("an AWS source that fails, as the command line says it", () => {
  it("says a denial in one line naming the call and the permission deniedby's role lacks, exit 3", async () => {
    fake.fail({
      kind: "error",
      status: 400,
      type: "AccessDeniedException",
      message:
        "User: arn:aws:sts::111122223333:assumed-role/deniedby/x is not authorized to perform: cloudtrail:LookupEvents",
    });
    const db = join(tempDir(), "d.db");
    const { code, stderr } = await lookupEvents(db);
    expect(code, stderr).toBe(3);
    expect(stderr.trimEnd().split("\n")).toEqual([
      "deniedby ingest: eu-west-1: AWS denied the call (CloudTrail LookupEvents): AccessDeniedException: deniedby's role lacks cloudtrail:LookupEvents; grant deniedby's role the permission named",
    ]);
    // The SDK's Node-version warning does not reach the terminal.
    expect(stderr).not.toContain("NodeVersionSupportWarning");
    expect(existsSync(db)).toBe(true);
  });

  it("says expired credentials in one line, exit 3", async () => {
    fake.fail({
      kind: "error",
      status: 400,
      type: "ExpiredTokenException",
      message: "The security token included in the request is expired",
    });
    const { code, stderr } = await lookupEvents(join(tempDir(), "d.db"));
    expect(code, stderr).toBe(3);
    expect(stderr.trimEnd().split("\n")).toEqual([
      "deniedby ingest: eu-west-1: the credentials have expired (CloudTrail LookupEvents): ExpiredTokenException; refresh them (aws sso login, a new session) and run again",
    ]);
  });
});
