import type { Store } from "../db/store.js";
import type { Clock } from "../shared/clock.js";
import type { Logger } from "../shared/logger.js";
import { countIngest, type Metrics, timeIngest, timeStages } from "../shared/metrics.js";
import { createPoller, type PollError, type Poller } from "../shared/poller.js";
import type { LiveSource, SourceLabels } from "../sources/source.js";
import { IngestSession, type IngestSummary, storedAnything } from "./ingest-session.js";
import type { StageRunner } from "./stage-runner.js";

/**
 * The warn line every live source writes when a read fails, with its labels (`source`, `region`) and the error as
 * fields. Operators count it (infra/lib/alarms.ts): keep it stable.
 */
export const SOURCE_FAILED = "live source read failed";

export interface LiveSourceStatus {
  labels: SourceLabels;
  running: boolean;
  lastSuccessAt: string | null;
  lastError: PollError | null;
  /** Records read since start (stored, duplicate or rejected). */
  events: number;
  /** now − the source's watermark, in seconds: how far behind its input the store is. Null when unknown. */
  lagSeconds: number | null;
  /** The source's own counters (LiveSource.status), empty when it keeps none. */
  counters: Readonly<Record<string, number>>;
}

export interface LiveSources {
  /** Aborts reads in flight (an Athena query in flight is stopped) and waits for the pollers to end. */
  stop(): Promise<void>;
  status(): LiveSourceStatus[];
}

export interface LiveSourcesOptions {
  store: Store;
  stages: StageRunner;
  sources: readonly LiveSource[];
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
}

/** Counts of a finished read, for logs and ingest metrics. */
function counts(s: IngestSummary) {
  return { ...s.stored, duplicates: s.duplicates, rejected: s.rejected.total };
}

/**
 * Polls every live source on its own poller (its interval, backoff after failures), each read going through the
 * same ingest session and the stages after storing as any other source. A failed read keeps what it committed; the
 * poller records the error and tries again later.
 */
export function startLiveSources(options: LiveSourcesOptions): LiveSources {
  const { store, clock, logger } = options;
  const runs = options.sources.map((source) => {
    const state = { events: 0 };
    const name = `${source.labels.source}${source.labels.region ? ` ${source.labels.region}` : ""}`;
    const poller: Poller = createPoller({
      intervalMs: source.intervalMs,
      clock,
      onError: (error) => logger.warn({ ...source.labels, error }, SOURCE_FAILED),
      run: async (signal) => {
        const session = new IngestSession({ store, source: source.name, now: clock.now });
        try {
          await timeIngest(options.metrics, source.name, () => session.read(source, { signal }));
        } finally {
          const summary = await session.finish();
          state.events += summary.events + summary.rejected.total;
          if (storedAnything(summary))
            await timeStages(options.metrics, source.name, () => options.stages.afterCommit());
          if (options.metrics) countIngest(options.metrics, source.name, counts(summary));
          if (summary.events > 0) logger.info({ ...source.labels, ...counts(summary) }, `${name}: stored`);
        }
      },
    });
    poller.start();
    return { source, poller, state };
  });
  return {
    async stop() {
      await Promise.all(runs.map((r) => r.poller.stop()));
    },
    status() {
      const now = clock.now();
      return runs.map(({ source, poller, state }) => {
        const p = poller.status();
        const watermark = source.watermark?.() ?? null;
        return {
          labels: source.labels,
          running: p.running,
          lastSuccessAt: p.lastSuccessAt,
          lastError: p.lastError,
          events: state.events,
          lagSeconds: watermark === null ? null : Math.max(0, Math.round((now - watermark) / 1000)),
          counters: source.status?.() ?? {},
        };
      });
    },
  };
}

/** A source's labels as /metrics labels (the account only for a member account). */
function metricLabels(labels: SourceLabels): Record<string, string> {
  return { ...labels };
}

/** Publishes every live source's health, records read, lag and own counters in /metrics, whatever the source. */
export function collectSourceMetrics(metrics: Metrics, live: LiveSources): void {
  metrics.onCollect(() => {
    for (const status of live.status()) {
      const s = { ...status, labels: metricLabels(status.labels) };
      for (const [name, value] of Object.entries(status.counters))
        metrics.set(
          `deniedby_source_${name}`,
          `A live source's own counter (${name}) since start`,
          s.labels,
          value,
        );
      metrics.set(
        "deniedby_source_events_read",
        "Records read by a live source since start (stored, duplicate or rejected)",
        s.labels,
        s.events,
      );
      metrics.set(
        "deniedby_source_up",
        "1 when the source's last attempt succeeded, 0 after an error",
        s.labels,
        s.lastError ? 0 : 1,
      );
      if (s.lagSeconds !== null)
        metrics.set(
          "deniedby_source_lag_seconds",
          "Seconds between now and the newest event every earlier one of which is stored",
          s.labels,
          s.lagSeconds,
        );
    }
  });
}
