import type { AthenaClient } from "@aws-sdk/client-athena";
import type { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import type { Config } from "../config.js";
import { createAthenaUsageRepository } from "../db/athena-usage.repository.js";
import type { Db } from "../db/client.js";
import { ingestWriterFor } from "../db/ingest.repository.js";
import { afterIngest } from "../ingest/after-ingest.js";
import { IngestSession, type IngestSummary } from "../ingest/ingest-session.js";
import { createAthenaClient } from "./athena/athena-client.js";
import { ATHENA_SOURCE, checkpointKey, ingestAthena, readAthenaCheckpoint } from "./athena/athena-ingest.js";
import { loadQueries } from "./athena/athena-queries.js";
import { createAthenaRunner } from "./athena/athena-runner.js";
import { type Clock, systemClock } from "./lookup-events/clock.js";
import { createCloudTrailClient } from "./lookup-events/cloudtrail-client.js";
import {
  LOOKUP_EVENTS_SOURCE,
  pullLookupEvents,
  readLookupCheckpoint,
} from "./lookup-events/lookup-events.pull.js";
import { createRegionLimiters } from "./lookup-events/rate-limiter.js";

/** The subset of pino's logger the live sources use (objects first, message second). */
export interface LiveSourcesLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface SourceError {
  code: string;
  message: string;
  at: string;
}

export interface LookupRegionStatus {
  region: string;
  /** Every event at or before this instant is stored (ISO), or null before the first complete window. */
  highWater: string | null;
  /** now − highWater, in seconds: how far behind the event history the store is. */
  lagSeconds: number | null;
  running: boolean;
  lastSuccessAt: string | null;
  lastError: SourceError | null;
  /** Records read since start (stored, duplicate or rejected). */
  events: number;
}

export interface AthenaStatus {
  table: string;
  /** Last closed UTC day fully ingested. */
  completeThrough: string | null;
  running: boolean;
  lastSuccessAt: string | null;
  lastError: SourceError | null;
  dataScannedBytes: number;
}

export interface LiveSourcesStatus {
  lookupEvents: LookupRegionStatus[];
  athena: AthenaStatus | null;
}

export interface LiveSources {
  /** Aborts in-flight requests (an Athena query in flight is stopped) and waits for the loops to end. */
  stop(): Promise<void>;
  /** A snapshot for /health-style endpoints and logs. */
  status(): LiveSourcesStatus;
}

export interface LiveSourcesOptions {
  db: Db;
  config: Config;
  logger?: LiveSourcesLogger;
  clock?: Clock;
  /** Client per region; default: the SDK client with the default credential chain and endpoint resolution. */
  cloudTrailClient?: (region: string) => CloudTrailClient;
  athenaClient?: AthenaClient;
  /** Overrides DENIEDBY_LOOKUP_INTERVAL_SECONDS (tests). */
  lookupIntervalMs?: number;
}

const silent: LiveSourcesLogger = { info: () => {}, warn: () => {} };

function errorOf(error: unknown, at: number): SourceError {
  const code =
    error instanceof Error && "code" in error && typeof error.code === "string"
      ? error.code
      : "source.failed";
  return {
    code,
    message: error instanceof Error ? error.message : String(error),
    at: new Date(at).toISOString(),
  };
}

function storedAny(s: IngestSummary): boolean {
  return s.stored.denials + s.stored.evidence + s.stored.usage > 0;
}

/**
 * Starts what configuration enables: a LookupEvents poller per region of DENIEDBY_LOOKUP_REGIONS (every
 * DENIEDBY_LOOKUP_INTERVAL_SECONDS, first start DENIEDBY_LOOKUP_LOOKBACK_HOURS back, 2 req/s per region), and the
 * Athena ingest when DENIEDBY_ATHENA_DATABASE is set (every DENIEDBY_ATHENA_INTERVAL_SECONDS). Each loop survives
 * its errors (kept in status, retried next interval) and resumes from its checkpoint. Call once, after openDb.
 */
export function startLiveSources(options: LiveSourcesOptions): LiveSources {
  const { db, config } = options;
  const logger = options.logger ?? silent;
  const clock = options.clock ?? systemClock;
  const writer = ingestWriterFor(db);
  const controller = new AbortController();
  const { signal } = controller;
  const limiters = createRegionLimiters({ perSecond: 2, clock });
  const loops: Promise<void>[] = [];
  const iso = (t: number) => new Date(t).toISOString();

  const regions: (LookupRegionStatus & { highWaterMs: number | null })[] = config.DENIEDBY_LOOKUP_REGIONS.map(
    (region) => {
      const highWaterMs = readLookupCheckpoint(writer.readCheckpoint, region)?.highWater ?? null;
      return {
        region,
        highWaterMs,
        highWater: null,
        lagSeconds: null,
        running: false,
        lastSuccessAt: null,
        lastError: null,
        events: 0,
      };
    },
  );

  const sleep = async (ms: number) => {
    try {
      await clock.sleep(ms, signal);
    } catch {
      // Aborted: the loop condition ends the loop.
    }
  };

  for (const state of regions) {
    const client =
      options.cloudTrailClient?.(state.region) ?? createCloudTrailClient({ region: state.region });
    const intervalMs = options.lookupIntervalMs ?? config.DENIEDBY_LOOKUP_INTERVAL_SECONDS * 1000;
    loops.push(
      (async () => {
        while (!signal.aborted) {
          state.running = true;
          const session = new IngestSession({ source: LOOKUP_EVENTS_SOURCE, writer, now: clock.now });
          try {
            const result = await pullLookupEvents({
              client,
              region: state.region,
              session,
              readCheckpoint: writer.readCheckpoint,
              limiter: limiters.forRegion(state.region),
              clock,
              lookbackMs: config.DENIEDBY_LOOKUP_LOOKBACK_HOURS * 3_600_000,
              signal,
              onProgress: (p) => {
                state.highWaterMs = p.highWater;
              },
              onRetry: (info) => logger.info(info, "lookup-events: retrying"),
            });
            state.highWaterMs = result.highWater;
            state.lastSuccessAt = iso(clock.now());
            state.lastError = null;
          } catch (error) {
            if (!signal.aborted) {
              state.lastError = errorOf(error, clock.now());
              logger.warn({ region: state.region, error: state.lastError }, "lookup-events: poll failed");
            }
          } finally {
            const summary = session.finish();
            state.events += summary.events + summary.rejected.total;
            state.running = false;
            if (storedAny(summary)) afterIngest(db);
            if (summary.events > 0)
              logger.info(
                { region: state.region, ...summary.stored, duplicates: summary.duplicates },
                "lookup-events: stored",
              );
          }
          await sleep(intervalMs);
        }
      })(),
    );
  }

  let athena: (AthenaStatus & { key: string }) | null = null;
  const database = config.DENIEDBY_ATHENA_DATABASE;
  if (database !== undefined) {
    // Loaded now so that a missing query file stops start-up instead of the first run.
    const queries = loadQueries();
    const table = config.DENIEDBY_ATHENA_TABLE;
    const key = checkpointKey(database, table);
    const status: AthenaStatus & { key: string } = {
      key,
      table: key,
      completeThrough: readAthenaCheckpoint(writer.readCheckpoint, key)?.completeThrough ?? null,
      running: false,
      lastSuccessAt: null,
      lastError: null,
      dataScannedBytes: 0,
    };
    athena = status;
    const client =
      options.athenaClient ??
      createAthenaClient(config.DENIEDBY_ATHENA_REGION ? { region: config.DENIEDBY_ATHENA_REGION } : {});
    const runner = createAthenaRunner({
      client,
      database,
      workGroup: config.DENIEDBY_ATHENA_WORKGROUP,
      ...(config.DENIEDBY_ATHENA_OUTPUT_LOCATION
        ? { outputLocation: config.DENIEDBY_ATHENA_OUTPUT_LOCATION }
        : {}),
      clock,
      pollMaxMs: config.DENIEDBY_ATHENA_POLL_MAX_SECONDS * 1000,
      timeoutMs: config.DENIEDBY_ATHENA_QUERY_TIMEOUT_SECONDS * 1000,
    });
    const usage = createAthenaUsageRepository(db);
    loops.push(
      (async () => {
        while (!signal.aborted) {
          status.running = true;
          const session = new IngestSession({ source: ATHENA_SOURCE, writer, now: clock.now });
          try {
            const result = await ingestAthena({
              runner,
              queries,
              database,
              table,
              session,
              usage,
              readCheckpoint: writer.readCheckpoint,
              clock,
              lookbackDays: config.DENIEDBY_ATHENA_LOOKBACK_DAYS,
              signal,
            });
            status.completeThrough = result.completeThrough;
            status.dataScannedBytes += result.dataScannedBytes;
            status.lastSuccessAt = iso(clock.now());
            status.lastError = null;
            afterIngest(db);
          } catch (error) {
            if (!signal.aborted) {
              status.lastError = errorOf(error, clock.now());
              logger.warn({ table: key, error: status.lastError }, "athena: ingest failed");
            }
          } finally {
            session.finish();
            status.running = false;
          }
          await sleep(config.DENIEDBY_ATHENA_INTERVAL_SECONDS * 1000);
        }
      })(),
    );
  }

  return {
    async stop() {
      controller.abort();
      await Promise.all(loops);
    },
    status() {
      const now = clock.now();
      return {
        lookupEvents: regions.map(({ highWaterMs, ...s }) => ({
          ...s,
          highWater: highWaterMs === null ? null : iso(highWaterMs),
          lagSeconds: highWaterMs === null ? null : Math.max(0, Math.round((now - highWaterMs) / 1000)),
        })),
        athena: athena === null ? null : (({ key: _key, ...s }) => s)(athena),
      };
    },
  };
}
