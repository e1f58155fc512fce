import { type CloudTrailClient, type Event, LookupEventsCommand } from "@aws-sdk/client-cloudtrail";
import { z } from "zod";
import { type Clock, systemClock } from "../../shared/clock.js";
import {
  type Checkpoint,
  type LiveSource,
  type Place,
  readCheckpointAs,
  type SourceChunk,
  type SourceItem,
} from "../source.js";
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

export interface LookupEventsSourceOptions {
  client: CloudTrailClient;
  region: string;
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
  /** How often the server polls. Default 5 minutes. */
  intervalMs?: number;
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
  return readCheckpointAs(readCheckpoint, LOOKUP_EVENTS_SOURCE, region, LookupCheckpoint);
}

const second = (ms: number) => Math.floor(ms / 1000) * 1000;

/**
 * One region's event history as a source, exactly once per event: each page is yielded with a checkpoint naming
 * the window and the token of the next page; the high-water mark moves only when a window is complete. A restart
 * resumes the stored window with the same parameters and token; if the token is refused the window is re-read, and
 * the ledger drops what was already stored. Windows are closed at both ends (LookupEvents' StartTime and EndTime are
 * inclusive) and consecutive windows share their boundary second, so events with equal timestamps at a boundary are
 * read by both and stored once. Each read pulls up to `now − settle`.
 */
export function lookupEventsSource(options: LookupEventsSourceOptions): LiveSource<LookupPullResult> {
  const { region } = options;
  /** Known before the first read when the store is asked (see `watermark`); moves as pages commit. */
  let highWaterSeen: number | null = null;
  return {
    name: LOOKUP_EVENTS_SOURCE,
    labels: { source: LOOKUP_EVENTS_SOURCE, region },
    intervalMs: options.intervalMs ?? 5 * 60_000,
    watermark: () => highWaterSeen,
    read({ signal, progress }) {
      const stored = readLookupCheckpoint(progress.readCheckpoint, region);
      highWaterSeen = stored?.highWater ?? highWaterSeen;
      return pull(options, stored, signal, (highWater) => {
        highWaterSeen = highWater;
      });
    },
  };
}

async function* pull(
  options: LookupEventsSourceOptions,
  stored: LookupCheckpoint | null,
  signal: AbortSignal,
  onHighWater: (highWater: number | null) => void,
): AsyncGenerator<SourceChunk, LookupPullResult> {
  const clock = options.clock ?? systemClock;
  const { region } = options;
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
  const pages = pageReader(options, signal, result);
  const windowPages = async function* (from: number, to: number, startToken: string | null) {
    result.windows++;
    let page = 0;
    for await (const { events, token } of pages(from, to, startToken)) {
      page++;
      if (token === null) highWater = highWater === null ? to : Math.max(highWater, to);
      const chunk: SourceItem[] = events.map((event) => lookupEventItem(event, region));
      if (checkpointed)
        chunk.push({ kind: "checkpoint", checkpoint: checkpointOf(region, highWater, from, to, token) });
      else chunk.push({ kind: "commit" });
      yield chunk;
      result.highWater = highWater;
      onHighWater(highWater);
      options.onProgress?.({ region, window: { from, to }, page, events: events.length, highWater });
    }
  };

  const end = second(clock.now() - (options.settleMs ?? 60_000));
  let cursor: number;
  if (options.since !== undefined) cursor = second(options.since);
  else if (stored?.window) {
    result.resumed = stored.window.nextToken !== null;
    yield* windowPages(stored.window.from, stored.window.to, stored.window.nextToken);
    cursor = stored.window.to;
  } else if (highWater !== null) cursor = second(highWater - (options.overlapMs ?? 5 * 60_000));
  else cursor = second(clock.now() - (options.lookbackMs ?? 24 * HOUR));

  const maxWindowMs = options.maxWindowMs ?? HOUR;
  while (cursor < end) {
    const to = Math.min(cursor + maxWindowMs, end);
    yield* windowPages(cursor, to, null);
    cursor = to;
  }
  return result;
}

function checkpointOf(
  region: string,
  highWater: number | null,
  from: number,
  to: number,
  token: string | null,
): Checkpoint {
  const value: LookupCheckpoint = {
    v: 1,
    highWater,
    window: token === null ? null : { from, to, nextToken: token },
  };
  return { source: LOOKUP_EVENTS_SOURCE, key: region, value: JSON.stringify(value) };
}

/** The pages of one window, through the region's limiter with our own retries; a refused token re-reads once. */
function pageReader(options: LookupEventsSourceOptions, signal: AbortSignal, result: LookupPullResult) {
  const { client, region } = options;
  const ctx = {
    limiter: options.limiter,
    clock: options.clock ?? systemClock,
    retry: { ...defaultRetry, ...options.retry },
    region,
    signal,
    onRetry: (info: { attempt: number; delayMs: number; awsCode: string }) =>
      options.onRetry?.({ region, ...info }),
  };
  return async function* (from: number, to: number, startToken: string | null) {
    let token = startToken;
    let restarted = false;
    for (;;) {
      signal.throwIfAborted();
      const send = () =>
        client.send(
          new LookupEventsCommand({
            StartTime: new Date(from),
            EndTime: new Date(to),
            MaxResults: options.pageSize ?? 50,
            ...(token !== null ? { NextToken: token } : {}),
          }),
          { abortSignal: signal },
        );
      let response: Awaited<ReturnType<typeof send>>;
      try {
        response = await withRetries(ctx, send);
      } catch (error) {
        // A token expires, and one stored before a restart may no longer be accepted: re-read the window.
        const refused = error instanceof LookupEventsError && error.awsCode === "InvalidNextTokenException";
        if (!refused || token === null || restarted) throw error;
        restarted = true;
        result.restartedWindows++;
        token = null;
        continue;
      }
      result.pages++;
      const events = response.Events ?? [];
      result.records += events.length;
      token = response.NextToken ? response.NextToken : null;
      yield { events, token };
      if (token === null) return;
    }
  };
}

/**
 * `CloudTrailEvent` is the record as a JSON string: parsed defensively, and anything that is not a JSON object is
 * quarantined with the reason `record.invalid_cloudtrail_event`, keyed by its EventId.
 */
export function lookupEventItem(event: Event, region: string): SourceItem {
  const place: Place = {
    location: `${LOOKUP_EVENTS_SOURCE}/${region}`,
    position: `event ${event.EventId ?? "(no EventId)"}`,
  };
  const text = event.CloudTrailEvent;
  const reject = (detail: string, raw: string): SourceItem => ({
    kind: "reject",
    reason: "record.invalid_cloudtrail_event",
    detail,
    raw,
    place,
  });
  if (typeof text !== "string" || text === "")
    return reject("CloudTrailEvent is missing", JSON.stringify(event));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return reject(`CloudTrailEvent is not JSON: ${(error as Error).message}`, text);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return reject(`CloudTrailEvent holds ${Array.isArray(value) ? "an array" : typeof value}`, text);
  return { kind: "value", value, raw: text, place };
}
