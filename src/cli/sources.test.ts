import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { scopedEnv } from "../../test/support/env.js";
import { type FakeCloudTrail, fakeEvent, startFakeCloudTrail } from "../../test/support/fake-cloudtrail.js";
import { loadConfig } from "../config.js";
import { openDb } from "../db/client.js";
import { createStore } from "../db/store.js";
import { sourceContext } from "../deps.js";
import { startLiveSources } from "../pipeline/live.js";
import { createStageRunner } from "../pipeline/stage-runner.js";
import { systemClock } from "../shared/clock.js";
import { silentLogger } from "../shared/logger.js";
import { createAwsClients } from "../sources/aws-clients.js";
import { createCloudTrailClient } from "../sources/lookup-events/cloudtrail-client.js";
import { liveSources } from "../sources/registry.js";
import { athenaCommand } from "./athena.command.js";
import { ingestCommand } from "./ingest.command.js";

let dir: string;
let fake: FakeCloudTrail;
const scoped = scopedEnv();
const env = {
  AWS_ENDPOINT_URL_CLOUDTRAIL: "",
  AWS_ACCESS_KEY_ID: "test",
  AWS_SECRET_ACCESS_KEY: "test",
  AWS_REGION: "eu-west-1",
};

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "deniedby-sources-"));
  const now = Date.now();
  fake = await startFakeCloudTrail({
    events: Array.from({ length: 120 }, (_, i) =>
      fakeEvent(`cli-${i}`, Math.floor((now - 10 * 60_000 - i * 1000) / 1000) * 1000, {
        errorCode: "AccessDenied",
      }),
    ),
  });
  env.AWS_ENDPOINT_URL_CLOUDTRAIL = fake.url;
  scoped.set(env);
  vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  vi.spyOn(process.stderr, "write").mockImplementation(() => true);
});

afterEach(async () => {
  vi.restoreAllMocks();
  scoped.restore();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

const count = (path: string) => {
  const db = openDb({ path });
  try {
    return (
      db.$client.prepare("SELECT count(*) AS n FROM denials WHERE source = 'lookup-events'").get() as {
        n: number;
      }
    ).n;
  } finally {
    db.$client.close();
  }
};

describe("deniedby ingest --from lookup-events", () => {
  it("pulls every region once from --since, through the endpoint variable", async () => {
    const path = join(dir, "db.sqlite");
    const code = await ingestCommand([
      "--from",
      "lookup-events",
      "--since",
      "1h",
      "--region",
      "eu-west-1",
      "--db",
      path,
    ]);
    expect(code).toBe(0);
    expect(count(path)).toBe(120);
    expect(fake.requests.length).toBe(3);
  });

  it("refuses a bad --since", async () => {
    await expect(
      ingestCommand(["--from", "lookup-events", "--since", "yesterday", "--region", "eu-west-1"]),
    ).rejects.toThrow(/--since/);
  });
});

describe("deniedby athena ddl", () => {
  it("prints the single-account DDL for a bucket", async () => {
    const write = vi.mocked(process.stdout.write);
    const code = await athenaCommand([
      "ddl",
      "--bucket",
      "trail-bucket",
      "--account",
      "111122223333",
      "--region",
      "eu-west-1",
    ]);
    expect(code).toBe(0);
    const text = String(write.mock.calls[0]?.[0]);
    expect(text).toContain("LOCATION 's3://trail-bucket/AWSLogs/111122223333/CloudTrail/'");
    expect(text).toContain(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${…} is Athena's storage template syntax, not JS.
      "'storage.location.template' = 's3://trail-bucket/AWSLogs/${p_account}/CloudTrail/${p_region}/${p_date}'",
    );
    expect(text).toContain("'projection.p_region.values' = 'eu-west-1'");
    expect(text).not.toContain("{{");
  });

  it("refuses a value that would break out of the statement", async () => {
    await expect(
      athenaCommand(["ddl", "--bucket", "b'; DROP TABLE x; --", "--account", "111122223333"]),
    ).rejects.toThrow(/bad bucket/);
  });
});

describe("startLiveSources", () => {
  it("polls the configured regions, reports lag, and stops", async () => {
    const db = openDb({ path: join(dir, "live.sqlite") });
    const config = loadConfig({
      DENIEDBY_LOOKUP_REGIONS: "eu-west-1",
      DENIEDBY_LOOKUP_LOOKBACK_HOURS: "1",
      DENIEDBY_LOOKUP_INTERVAL_SECONDS: "60",
    });
    const aws = createAwsClients({
      clock: systemClock,
      cloudTrail: (region) =>
        createCloudTrailClient({
          region,
          endpoint: fake.url,
          credentials: { accessKeyId: "t", secretAccessKey: "t" },
        }),
    });
    const store = createStore(db);
    const live = startLiveSources({
      store,
      stages: createStageRunner({ store, logger: silentLogger }),
      sources: liveSources(sourceContext({ config, aws })),
      clock: systemClock,
      logger: silentLogger,
    });
    for (let i = 0; i < 100 && live.status()[0]?.lastSuccessAt === null; i++)
      await new Promise((r) => setTimeout(r, 50));
    const status = live.status();
    await live.stop();
    expect(status[0]).toMatchObject({
      labels: { source: "lookup-events", region: "eu-west-1" },
      lastError: null,
      events: 120,
    });
    // The window ends a minute before now: the lag is about that settle delay.
    expect(status[0]?.lagSeconds).toBeGreaterThanOrEqual(59);
    expect(status[0]?.lagSeconds).toBeLessThan(70);
    // Athena is not configured: no source of it runs.
    expect(status.filter((s) => s.labels.source === "athena")).toEqual([]);
    expect((db.$client.prepare("SELECT count(*) AS n FROM denials").get() as { n: number }).n).toBe(120);
    db.$client.close();
  });
});
