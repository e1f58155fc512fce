import {
  type CloudTrailClient,
  type Event,
  LookupEventsCommand,
  type LookupEventsCommandOutput,
} from "@aws-sdk/client-cloudtrail";
import { type Clock, systemClock } from "../../shared/clock.js";
import { awsErrorInfo, backOff, defaultRetry, type RetryOptions, type RetryPolicy } from "../aws-retry.js";
import {
  type Checkpoint,
  type LiveSource,
  type Place,
  readCheckpointAs,
  type SourceChunk,
  type SourceItem,
} from "../source.js";
import { lookupEventsGiveUp } from "./lookup-events.errors.js";
import {
  checkpointValue,
  cutWindow,
  highWaterOf,
  type LookupCheckpoint,
  openWindow,
  type PagedWindow,
  type PlanState,
  pageRead,
  StoredLookupCheckpoint,
  second,
  startPlan,
  tokenRefused,
} from "./lookup-plan.js";
import type { RateLimiter } from "./rate-limiter.js";

export { LookupCheckpoint } from "./lookup-plan.js";

/** The `source` of stored denials and of the checkpoints (one per account and region). */
export const LOOKUP_EVENTS_SOURCE = "lookup-events";

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
  /** A member account read through its own role (null or unset: the process's own credentials). */
  account?: string | null;
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
   * Each pull re-reads this much before the last end: Event history shows some events minutes late, and equal
   * timestamps sit on the boundary. Re-read events are absorbed by the eventID ledger (counted as duplicates).
   */
  overlapMs?: number;
  /** A window still paging after this many pages is cut: what it has not reached is read in windows of its own. */
  maxWindowPages?: number;
  /** The pages a window is sized for, from the density of events seen so far. */
  targetWindowPages?: number;
  pageSize?: number;
  /** How often the server polls. Default 5 minutes. */
  intervalMs?: number;
  onProgress?: (progress: LookupProgress) => void;
  onRetry?: (info: { region: string; attempt: number; delayMs: number; awsCode: string }) => void;
}

export interface LookupPullResult {
  region: string;
  account: string | null;
  windows: number;
  pages: number;
  /** LookupEvents requests sent, retries and refused tokens included. */
  requests: number;
  /** Records read (valid or not) from the pages. */
  records: number;
  highWater: number | null;
  /** True when the pull resumed a stored window with its NextToken. */
  resumed: boolean;
  /** Windows whose stored NextToken was refused: their unread part was read again from its start. */
  restartedWindows: number;
  /** False when `since` lay after the stored high-water mark: storing progress would have hidden a gap. */
  checkpointed: boolean;
}

const HOUR = 3_600_000;

/** The checkpoint key of an account and region: the region alone for the process's own account. */
export function lookupCheckpointKey(region: string, account: string | null = null): string {
  return account === null ? region : `${account}/${region}`;
}

/** Reads a region's checkpoint; a missing or unreadable one means "start from the lookback". */
export function readLookupCheckpoint(
  readCheckpoint: (source: string, key: string) => string | undefined,
  region: string,
  account: string | null = null,
): LookupCheckpoint | null {
  return readCheckpointAs(
    readCheckpoint,
    LOOKUP_EVENTS_SOURCE,
    lookupCheckpointKey(region, account),
    StoredLookupCheckpoint,
  );
}

/**
 * One account and region's event history as a source, exactly once per event. A pull reads the time from its
 * checkpoint to now in as few windows as the events allow (docs/sources.md, "Backfills"): one window over a quiet
 * range, cut where it is busy. Each page is yielded with a checkpoint naming what is left and the window's next token,
 * and each request's rate-limiter slot is committed before it is sent, so neither a restart's resume point nor its
 * first request depends on what the killed process had in memory. A refused token re-reads only the unread part of
 * its window; the eventID ledger drops what was already stored.
 */
export function lookupEventsSource(options: LookupEventsSourceOptions): LiveSource<LookupPullResult> {
  const { region } = options;
  const account = options.account ?? null;
  /** Known before the first read when the store is asked (see `watermark`); moves as pages commit. */
  let highWaterSeen: number | null = null;
  return {
    name: LOOKUP_EVENTS_SOURCE,
    labels: { source: LOOKUP_EVENTS_SOURCE, region, ...(account !== null ? { account } : {}) },
    intervalMs: options.intervalMs ?? 5 * 60_000,
    watermark: () => highWaterSeen,
    read({ signal, progress }) {
      const stored = readLookupCheckpoint(progress.readCheckpoint, region, account);
      highWaterSeen = stored?.highWater ?? highWaterSeen;
      if (stored?.lastRequestAt != null) options.limiter.restore(stored.lastRequestAt);
      return pull({ ...options, account }, stored, signal, (highWater) => {
        highWaterSeen = highWater;
      });
    },
  };
}

/** One pull's moving parts: the plan, the last slot taken, what it has done. */
interface Run {
  options: LookupEventsSourceOptions & { account: string | null };
  stored: LookupCheckpoint | null;
  plan: PlanState;
  checkpointed: boolean;
  lastRequestAt: number | null;
  result: LookupPullResult;
  signal: AbortSignal;
  policy: RetryPolicy;
}

/** The checkpoint of where the run is; without progress to claim, the stored one with the last slot. */
function mark(run: Run): Checkpoint {
  const value: LookupCheckpoint = run.checkpointed
    ? checkpointValue(run.plan, run.lastRequestAt)
    : { ...(run.stored ?? checkpointValue(run.plan, null)), lastRequestAt: run.lastRequestAt };
  return {
    source: LOOKUP_EVENTS_SOURCE,
    key: lookupCheckpointKey(run.options.region, run.options.account),
    value: JSON.stringify(value),
  };
}

async function* pull(
  options: LookupEventsSourceOptions & { account: string | null },
  stored: LookupCheckpoint | null,
  signal: AbortSignal,
  onHighWater: (highWater: number | null) => void,
): AsyncGenerator<SourceChunk, LookupPullResult> {
  const clock = options.clock ?? systemClock;
  const now = clock.now();
  const { state, checkpointed } = startPlan(stored, {
    since: options.since,
    lookbackStart: now - (options.lookbackMs ?? 24 * HOUR),
    end: now - (options.settleMs ?? 60_000),
    overlapMs: options.overlapMs ?? 5 * 60_000,
  });
  const run: Run = {
    options,
    stored,
    plan: state,
    checkpointed,
    lastRequestAt: stored?.lastRequestAt ?? null,
    signal,
    policy: {
      clock,
      retry: { ...defaultRetry, ...options.retry },
      signal,
      onRetry: (info) => options.onRetry?.({ region: options.region, ...info }),
      giveUp: lookupEventsGiveUp(options.region),
    },
    result: {
      region: options.region,
      account: options.account,
      windows: 0,
      pages: 0,
      requests: 0,
      records: 0,
      highWater: highWaterOf(state),
      resumed: state.window?.nextToken != null,
      restartedWindows: 0,
      checkpointed,
    },
  };
  let sizeMs = Number.POSITIVE_INFINITY;
  for (;;) {
    const opened = openWindow(run.plan, sizeMs);
    if (opened === null) break;
    run.plan = opened.state;
    run.result.windows++;
    sizeMs = yield* pageWindow(run, opened.window, onHighWater);
  }
  return run.result;
}

/**
 * Pages one window newest first until it ends, is cut (too busy: the rest is planned in smaller windows) or its
 * token is refused. Returns the size for the next window: the span that held `targetWindowPages` pages here.
 */
async function* pageWindow(
  run: Run,
  window: PagedWindow,
  onHighWater: (highWater: number | null) => void,
): AsyncGenerator<SourceChunk, number> {
  const { options } = run;
  const pageSize = options.pageSize ?? 50;
  const target = (options.targetWindowPages ?? 20) * pageSize;
  const sized = (events: number, spanMs: number) =>
    events === 0 ? Number.POSITIVE_INFINITY : (target * Math.max(1000, spanMs)) / events;
  let token = window.nextToken;
  let pages = 0;
  let events = 0;
  let oldest = window.to;
  for (;;) {
    run.signal.throwIfAborted();
    const response = yield* request(run, window, token);
    if (response === "refused") {
      run.plan = tokenRefused(run.plan);
      run.result.restartedWindows++;
      return sized(events, window.to - oldest);
    }
    const page = response.Events ?? [];
    const times = page.flatMap((e) => (e.EventTime ? [second(e.EventTime.getTime())] : []));
    if (times.length > 0) oldest = Math.min(oldest, ...times);
    token = response.NextToken ? response.NextToken : null;
    pages++;
    events += page.length;
    run.result.pages++;
    run.result.records += page.length;
    run.plan = pageRead(run.plan, { oldest: times.length > 0 ? oldest : null, nextToken: token });
    const chunk: SourceItem[] = page.map((event) => lookupEventItem(event, options.region, options.account));
    chunk.push(run.checkpointed ? { kind: "checkpoint", checkpoint: mark(run) } : { kind: "commit" });
    yield chunk;
    const highWater = run.checkpointed ? highWaterOf(run.plan) : run.result.highWater;
    run.result.highWater = highWater;
    onHighWater(highWater);
    options.onProgress?.({
      region: options.region,
      window: { from: window.from, to: window.to },
      page: pages,
      events: page.length,
      highWater,
    });
    if (token === null) return sized(events, window.to - window.from + 1000);
    if (pages >= (options.maxWindowPages ?? 40)) {
      const cut = cutWindow(run.plan, times.length > 0 ? Math.max(...times) : oldest);
      if (cut !== null) {
        run.plan = cut;
        return sized(events, window.to - oldest);
      }
    }
  }
}

/**
 * One LookupEvents request through the account and region's limiter, with our own retries (the client has
 * `maxAttempts: 1`, so every attempt takes a slot). Each slot is committed before its request is sent. "refused"
 * when the service rejects the token.
 */
async function* request(
  run: Run,
  window: PagedWindow,
  token: string | null,
): AsyncGenerator<SourceChunk, LookupEventsCommandOutput | "refused"> {
  const { options, signal } = run;
  for (let attempt = 1; ; attempt++) {
    try {
      // Credentials first (a member account's AssumeRole): a slot taken before them would be spent waiting on STS,
      // and the request would reach CloudTrail closer than the spacing to the next one.
      await options.client.config.credentials();
    } catch (error) {
      await backOff(run.policy, attempt, error);
      continue;
    }
    const slot = await options.limiter.acquire(signal);
    if (slot !== null) {
      run.lastRequestAt = slot;
      yield [{ kind: "checkpoint", checkpoint: mark(run) }];
    }
    run.result.requests++;
    try {
      return await options.client.send(
        new LookupEventsCommand({
          StartTime: new Date(window.from),
          EndTime: new Date(window.to),
          MaxResults: options.pageSize ?? 50,
          ...(token !== null ? { NextToken: token } : {}),
        }),
        { abortSignal: signal },
      );
    } catch (error) {
      // A token expires, and one stored before a restart may no longer be accepted.
      if (token !== null && awsErrorInfo(error).name === "InvalidNextTokenException") return "refused";
      await backOff(run.policy, attempt, error);
    }
  }
}

/**
 * One LookupEvents result as an item, placed by its EventId. Its record is the JSON string `CloudTrailEvent`; the
 * pipeline opens it as it opens `aws cloudtrail lookup-events` output in a file (src/cloudtrail/envelopes.ts), and
 * anything that is not a JSON object is quarantined as `record.invalid_cloudtrail_event`.
 */
export function lookupEventItem(event: Event, region: string, account: string | null = null): SourceItem {
  const place: Place = {
    location: `${LOOKUP_EVENTS_SOURCE}/${lookupCheckpointKey(region, account)}`,
    position: `event ${event.EventId ?? "(no EventId)"}`,
  };
  return { kind: "value", value: event, raw: null, place };
}
