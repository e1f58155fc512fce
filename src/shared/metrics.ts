/**
 * Counters and gauges in the Prometheus text format. Hand-written: deniedby needs a handful of labelled counters
 * and gauges, which is less code than wiring a client library's registry.
 */
type Labels = Record<string, string>;

interface Family {
  help: string;
  type: "counter" | "gauge";
  values: Map<string, { labels: Labels; value: number }>;
}

function labelKey(labels: Labels): string {
  return Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}="${v.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n")}"`)
    .join(",");
}

export function createMetrics() {
  const families = new Map<string, Family>();
  const family = (name: string, help: string, type: Family["type"]): Family => {
    let f = families.get(name);
    if (!f) {
      f = { help, type, values: new Map() };
      families.set(name, f);
    }
    return f;
  };
  /** Gauges computed at scrape time (stored denials, source lag). */
  const collectors: (() => void)[] = [];
  return {
    inc(name: string, help: string, labels: Labels = {}, by = 1): void {
      const f = family(name, help, "counter");
      const key = labelKey(labels);
      const v = f.values.get(key);
      if (v) v.value += by;
      else f.values.set(key, { labels, value: by });
    },
    set(name: string, help: string, labels: Labels, value: number): void {
      family(name, help, "gauge").values.set(labelKey(labels), { labels, value });
    },
    onCollect(collect: () => void): void {
      collectors.push(collect);
    },
    render(): string {
      for (const collect of collectors) collect();
      const lines: string[] = [];
      for (const [name, f] of families) {
        lines.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
        for (const { labels, value } of f.values.values()) {
          const key = labelKey(labels);
          lines.push(`${name}${key ? `{${key}}` : ""} ${value}`);
        }
      }
      return `${lines.join("\n")}\n`;
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
