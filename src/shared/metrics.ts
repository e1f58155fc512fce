import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/**
 * deniedby's metrics, through prom-client: Prometheus's own text format and content type, histograms, and the
 * process and event-loop metrics operators expect (collectProcessMetrics). Metrics are created on first use,
 * named by the caller; counters end in `_total`. One registry per process (per app in tests), owned by deps.
 */
type Labels = Record<string, string>;

/** Seconds: from a fast read (a few ms) to a long ingest or pipeline run (a minute or more). */
const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export function createMetrics() {
  const registry = new Registry();
  // Labels sorted by name (prom-client writes them in the order given): every sample reads alike.
  const sorted = (labels: Labels): Labels =>
    Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
  /** Each metric made on first use, named by its caller, with the label names of its first labels. */
  const made = new Map<string, Counter | Gauge | Histogram>();
  const metric = <M extends Counter | Gauge | Histogram>(
    name: string,
    labels: Labels,
    make: (config: { name: string; labelNames: string[]; registers: Registry[] }) => M,
  ): M => {
    let m = made.get(name);
    if (!m) {
      m = make({ name, labelNames: Object.keys(labels).sort(), registers: [registry] });
      made.set(name, m);
    }
    return m as M;
  };
  /** Gauges computed at scrape time (stored denials, source lag). */
  const collectors: (() => void)[] = [];
  return {
    inc(name: string, help: string, labels: Labels = {}, by = 1): void {
      metric(name, labels, (c) => new Counter({ ...c, help })).inc(sorted(labels), by);
    },
    set(name: string, help: string, labels: Labels, value: number): void {
      metric(name, labels, (c) => new Gauge({ ...c, help })).set(sorted(labels), value);
    },
    /** Records a duration in seconds in a histogram. */
    observe(name: string, help: string, labels: Labels, seconds: number): void {
      const histogram = metric(name, labels, (c) => new Histogram({ ...c, help, buckets: DURATION_BUCKETS }));
      histogram.observe(sorted(labels), seconds);
    },
    onCollect(collect: () => void): void {
      collectors.push(collect);
    },
    /** Process metrics (CPU, memory, handles, GC) and event-loop lag: the server's, started once. */
    collectProcessMetrics(): void {
      collectDefaultMetrics({ register: registry });
    },
    /** The content type Prometheus expects for render()'s text. */
    contentType: registry.contentType,
    async render(): Promise<string> {
      for (const collect of collectors) collect();
      return registry.metrics();
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Counts an ingest summary under deniedby_ingest_events_total{source, outcome}. */
export function countIngest(
  metrics: Metrics,
  source: string,
  counts: { denials: number; evidence: number; usage: number; duplicates: number; rejected: number },
): void {
  const help = "Events ingested, by source and outcome";
  for (const [outcome, n] of Object.entries(counts))
    if (n > 0) metrics.inc("deniedby_ingest_events_total", help, { source, outcome }, n);
}

/** Runs `work` and records its duration in seconds under `name`, whether it succeeds or throws. */
export async function timed<T>(
  metrics: Metrics | undefined,
  name: string,
  help: string,
  labels: Labels,
  work: () => T | Promise<T>,
): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    metrics?.observe(name, help, labels, (performance.now() - started) / 1000);
  }
}

/** Reads a source into the store (a push, one live source's poll), timed under deniedby_ingest_duration_seconds. */
export function timeIngest<T>(metrics: Metrics | undefined, source: string, work: () => T | Promise<T>) {
  return timed(
    metrics,
    "deniedby_ingest_duration_seconds",
    "Seconds reading events into the store, by source",
    { source },
    work,
  );
}

/** Runs the stages after storing, timed under deniedby_pipeline_duration_seconds by the source whose ingest ran them. */
export function timeStages<T>(metrics: Metrics | undefined, source: string, work: () => T | Promise<T>) {
  return timed(
    metrics,
    "deniedby_pipeline_duration_seconds",
    "Seconds in the stages after storing (role catalogue, denial analysis), by source",
    { source },
    work,
  );
}
