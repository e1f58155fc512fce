import { type CloudTrailClient, type Event, LookupEventsCommand } from "@aws-sdk/client-cloudtrail";
import { z } from "zod";
import type { IngestSession, Place } from "../../ingest/ingest-session.js";
import { type Clock, systemClock } from "./clock.js";
import { LookupEventsError } from "./lookup-events.errors.js";
import type { RateLimiter } from "./rate-limiter.js";
import { defaultRetry, type RetryOptions, withRetries } from "./retry.js";

/** The `source` of stored denials and of the checkpoints (one per region, keyed by the region name). */
export const LOOKUP_EVENTS_SOURCE = "lookup-events";

/**
 * The resume point of one region, committed with the events of the page it follows.
 * - `highWater`: every event with an eventTime at or before it has been delivered (epoch ms, whole seconds).
 * - `window`: the closed window being paged, when a pull stopped inside one, with the token for its next page.
 *   A NextToken is only valid with the same StartTime/EndTime, which is why the window is stored with it.
 */
export const LookupCheckpoint = z.object({
  v: z.literal(1),
  highWater: z.number().nullable(),
  window: z.object({ from: z.number(), to: z.number(), nextToken: z.string().nullable() }).nullable(),
});
export type LookupCheckpoint = z.infer<typeof LookupCheckpoint>;

export interface LookupProgress {
  region: string;
  window: { from: number; to: number };
  page: number;
  events: number;
  highWater: number | null;
}

export interface LookupEventsPullOptions {
  client: CloudTrailClient;
  region: string;
  session: IngestSession;
  readCheckpoint: (source: string, key: string) => string | undefined;
  limiter: RateLimiter;
  clock?: Clock;
  retry?: Partial<RetryOptions>;
  /** Pull from this instant instead of the checkpoint (a one-off `--since`). */
  since?: number;
  /** Where the first pull of a region starts when it has no checkpoint. Default 24 h. */
  lookbackMs?: number;
  /** Windows end this long before now, so that events still becoming visible are read by a later window. */
  settleMs?: number;
  /**
   * Each pull re-reads this much before the high-water mark: Event history shows some events minutes late, and
   * equal timestamps sit on the boundary. Re-read events are absorbed by the eventID ledger (counted as duplicates).
   */
  overlapMs?: number;
  /** Long catch-ups are cut into windows of at most this, oldest first, so the high-water mark moves as it goes. */
  maxWindowMs?: number;
  pageSize?: number;
  signal?: AbortSignal;
  onProgress?: (progress: LookupProgress) => void;
  onRetry?: (info: { region: string; attempt: number; delayMs: number; awsCode: string }) => void;
}

export interface LookupPullResult {
  region: string;
  windows: number;
  pages: number;
  /** Records read (valid or not) from the pages. */
  records: number;
  highWater: number | null;
  /** True when the pull resumed a stored window with its NextToken. */
  resumed: boolean;
  /** Windows re-read from their start because a stored NextToken was refused. */
  restartedWindows: number;
  /** False when `since` lay after the stored high-water mark: storing progress would have hidden a gap. */
  checkpointed: boolean;
}

const HOUR = 3_600_000;

/** Reads a region's checkpoint; a missing or unreadable one means "start from the lookback". */
export function readLookupCheckpoint(
  readCheckpoint: (source: string, key: string) => string | undefined,
  region: string,
): LookupCheckpoint | null {
  const text = readCheckpoint(LOOKUP_EVENTS_SOURCE, region);
  if (text === undefined) return null;
  try {
    const parsed = LookupCheckpoint.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const second = (ms: number) => Math.floor(ms / 1000) * 1000;

/**
 * Pulls a region's event history up to `now − settle` into the session, exactly once per event: each page is
 * committed with a checkpoint naming the window and the token of the next page; the high-water mark moves only when
 * a window is complete. A restart resumes the stored window with the same parameters and token; if the token is
 * refused the window is re-read, and the ledger drops what was already stored. Windows are closed at both ends
 * (LookupEvents' StartTime and EndTime are inclusive) and consecutive windows share their boundary second, so events
 * with equal timestamps at a boundary are read by both and stored once.
 */
export async function pullLookupEvents(options: LookupEventsPullOptions): Promise<LookupPullResult> {
  const { client, region, session, limiter } = options;
  const clock = options.clock ?? systemClock;
  const retry = { ...defaultRetry, ...options.retry };
  const settleMs = options.settleMs ?? 60_000;
  const overlapMs = options.overlapMs ?? 5 * 60_000;
  const maxWindowMs = options.maxWindowMs ?? HOUR;
  const pageSize = options.pageSize ?? 50;
  const stored = readLookupCheckpoint(options.readCheckpoint, region);
  let highWater = stored?.highWater ?? null;
  const checkpointed = options.since === undefined || highWater === null || options.since <= highWater;
  const result: LookupPullResult = {
    region,
    windows: 0,
    pages: 0,
    records: 0,
    highWater,
    resumed: false,
    restartedWindows: 0,
    checkpointed,
  };
  const place: Place = { location: `${LOOKUP_EVENTS_SOURCE}/${region}`, position: "" };
  const ctx = {
    limiter,
    clock,
    retry,
    region,
    ...(options.signal ? { signal: options.signal } : {}),
    onRetry: (info: { attempt: number; delayMs: number; awsCode: string }) =>
      options.onRetry?.({ region, ...info }),
  };

  const save = (window: LookupCheckpoint["window"]) => {
    if (!checkpointed) return;
    const value: LookupCheckpoint = { v: 1, highWater, window };
    session.checkpoint({ source: LOOKUP_EVENTS_SOURCE, key: region, value: JSON.stringify(value) });
  };

  const pullWindow = async (from: number, to: number, startToken: string | null) => {
    let token = startToken;
    let restarted = false;
    let page = 0;
    result.windows++;
    for (;;) {
      options.signal?.throwIfAborted();
      let response: Awaited<ReturnType<typeof send>>;
      const send = () =>
        client.send(
          new LookupEventsCommand({
            StartTime: new Date(from),
            EndTime: new Date(to),
            MaxResults: pageSize,
            ...(token !== null ? { NextToken: token } : {}),
          }),
          options.signal ? { abortSignal: options.signal } : {},
        );
      try {
        response = await withRetries(ctx, send);
      } catch (error) {
        // A token expires, and one stored before a restart may no longer be accepted: re-read the window.
        if (
          error instanceof LookupEventsError &&
          error.awsCode === "InvalidNextTokenException" &&
          token !== null &&
          !restarted
        ) {
          restarted = true;
          result.restartedWindows++;
          token = null;
          continue;
        }
        throw error;
      }
      page++;
      result.pages++;
      const events = response.Events ?? [];
      for (const event of events) acceptLookupEvent(session, event, place);
      result.records += events.length;
      token = response.NextToken ? response.NextToken : null;
      if (token === null) highWater = highWater === null ? to : Math.max(highWater, to);
      save(token === null ? null : { from, to, nextToken: token });
      session.flush();
      result.highWater = highWater;
      options.onProgress?.({ region, window: { from, to }, page, events: events.length, highWater });
      if (token === null) return;
    }
  };

  const end = second(clock.now() - settleMs);
  let cursor: number;
  if (options.since !== undefined) cursor = second(options.since);
  else if (stored?.window) {
    result.resumed = stored.window.nextToken !== null;
    await pullWindow(stored.window.from, stored.window.to, stored.window.nextToken);
    cursor = stored.window.to;
  } else if (highWater !== null) cursor = second(highWater - overlapMs);
  else cursor = second(clock.now() - (options.lookbackMs ?? 24 * HOUR));

  while (cursor < end) {
    const to = Math.min(cursor + maxWindowMs, end);
    await pullWindow(cursor, to, null);
    cursor = to;
  }
  return result;
}

/**
 * `CloudTrailEvent` is the record as a JSON string: parsed defensively, and anything that is not a JSON object is
 * quarantined with the reason `record.invalid_cloudtrail_event`, keyed by its EventId.
 */
export function acceptLookupEvent(session: IngestSession, event: Event, where: Place): void {
  const place: Place = { ...where, position: `event ${event.EventId ?? "(no EventId)"}` };
  const text = event.CloudTrailEvent;
  if (typeof text !== "string" || text === "") {
    session.reject(
      "record.invalid_cloudtrail_event",
      "CloudTrailEvent is missing",
      JSON.stringify(event),
      place,
    );
    return;
  }
  session.summary.chars += text.length;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    session.reject(
      "record.invalid_cloudtrail_event",
      `CloudTrailEvent is not JSON: ${(error as Error).message}`,
      text,
      place,
    );
    return;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    session.reject(
      "record.invalid_cloudtrail_event",
      `CloudTrailEvent holds ${Array.isArray(value) ? "an array" : typeof value}`,
      text,
      place,
    );
    return;
  }
  session.acceptValue(value, text, place);
}
