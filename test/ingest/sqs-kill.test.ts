import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDb } from "../../src/db/client.js";
import { dumpData, tempDir } from "../support/db.js";
import { type FakeS3, startFakeS3 } from "../support/fake-s3.js";
import { type FakeSqs, INTERNAL_FAILURE, startFakeSqs } from "../support/fake-sqs.js";
import { runCliProcess } from "../support/processes.js";
import { s3EventNotification } from "../support/trail-notifications.js";
import { putTrailFile } from "../support/trail-objects.js";

const BUCKET = "trail-bucket";

let s3: FakeS3;
let sqs: FakeSqs;
/** The queue's clock runs ahead of the wall clock by this much, so a test can let visibility timeouts pass. */
let ahead = 0;

beforeEach(async () => {
  ahead = 0;
  s3 = await startFakeS3();
  sqs = await startFakeSqs({ now: () => Date.now() + ahead, longPollCapMs: 200 });
});

afterEach(async () => {
  await s3.close();
  await sqs.close();
});

/** `deniedby ingest --from sqs` in a child process, against the local stand-ins. */
function drain(db: string, queueUrl: string) {
  return runCliProcess(["ingest", "--db", db, "--from", "sqs", "--queue-url", queueUrl], {
    AWS_ENDPOINT_URL_SQS: sqs.url,
    AWS_ENDPOINT_URL_S3: s3.url,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_REGION: "eu-west-1",
    DENIEDBY_S3_PATH_STYLE: "on",
    DENIEDBY_SQS_VISIBILITY_SECONDS: "30",
  });
}

describe("the SQS source killed between its commit and its delete", () => {
  it("loses nothing and counts nothing twice: the message comes back and ends deleted", async () => {
    const files = Array.from({ length: 3 }, (_, n) =>
      putTrailFile(s3, BUCKET, {
        account: "111122223333",
        region: "eu-west-1",
        at: Date.parse("2026-03-10T12:00:00Z") + n * 60_000,
        n,
        events: 40,
      }),
    );
    const body = s3EventNotification(
      ...files.map((f) => ({ bucket: BUCKET, key: f.key, size: f.info.size, eTag: f.info.eTag })),
    );
    const dir = tempDir();

    // The database one uninterrupted drain gives.
    const reference = sqs.createQueue("reference");
    sqs.send("reference", body);
    const clean = await drain(join(dir, "reference.db"), reference).exited;
    expect(clean.code, clean.stderr).toBe(0);
    expect(sqs.messages("reference")).toEqual([]);

    // SIGKILL as the delete arrives: the batch is committed, the message not deleted.
    const queue = sqs.createQueue("trail-files", { visibilityTimeoutSeconds: 30 });
    sqs.send("trail-files", body);
    const db = join(dir, "killed.db");
    const first = drain(db, queue);
    sqs.onRequest = (r) => {
      if (r.operation !== "DeleteMessageBatch" || r.queueUrl !== queue) return undefined;
      first.child.kill("SIGKILL");
      return INTERNAL_FAILURE;
    };
    const killed = await first.exited;
    expect(killed.signal).toBe("SIGKILL");
    sqs.onRequest = null;
    expect(sqs.messages("trail-files")).toMatchObject([{ receiveCount: 1, visible: false }]);
    const atKill = openDb({ path: db, readonly: true });
    const committed = (
      atKill.$client.prepare("SELECT count(*) AS n FROM ingested_events").get() as { n: number }
    ).n;
    atKill.$client.close();
    expect(committed).toBe(120);

    // The visibility timeout passes; the next drain receives the message again.
    ahead = 31_000;
    const second = await drain(db, queue).exited;
    expect(second.code, second.stderr).toBe(0);
    expect(sqs.messages("trail-files")).toEqual([]);

    const expected = openDb({ path: join(dir, "reference.db"), readonly: true });
    const after = openDb({ path: db, readonly: true });
    expect(dumpData(after)).toEqual(dumpData(expected));
    expect(dumpData(after).ingested_events).toHaveLength(120);
    expected.$client.close();
    after.$client.close();
  }, 120_000);
});
