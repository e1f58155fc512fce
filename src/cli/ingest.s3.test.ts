import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { tempDir } from "../../test/support/db.js";
import { scopedEnv } from "../../test/support/env.js";
import { type FakeS3, startFakeS3 } from "../../test/support/fake-s3.js";
import { type FakeSqs, startFakeSqs } from "../../test/support/fake-sqs.js";
import { s3EventNotification } from "../../test/support/trail-notifications.js";
import { putTrailFile } from "../../test/support/trail-objects.js";
import { loadConfig } from "../config.js";
import { openDb } from "../db/client.js";
import { createStore } from "../db/store.js";
import { sourceContext } from "../deps.js";
import { collectSourceMetrics, startLiveSources } from "../pipeline/live.js";
import { createStageRunner } from "../pipeline/stage-runner.js";
import { systemClock } from "../shared/clock.js";
import { silentLogger } from "../shared/logger.js";
import { createMetrics } from "../shared/metrics.js";
import { liveSources } from "../sources/registry.js";
import { ingestCommand } from "./ingest.command.js";

const BUCKET = "trail-bucket";
const env = scopedEnv();
let s3: FakeS3;
let sqs: FakeSqs;

beforeEach(async () => {
  s3 = await startFakeS3();
  sqs = await startFakeSqs({ longPollCapMs: 50 });
  env.set({
    AWS_ENDPOINT_URL_S3: s3.url,
    AWS_ENDPOINT_URL_SQS: sqs.url,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_REGION: "eu-west-1",
    DENIEDBY_S3_PATH_STYLE: "on",
  });
  vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  vi.spyOn(process.stderr, "write").mockImplementation(() => true);
});

afterEach(async () => {
  vi.restoreAllMocks();
  env.restore();
  await s3.close();
  await sqs.close();
});

const today = Date.now();

describe("deniedby ingest s3://…", () => {
  it("reads the bucket's log files of --since without --from, through AWS_ENDPOINT_URL_S3", async () => {
    for (let d = 0; d < 6; d++)
      putTrailFile(s3, BUCKET, {
        account: "111122223333",
        region: "eu-west-1",
        at: today - d * 86_400_000,
        n: 0,
      });
    const path = join(tempDir(), "db.sqlite");
    const code = await ingestCommand([`s3://${BUCKET}/`, "--since", "2d", "--db", path]);

    expect(code).toBe(0);
    const db = openDb({ path, readonly: true });
    const sources = db.$client.prepare("SELECT DISTINCT source FROM denials").pluck().all();
    const files = db.$client.prepare("SELECT count(*) FROM source_files").pluck().get();
    db.$client.close();
    expect(sources).toEqual(["s3"]);
    // Today, yesterday and the day before: three delivery days.
    expect(files).toBe(3);
  });

  it("refuses s3:// URIs mixed with local paths, and options another source takes", async () => {
    await expect(ingestCommand([`s3://${BUCKET}/`, "../../test/sources/local"])).rejects.toThrow(
      /cannot be read in one run/,
    );
    await expect(ingestCommand([`s3://${BUCKET}/`, "--queue-url", "x"])).rejects.toThrow(
      /--from s3 takes no/,
    );
    await expect(ingestCommand([`s3://${BUCKET}/`, "--account", "12"])).rejects.toThrow(/12-digit/);
  });
});

describe("the SQS source in the server", () => {
  it("runs when DENIEDBY_SQS_QUEUE_URL is set and publishes its counters in /metrics", async () => {
    const queueUrl = sqs.createQueue("trail-files");
    const f = putTrailFile(s3, BUCKET, { account: "111122223333", region: "eu-west-1", at: today, n: 0 });
    sqs.send(
      "trail-files",
      s3EventNotification({ bucket: BUCKET, key: f.key, size: f.info.size, eTag: f.info.eTag }),
    );
    const config = loadConfig({
      ...process.env,
      DENIEDBY_SQS_QUEUE_URL: queueUrl,
      DENIEDBY_SQS_REGION: "eu-west-1",
      DENIEDBY_SQS_WAIT_SECONDS: "1",
    });
    const db = openDb({ path: ":memory:" });
    const store = createStore(db);
    const live = startLiveSources({
      store,
      stages: createStageRunner({ store, logger: silentLogger }),
      sources: liveSources(sourceContext({ config })),
      clock: systemClock,
      logger: silentLogger,
    });
    const metrics = createMetrics();
    collectSourceMetrics(metrics, live);
    // Lag is known once a receive finds the queue empty: everything sent before it is handled.
    const settled = () =>
      live.status()[0]?.counters.messages_deleted === 1 && live.status()[0]?.lagSeconds != null;
    for (let i = 0; i < 100 && !settled(); i++) await new Promise((r) => setTimeout(r, 50));
    const text = await metrics.render();
    await live.stop();
    db.$client.close();

    expect(text).toMatch(/^deniedby_source_messages_received\{region="eu-west-1",source="sqs"\} 1$/m);
    expect(text).toMatch(/^deniedby_source_messages_deleted\{region="eu-west-1",source="sqs"\} 1$/m);
    expect(text).toMatch(/^deniedby_source_objects_read\{region="eu-west-1",source="sqs"\} 1$/m);
    expect(text).toMatch(/^deniedby_source_up\{region="eu-west-1",source="sqs"\} 1$/m);
    expect(text).toMatch(/^deniedby_source_lag_seconds\{region="eu-west-1",source="sqs"\} \d+$/m);
  });
});
