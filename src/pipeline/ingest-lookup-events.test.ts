import { describe, expect, it } from "vitest";
import { type FakeTrailEvent, fakeEvent } from "../../test/support/fake-cloudtrail.js";
import {
  credentials,
  fakeLookupSource,
  REGION,
  useLookupEventsBed,
} from "../../test/support/lookup-events-bed.js";
import { createCloudTrailClient } from "../sources/lookup-events/cloudtrail-client.js";
import { LookupEventsError } from "../sources/lookup-events/lookup-events.errors.js";
import {
  type LookupEventsSourceOptions,
  lookupEventsSource,
  readLookupCheckpoint,
} from "../sources/lookup-events/lookup-events.source.js";
import { createRateLimiter, unlimited } from "../sources/lookup-events/rate-limiter.js";
import { ingestSource } from "./ingest-session.js";

const NOW = Date.parse("2026-03-10T12:00:00Z");

/** `n` denials spread over the hour before `end`, several sharing each second. */
function denials(n: number, end: number, prefix = "e"): FakeTrailEvent[] {
  return Array.from({ length: n }, (_, i) =>
    fakeEvent(`${prefix}-${String(i).padStart(6, "0")}`, end - 1000 * Math.floor(i / 3) - 120_000, {
      errorCode: "AccessDenied",
      errorMessage: "User: x is not authorized to perform: ec2:DescribeInstances",
    }),
  );
}

const bed = useLookupEventsBed(NOW);

function storedIds(): string[] {
  return (
    bed.db.$client.prepare("SELECT event_id AS id FROM denials ORDER BY event_id").all() as { id: string }[]
  ).map((r) => r.id);
}

/** One read of the region's source through the pipeline's ingest session, as `deniedby ingest` runs it. */
async function pull(overrides: Partial<LookupEventsSourceOptions> = {}) {
  return ingestSource(bed.store, fakeLookupSource(bed, { limiter: unlimited, ...overrides }));
}

describe("the LookupEvents source", () => {
  it("pages through a window with the same parameters and stores every event once", async () => {
    const events = denials(523, NOW);
    bed.fake.add(events);
    const { result, summary } = await pull();

    expect(storedIds()).toEqual(events.map((e) => e.id).sort());
    expect(summary.duplicates).toBe(0);
    // The 24 h lookback is one window: its 523 events take 11 pages and no request is spent on empty hours.
    expect(result.pages).toBe(11);
    expect(result.requests).toBe(11);
    expect(result.windows).toBe(1);
    // First start looks back 24 h; the window ends a settle delay before now.
    const first = bed.fake.requests[0];
    expect(first?.startTime).toBe(NOW - 24 * 3_600_000);
    expect(bed.fake.requests.every((r) => r.maxResults === 50)).toBe(true);
    // Every page of the window is asked with the same Start/End pair, the later ones with the token.
    const last = bed.fake.requests.at(-1);
    expect(last?.endTime).toBe(NOW - 60_000);
    const paged = bed.fake.requests.filter((r) => r.startTime === last?.startTime);
    expect(paged).toHaveLength(11);
    expect(paged.slice(1).every((r) => r.nextToken !== null && r.endTime === last?.endTime)).toBe(true);
    expect(readLookupCheckpoint(bed.store.ingest.readCheckpoint, REGION)).toEqual({
      v: 2,
      highWater: NOW - 60_000,
      reached: NOW - 60_000,
      pending: [],
      window: null,
      lastRequestAt: null,
    });
  });

  it("backs off on ThrottlingException and on a 500, then delivers the page once", async () => {
    const events = denials(120, NOW);
    bed.fake.add(events);
    bed.fake.onRequest = (n) =>
      n === 2 || n === 3 ? { kind: "throttle" } : n === 4 ? { kind: "status", status: 500 } : undefined;
    const { result, summary } = await pull();

    expect(storedIds()).toEqual(events.map((e) => e.id).sort());
    expect(summary.duplicates).toBe(0);
    // One window paged 3 times plus the 3 failed attempts; the SDK itself did not retry.
    expect(bed.fake.requests).toHaveLength(3 + 3);
    expect(result.requests).toBe(6);
    expect(result.pages).toBe(3);
    // Exponential backoff with jitter in the upper half (random() = 1 gives the ceiling): 1 s, 2 s, 4 s.
    expect(bed.clock.sleeps).toEqual([1000, 2000, 4000]);
  });

  it("gives up with a typed error after the last attempt and keeps the committed pages", async () => {
    bed.fake.add(denials(200, NOW));
    bed.fake.onRequest = (n) => (n >= 3 ? { kind: "throttle" } : undefined);
    const error = await pull({ retry: { maxAttempts: 3, random: () => 1 } }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(LookupEventsError);
    expect((error as LookupEventsError).code).toBe("lookup_events.throttled");
    expect((error as LookupEventsError).awsCode).toBe("ThrottlingException");
    expect(bed.fake.requests).toHaveLength(2 + 3);
    expect(storedIds()).toHaveLength(100);
    const checkpoint = readLookupCheckpoint(bed.store.ingest.readCheckpoint, REGION);
    expect(checkpoint?.window?.nextToken).toEqual(expect.any(String));
  });

  it("resumes after a crash mid-window with the stored token: no gap, no duplicate", async () => {
    const events = denials(400, NOW);
    bed.fake.add(events);
    // Request 4 is the window's 4th page; a non-retryable error stops the run as a crash would.
    bed.fake.onRequest = (n) =>
      n === 4 ? { kind: "error", status: 400, type: "AccessDeniedException", message: "no" } : undefined;
    const crashed = await pull().catch((e: unknown) => e);
    expect((crashed as LookupEventsError).code).toBe("lookup_events.request_failed");
    expect(storedIds()).toHaveLength(150);
    const saved = readLookupCheckpoint(bed.store.ingest.readCheckpoint, REGION);
    // The window stopped after its 3rd page, with the token for the 4th; what is left of it lies at or below the
    // oldest event paged (the 150th: 49 s before the newest, 3 a second).
    const from = NOW - 24 * 3_600_000;
    expect(saved).toEqual({
      v: 2,
      highWater: from,
      reached: NOW - 60_000,
      pending: [[from, NOW - 120_000 - 49_000]],
      window: { from, to: NOW - 60_000, nextToken: bed.fake.requests[3]?.nextToken },
      lastRequestAt: null,
    });
    expect(saved?.window?.nextToken).toEqual(expect.any(String));

    bed.fake.onRequest = null;
    const before = bed.fake.requests.length;
    const { result, summary } = await pull();
    const resumedWith = bed.fake.requests[before];
    expect(result.resumed).toBe(true);
    expect(resumedWith).toMatchObject({
      startTime: saved?.window?.from,
      endTime: saved?.window?.to,
      nextToken: saved?.window?.nextToken,
    });
    expect(storedIds()).toEqual(events.map((e) => e.id).sort());
    expect(summary.duplicates).toBe(0);
    expect(summary.events).toBe(250);
  });

  it("re-reads the window when the stored token is refused, and the ledger absorbs the re-read", async () => {
    const events = denials(400, NOW);
    bed.fake.add(events);
    bed.fake.onRequest = (n) =>
      n === 4 ? { kind: "error", status: 400, type: "AccessDeniedException", message: "no" } : undefined;
    await pull().catch(() => undefined);
    bed.fake.onRequest = null;
    bed.fake.expireTokens();

    const { result, summary } = await pull();
    expect(result.restartedWindows).toBe(1);
    expect(storedIds()).toEqual(events.map((e) => e.id).sort());
    // Only the unread part is read again, from the oldest second paged: its 3 events are the only duplicates.
    const reread = bed.fake.requests.find((r, i) => i > 4 && r.nextToken === null);
    expect(reread).toMatchObject({ startTime: NOW - 24 * 3_600_000, endTime: NOW - 120_000 - 49_000 });
    expect(summary.duplicates).toBe(3);
  });

  it("catches events with the boundary's timestamp that appear after the window was read", async () => {
    const boundary = NOW - 60_000;
    const early = [0, 1, 2].map((i) => fakeEvent(`b-early-${i}`, boundary, { errorCode: "AccessDenied" }));
    bed.fake.add([...early, fakeEvent("before", boundary - 5000, { errorCode: "AccessDenied" })]);
    await pull();
    expect(readLookupCheckpoint(bed.store.ingest.readCheckpoint, REGION)?.highWater).toBe(boundary);

    // Same second, visible late; and newer events.
    const late = [0, 1].map((i) => fakeEvent(`b-late-${i}`, boundary, { errorCode: "AccessDenied" }));
    const newer = fakeEvent("newer", boundary + 30_000, { errorCode: "AccessDenied" });
    bed.fake.add([...late, newer]);
    bed.clock.advance(5 * 60_000);
    const { summary } = await pull();

    expect(storedIds()).toEqual([
      "b-early-0",
      "b-early-1",
      "b-early-2",
      "b-late-0",
      "b-late-1",
      "before",
      "newer",
    ]);
    // The next pull started inside the overlap, at or before the boundary second.
    const second = bed.fake.requests.at(-1);
    expect(second?.startTime).toBeLessThanOrEqual(boundary);
    expect(summary.duplicates).toBe(4);
  });

  it("never sends more than two requests in any second under the limiter, retries included", async () => {
    bed.fake.add(denials(300, NOW));
    bed.fake.onRequest = (n) => (n === 3 ? { kind: "throttle" } : undefined);
    await pull({
      limiter: createRateLimiter({ perSecond: 2, clock: bed.clock }),
      retry: { random: () => 0 },
    });

    const times = bed.fake.requests.map((r) => r.at);
    expect(times.length).toBe(6 + 1);
    for (let i = 1; i < times.length; i++)
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(500);
    for (const t of times) expect(times.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(2);
  });

  it("quarantines a malformed CloudTrailEvent and stores the rest", async () => {
    const good = fakeEvent("good", NOW - 120_000, { errorCode: "AccessDenied" });
    const bad = (id: string, text: string): FakeTrailEvent => ({
      ...fakeEvent(id, NOW - 130_000),
      cloudTrailEvent: text,
    });
    bed.fake.add([
      good,
      bad("not-json", '{"eventID": "x", '),
      bad("array", "[1, 2]"),
      bad("no-id", JSON.stringify({ eventTime: "2026-03-10T11:57:00Z", eventName: "X", eventSource: "s" })),
    ]);
    const { summary } = await pull();

    expect(storedIds()).toEqual(["good"]);
    expect(summary.rejected.byReason).toEqual({
      "record.invalid_cloudtrail_event": 2,
      "record.missing_event_id": 1,
    });
    const rows = bed.db.$client
      .prepare("SELECT location, position, reason, raw FROM quarantine ORDER BY position")
      .all() as { location: string; position: string; reason: string; raw: string }[];
    expect(rows.map((r) => [r.position, r.reason])).toEqual([
      ["event array", "record.invalid_cloudtrail_event"],
      ["event no-id", "record.missing_event_id"],
      ["event not-json", "record.invalid_cloudtrail_event"],
    ]);
    expect(rows[2]?.raw).toBe('{"eventID": "x", ');
    expect(rows[0]?.location).toBe("lookup-events/eu-west-1");
  });

  it("does not record progress for a --since later than the stored high-water mark", async () => {
    bed.fake.add(denials(10, NOW));
    await pull({ since: NOW - 30 * 60_000 });
    const first = readLookupCheckpoint(bed.store.ingest.readCheckpoint, REGION);
    expect(first?.highWater).toBe(NOW - 60_000);

    bed.clock.advance(3 * 3_600_000);
    const { result } = await pull({ since: NOW + 2 * 3_600_000 });
    expect(result.checkpointed).toBe(false);
    expect(readLookupCheckpoint(bed.store.ingest.readCheckpoint, REGION)).toEqual(first);
  });

  it("finds the endpoint through AWS_ENDPOINT_URL_CLOUDTRAIL", async () => {
    bed.fake.add(denials(3, NOW));
    const saved = process.env.AWS_ENDPOINT_URL_CLOUDTRAIL;
    process.env.AWS_ENDPOINT_URL_CLOUDTRAIL = bed.fake.url;
    try {
      await ingestSource(
        bed.store,
        lookupEventsSource({
          client: createCloudTrailClient({ region: REGION, credentials }),
          region: REGION,
          limiter: unlimited,
          clock: bed.clock,
          lookbackMs: 3_600_000,
        }),
      );
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_CLOUDTRAIL;
      else process.env.AWS_ENDPOINT_URL_CLOUDTRAIL = saved;
    }
    expect(bed.fake.requests).toHaveLength(1);
    expect(storedIds()).toHaveLength(3);
  });
});
