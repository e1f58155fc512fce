import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { openDb } from "../src/db/client.js";
import { createStore } from "../src/db/store.js";
import { ingestSource } from "../src/pipeline/ingest-session.js";
import { createCloudTrailClient } from "../src/sources/lookup-events/cloudtrail-client.js";
import { lookupEventsSource } from "../src/sources/lookup-events/lookup-events.source.js";
import { unlimited } from "../src/sources/lookup-events/rate-limiter.js";
import { type FakeTrailEvent, fakeEvent, startFakeCloudTrail } from "../test/support/fake-cloudtrail.js";

const EVENTS = 100_000;

/**
 * Pulls 100,000 events (2,000 pages of 50) from the local fake LookupEvents endpoint through the real SDK client,
 * the poller and the ingest path into a SQLite file, with the rate limiter disabled, and prints events/s: the
 * client-side cost per event. (Against AWS the 2 req/s quota caps a region at 100 events/s.) 1 in 50 events is a
 * denial, 1 in 100 evidence, the rest usage, over 20 roles.
 */
export async function benchLookupEvents(): Promise<void> {
  const now = Date.now();
  const end = Math.floor((now - 120_000) / 1000) * 1000;
  const events: FakeTrailEvent[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const time = end - Math.floor(i / 4) * 1000;
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
    events.push(
      i % 50 === 0
        ? fakeEvent(id, time, {
            errorCode: "AccessDenied",
            errorMessage: "User: x is not authorized to perform: s3:GetObject",
          })
        : i % 100 === 1
          ? fakeEvent(id, time, { name: "RegisterTaskDefinition", source: "ecs.amazonaws.com" })
          : fakeEvent(id, time, { name: i % 3 === 0 ? "GetObject" : "DescribeInstances" }),
    );
  }
  const fake = await startFakeCloudTrail({ events });
  const dir = mkdtempSync(join(tmpdir(), "deniedby-bench-"));
  const db = openDb({ path: join(dir, "bench.sqlite") });
  try {
    const source = lookupEventsSource({
      client: createCloudTrailClient({
        region: "eu-west-1",
        endpoint: fake.url,
        credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
      }),
      region: "eu-west-1",
      limiter: unlimited,
      since: end - Math.ceil(EVENTS / 4) * 1000,
      maxWindowMs: 365 * 86_400_000,
    });
    const started = process.hrtime.bigint();
    const { summary, result } = await ingestSource(createStore(db), source);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    process.stdout.write(
      `lookup-events: ${summary.events.toLocaleString("en-US")} events, ${result.pages} pages in ${seconds.toFixed(2)} s ` +
        `= ${Math.round(summary.events / seconds).toLocaleString("en-US")} events/s ` +
        `(${((seconds / result.pages) * 1000).toFixed(2)} ms/page; limiter disabled; stored ${summary.stored.denials} denials, ` +
        `${summary.stored.evidence} evidence, ${summary.stored.usage} usage)\n`,
    );
  } finally {
    db.$client.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  await benchLookupEvents();
