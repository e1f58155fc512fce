import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { openDb } from "../src/db/client.js";
import { createStore } from "../src/db/store.js";
import { ingestSource } from "../src/pipeline/ingest-session.js";
import { createCloudTrailClient } from "../src/sources/lookup-events/cloudtrail-client.js";
import {
  type LookupEventsSourceOptions,
  lookupEventsSource,
} from "../src/sources/lookup-events/lookup-events.source.js";
import { createRateLimiter, unlimited } from "../src/sources/lookup-events/rate-limiter.js";
import {
  createVirtualClock,
  type FakeTrailEvent,
  fakeEvent,
  startFakeCloudTrail,
} from "../test/support/fake-cloudtrail.js";
import { line } from "./report.js";

const EVENTS = 100_000;
const DAY = 86_400_000;

/** `n` events spread evenly over `[from, to)`. */
function spread(n: number, from: number, to: number, prefix: string): FakeTrailEvent[] {
  const step = (to - from) / n;
  return Array.from({ length: n }, (_, i) =>
    fakeEvent(`${prefix}-${i}`, Math.floor((from + i * step) / 1000) * 1000),
  );
}

/** eu-west-1 of the fake at `endpoint`, through the real SDK client. */
function benchSource(endpoint: string, options: Omit<LookupEventsSourceOptions, "client" | "region">) {
  return lookupEventsSource({
    client: createCloudTrailClient({
      region: "eu-west-1",
      endpoint,
      credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
    }),
    region: "eu-west-1",
    ...options,
  });
}

/**
 * Requests one backfill sends, through the 2 requests/s limiter on a virtual clock (no real waiting), next to the
 * fewest it could (one per 50 events) and what fixed one-hour windows cost (one request per hour, plus the extra
 * pages of busy hours).
 */
async function backfillRequests(name: string, days: number, events: FakeTrailEvent[]): Promise<void> {
  const now = Date.parse("2026-03-10T12:00:00Z");
  const clock = createVirtualClock(now);
  const fake = await startFakeCloudTrail({ events, now: clock.now });
  const db = openDb({ path: ":memory:" });
  try {
    const source = benchSource(fake.url, {
      limiter: createRateLimiter({ perSecond: 2, clock }),
      clock,
      lookbackMs: days * DAY,
    });
    const { result } = await ingestSource(createStore(db), source);
    const perHour = new Map<number, number>();
    for (const e of events)
      perHour.set(Math.floor(e.time / 3_600_000), (perHour.get(Math.floor(e.time / 3_600_000)) ?? 0) + 1);
    const hourly =
      days * 24 + [...perHour.values()].reduce((sum, n) => sum + Math.max(0, Math.ceil(n / 50) - 1), 0);
    line(
      `lookup-events backfill, ${name}: ${events.length.toLocaleString("en-US")} events over ${days} days in ` +
        `${result.requests.toLocaleString("en-US")} requests, ${result.windows} windows ` +
        `(fewest possible ${Math.max(1, Math.ceil(events.length / 50)).toLocaleString("en-US")}; ` +
        `one-hour windows: ${hourly.toLocaleString("en-US")}); ${((clock.now() - now) / 1000).toFixed(0)} s at 2 requests/s`,
    );
  } finally {
    db.$client.close();
    await fake.close();
  }
}

/**
 * Pulls 100,000 events (2,000 pages of 50) from the local fake LookupEvents endpoint through the real SDK client,
 * the poller and the ingest path into a SQLite file, with the rate limiter disabled, and prints events/s: the
 * client-side cost per event. (Against AWS the 2 req/s quota caps a region at 100 events/s.) 1 in 50 events is a
 * denial, 1 in 100 evidence, the rest usage, over 20 roles. Then prints the requests of three backfills.
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
    const source = benchSource(fake.url, { limiter: unlimited, since: end - Math.ceil(EVENTS / 4) * 1000 });
    const started = process.hrtime.bigint();
    const { summary, result } = await ingestSource(createStore(db), source);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    line(
      `lookup-events: ${summary.events.toLocaleString("en-US")} events, ${result.pages} pages ` +
        `(${result.requests} requests, ${result.windows} windows) in ${seconds.toFixed(2)} s ` +
        `= ${Math.round(summary.events / seconds).toLocaleString("en-US")} events/s ` +
        `(${((seconds / result.pages) * 1000).toFixed(2)} ms/page; limiter disabled; stored ${summary.stored.denials} denials, ` +
        `${summary.stored.evidence} evidence, ${summary.stored.usage} usage)`,
    );
  } finally {
    db.$client.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const at = Date.parse("2026-03-10T12:00:00Z");
  await backfillRequests("quiet", 14, spread(190, at - 14 * DAY, at - 120_000, "q14"));
  await backfillRequests("quiet", 90, spread(1_000, at - 90 * DAY, at - 120_000, "q90"));
  await backfillRequests("one busy day", 90, [
    ...spread(500, at - 90 * DAY, at - 40 * DAY, "before"),
    ...spread(20_000, at - 40 * DAY, at - 39 * DAY, "busy"),
    ...spread(500, at - 39 * DAY, at - 120_000, "after"),
  ]);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  await benchLookupEvents();
