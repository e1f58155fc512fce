import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { memoryDb } from "../support/db.js";
import { ingestPaths } from "../support/ingest.js";

const datasets = resolve(import.meta.dirname, "../../../shared/datasets");
const present = existsSync(datasets);
if (!present) console.warn(`skipping shared-dataset tests: ${datasets} is absent`);

function files(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return files(path);
      return /\.json(l)?(\.gz)?$/.test(name) ? [path] : [];
    });
}

/**
 * An independent reading of the datasets: whole files, JSON.parse, no streaming splitter, no normaliser.
 * A denial here is the datasets README's definition: an errorCode naming AccessDenied or Unauthorized.
 */
function independentDenialCount(): { denials: number; valid: number } {
  const seen = new Set<string>();
  const denied = new Set<string>();
  for (const path of files(datasets)) {
    const bytes = readFileSync(path);
    const text = (path.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
    const values: unknown[] = path.includes(".jsonl")
      ? text
          .split("\n")
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l))
      : [JSON.parse(text)].flatMap((v) => (Array.isArray(v) ? v : (v.Records ?? [v])));
    for (const value of values) {
      const v = value as Record<string, unknown>;
      const r = (v.record ?? v.detail ?? v) as Record<string, unknown>;
      const time = r.eventTime ?? r["@timestamp"];
      if (
        typeof r.eventID !== "string" ||
        !r.eventID ||
        typeof time !== "string" ||
        Number.isNaN(Date.parse(time))
      )
        continue;
      if (typeof r.eventName !== "string" || !r.eventName || typeof r.eventSource !== "string") continue;
      // deniedby's event identity: eventID within the hour of eventTime. Real eventIDs are unique; the hand-edited
      // rule fixtures reuse a few ids at other times, and those count as other events.
      const identity = `${r.eventID}@${Math.floor(Date.parse(time) / 3_600_000)}`;
      if (seen.has(identity)) continue;
      seen.add(identity);
      if (typeof r.errorCode === "string" && /AccessDenied|Unauthorized/.test(r.errorCode))
        denied.add(r.eventID);
    }
  }
  // A denial row is keyed by eventID alone: a reused id keeps its first denial.
  return { denials: denied.size, valid: seen.size };
}

describe.skipIf(!present)("ingesting all of ../shared/datasets", () => {
  it("stores as many denials and distinct events as an independent count over the same files", async () => {
    const db = memoryDb();
    const { summary } = await ingestPaths(db, [datasets]);
    const independent = independentDenialCount();
    const stored = (sql: string) => (db.$client.prepare(sql).get() as { n: number }).n;
    expect(stored("SELECT count(*) AS n FROM denials")).toBe(independent.denials);
    expect(stored("SELECT count(*) AS n FROM ingested_events")).toBe(independent.valid);
    expect(summary.stored.denials).toBe(independent.denials);
    // Rule-test fixtures without eventID/eventTime are the only rejects, each quarantined with its reason.
    expect(summary.rejected.total).toBe(stored("SELECT count(*) AS n FROM quarantine"));
    expect(Object.keys(summary.rejected.byReason).every((r) => r.startsWith("record."))).toBe(true);
  });
});
