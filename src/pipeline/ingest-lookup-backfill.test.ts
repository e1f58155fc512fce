import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/support/db.js";
import { type FakeTrailEvent, fakeEvent, type LookupRequest } from "../../test/support/fake-cloudtrail.js";
import { fakeLookupSource, REGION, useLookupEventsBed } from "../../test/support/lookup-events-bed.js";
import { openDb } from "../db/client.js";
import { createStore } from "../db/store.js";
import {
  type LookupEventsSourceOptions,
  type LookupProgress,
  readLookupCheckpoint,
} from "../sources/lookup-events/lookup-events.source.js";
import { createRateLimiter, type RateLimiter } from "../sources/lookup-events/rate-limiter.js";
import { ingestSource } from "./ingest-session.js";

const NOW = Date.parse("2026-03-10T12:00:00Z");
const DAY = 86_400_000;

/** `n` events spread evenly over `[from, to)`, whole seconds. */
function spread(n: number, from: number, to: number, prefix: string): FakeTrailEvent[] {
  const step = (to - from) / n;
  return Array.from({ length: n }, (_, i) =>
    fakeEvent(`${prefix}-${String(i).padStart(6, "0")}`, Math.floor((from + i * step) / 1000) * 1000),
  );
}

/** The most requests any one-second window [t, t + 1 s) holds. */
function maxPerSecond(requests: LookupRequest[]): number {
  const times = requests.map((r) => r.at);
  return Math.max(0, ...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
}

const bed = useLookupEventsBed(NOW);

const storedCount = () =>
  (bed.db.$client.prepare("SELECT count(*) AS n FROM ingested_events").get() as { n: number }).n;

/** A 90-day backfill as `deniedby ingest --from lookup-events --since 90d` runs it, 2 requests/s. */
function backfill(overrides: Partial<LookupEventsSourceOptions> & { limiter?: RateLimiter } = {}) {
  return fakeLookupSource(bed, {
    limiter: createRateLimiter({ perSecond: 2, clock: bed.clock }),
    lookbackMs: 90 * DAY,
    ...overrides,
  });
}

describe("a LookupEvents backfill", () => {
  it("costs what the events cost on a quiet 90 days: one window, one request per page", async () => {
    const events = spread(1_000, NOW - 90 * DAY, NOW - 2 * 60_000, "quiet");
    bed.fake.add(events);
    const { summary, result } = await ingestSource(bed.store, backfill());

    expect(storedCount()).toBe(1_000);
    expect(summary.duplicates).toBe(0);
    // 1,000 events are 20 full pages: 20 requests, where hour windows took 2,160.
    expect(result.requests).toBe(20);
    expect(bed.fake.requests).toHaveLength(20);
    expect(result.windows).toBe(1);
    expect(bed.fake.requests[0]).toMatchObject({ startTime: NOW - 90 * DAY, endTime: NOW - 60_000 });
    expect(readLookupCheckpoint(bed.store.ingest.readCheckpoint, REGION)).toMatchObject({
      highWater: NOW - 60_000,
      pending: [],
      window: null,
    });
  });

  it("reads a 90-day range holding a handful of events with one request", async () => {
    bed.fake.add(spread(7, NOW - 80 * DAY, NOW - DAY, "few"));
    const { result } = await ingestSource(bed.store, backfill());
    expect(storedCount()).toBe(7);
    expect(result.requests).toBe(1);
  });

  it("cuts a busy range into smaller windows, oldest first, and completes every one", async () => {
    const busyFrom = NOW - 40 * DAY;
    const events = [
      ...spread(300, NOW - 90 * DAY, busyFrom, "before"),
      ...spread(12_000, busyFrom, busyFrom + 3 * 3_600_000, "busy"),
      ...spread(300, busyFrom + DAY, NOW - 2 * 60_000, "after"),
    ];
    bed.fake.add(events);
    const highWaters: (number | null)[] = [];
    const { summary, result } = await ingestSource(
      bed.store,
      backfill({ onProgress: (p: LookupProgress) => highWaters.push(p.highWater) }),
    );

    expect(storedCount()).toBe(events.length);
    const pages = Math.ceil(events.length / 50);
    // Every full page is needed; each window ends with at most one part-filled page.
    expect(result.requests).toBeGreaterThanOrEqual(pages);
    expect(result.requests).toBeLessThanOrEqual(pages + result.windows);
    expect(result.windows).toBeGreaterThan(3);
    expect(result.requests).toBeLessThan(pages * 1.1);
    // No window pages more than the cut (40 pages) plus a one-second remainder.
    const perWindow = new Map<string, number>();
    for (const r of bed.fake.requests) {
      const key = `${r.startTime}-${r.endTime}`;
      perWindow.set(key, (perWindow.get(key) ?? 0) + 1);
    }
    expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(40);
    // The high-water mark only moves forward, and ends at the end of the range.
    const seen = highWaters.filter((h): h is number => h !== null);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBe(NOW - 60_000);
    expect(summary.duplicates).toBeLessThan(50);
    expect(maxPerSecond(bed.fake.requests)).toBeLessThanOrEqual(2);
  });

  it("pages a single second that holds more than a window's worth to its end", async () => {
    const at = NOW - 10 * DAY;
    bed.fake.add(
      Array.from({ length: 2_600 }, (_, i) => fakeEvent(`same-${String(i).padStart(5, "0")}`, at)),
    );
    const { result } = await ingestSource(bed.store, backfill({ lookbackMs: 20 * DAY }));
    expect(storedCount()).toBe(2_600);
    expect(result.requests).toBeLessThanOrEqual(52 + result.windows + 1);
  });

  it("keeps 2 requests/s across a restart: the next process waits for the killed one's last slot", async () => {
    const events = [
      ...spread(200, NOW - 90 * DAY, NOW - 30 * DAY, "old"),
      ...spread(5_000, NOW - 30 * DAY, NOW - 29 * DAY, "busy"),
    ];
    bed.fake.add(events);
    const file = `${tempDir()}/restart.db`;
    const first = openDb({ path: file });
    const controller = new AbortController();
    bed.fake.onRequest = (n) => {
      if (n === 37) controller.abort();
      return undefined;
    };
    const killed = await ingestSource(createStore(first), backfill(), { signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    expect(killed).toBeInstanceOf(Error);
    first.$client.close();
    const before = bed.fake.requests.length;
    const lastAt = bed.fake.requests.at(-1)?.at ?? 0;

    // A new process: a new limiter, the same database, started at once.
    bed.fake.onRequest = null;
    const second = openDb({ path: file });
    const { summary } = await ingestSource(createStore(second), backfill());
    const afterRestart = bed.fake.requests.slice(before);

    expect(afterRestart[0]?.at).toBeGreaterThanOrEqual(lastAt + 500);
    expect(maxPerSecond(bed.fake.requests)).toBeLessThanOrEqual(2);
    const stored = (
      second.$client.prepare("SELECT count(*) AS n FROM ingested_events").get() as { n: number }
    ).n;
    expect(stored).toBe(events.length);
    // It resumed the window with the stored token: nothing read twice but the seconds at page edges.
    expect(afterRestart[0]?.nextToken).not.toBeNull();
    expect(summary.duplicates).toBeLessThan(10);
    second.$client.close();
  });
});
