import { join } from "node:path";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { startServer } from "../../src/server.js";
import { tempDir } from "../support/db.js";
import { type FakeCloudTrail, fakeEvent, startFakeCloudTrail } from "../support/fake-cloudtrail.js";

const saved: Record<string, string | undefined> = {};
let fake: FakeCloudTrail | undefined;

afterEach(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await fake?.close();
});

describe("npm start with DENIEDBY_LOOKUP_REGIONS", () => {
  it("polls the region and reports events read, source health and lag in /metrics", async () => {
    const now = Date.now();
    fake = await startFakeCloudTrail({
      events: Array.from({ length: 30 }, (_, i) =>
        fakeEvent(`metrics-${i}`, Math.floor((now - 30 * 60_000 - i * 1000) / 1000) * 1000, {
          errorCode: "AccessDenied",
        }),
      ),
    });
    // The SDK's own standard variables: endpoint and (dummy) credentials.
    const env = {
      AWS_ENDPOINT_URL_CLOUDTRAIL: fake.url,
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
    };
    for (const [k, v] of Object.entries(env)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    const config = loadConfig({
      PORT: "0",
      DENIEDBY_DB: join(tempDir(), "deniedby.db"),
      DENIEDBY_EXAMPLES: "off",
      DENIEDBY_LOOKUP_REGIONS: "eu-west-1",
      DENIEDBY_LOOKUP_LOOKBACK_HOURS: "1",
    });
    const server = await startServer(config, { logger: pino({ level: "silent" }) });
    try {
      const metrics = async () => (await fetch(`${server.url}/metrics`)).text();
      await expect
        .poll(metrics, { timeout: 20_000, interval: 200 })
        .toMatch(/^deniedby_source_events_read\{region="eu-west-1",source="lookup-events"\} 30$/m);
      const text = await metrics();
      expect(text).toMatch(/^deniedby_source_up\{region="eu-west-1",source="lookup-events"\} 1$/m);
      expect(text).toMatch(/^deniedby_source_lag_seconds\{region="eu-west-1",source="lookup-events"\} \d+/m);
      expect(text).toMatch(/^deniedby_denials_stored 30$/m);
    } finally {
      await server.close();
    }
  }, 30_000);
});
