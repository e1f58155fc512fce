import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { rejectReasons } from "../cloudtrail/normalise.js";
import { loadConfig } from "../config.js";
import { createAthenaUsageRepository } from "../db/athena-usage.repository.js";
import { openDb, tuneForBulkIngest } from "../db/client.js";
import { createIngestWriter } from "../db/ingest.repository.js";
import { afterIngest } from "../ingest/after-ingest.js";
import { IngestSession, type IngestSummary, type RejectionReport } from "../ingest/ingest-session.js";
import { createAthenaClient } from "../sources/athena/athena-client.js";
import { ATHENA_SOURCE, ingestAthena } from "../sources/athena/athena-ingest.js";
import { isIdentifier, loadQueries } from "../sources/athena/athena-queries.js";
import { createAthenaRunner } from "../sources/athena/athena-runner.js";
import { ingestFiles } from "../sources/files/ingest-files.js";
import { parseSince, systemClock } from "../sources/lookup-events/clock.js";
import { createCloudTrailClient } from "../sources/lookup-events/cloudtrail-client.js";
import { LOOKUP_EVENTS_SOURCE, pullLookupEvents } from "../sources/lookup-events/lookup-events.pull.js";
import { createRegionLimiters } from "../sources/lookup-events/rate-limiter.js";
import { err, formatNumber, out, UsageError } from "./output.js";

export const ingestUsage = `usage: deniedby ingest [--db PATH] [--format text|json] PATH...
       deniedby ingest --from lookup-events [--since 24h|ISO] [--region R ...]
       deniedby ingest --from athena [--database D] [--table T] [--since 7d|ISO] [--workgroup W]
                       [--output-location s3://…]

Reads CloudTrail from files and directories (recursively; S3 export trees, .json, .json.gz, JSON-lines, JSON
arrays, EventBridge events) or '-' for standard input, and stores denials, role evidence and usage aggregates.
--from lookup-events pulls each region's event history (management events, 90 days) once, from the stored
checkpoint, or --since (default DENIEDBY_LOOKUP_LOOKBACK_HOURS on the first run); regions default to
DENIEDBY_LOOKUP_REGIONS. --from athena queries the trail's Athena table by UTC day from its checkpoint or --since
(default DENIEDBY_ATHENA_LOOKBACK_DAYS); the other options default to the DENIEDBY_ATHENA_* settings.
Exit status: 0 all input stored, 1 some input was rejected (the rest is stored), 2 usage error.`;

/** How many individual rejections are printed before only counting them. */
const MAX_REPORTED = 20;

export async function ingestCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: "string" },
      format: { type: "string", default: "text" },
      from: { type: "string", default: "files" },
      since: { type: "string" },
      region: { type: "string", multiple: true },
      database: { type: "string" },
      table: { type: "string" },
      workgroup: { type: "string" },
      "output-location": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    out(ingestUsage);
    return 0;
  }
  if (values.format !== "text" && values.format !== "json")
    throw new UsageError("--format must be text or json");
  if (values.from === "lookup-events" || values.from === "athena") {
    if (positionals.length > 0) throw new UsageError(`--from ${values.from} takes no paths`);
    return ingestLive(values.from, { ...values, format: values.format });
  }
  if (values.from !== "files") throw new UsageError("--from must be files, lookup-events or athena");
  if (positionals.length === 0) throw new UsageError("no input: give one or more files, directories, or -");
  const missing = positionals.filter((p) => p !== "-" && !existsSync(p));
  if (missing.length > 0) throw new UsageError(`no such file or directory: ${missing.join(", ")}`);

  const config = loadConfig();
  const db = openDb({ path: values.db ?? config.DENIEDBY_DB });
  tuneForBulkIngest(db);
  try {
    const writer = createIngestWriter(db);
    const onReject = rejectionReporter();
    const session = new IngestSession({ source: "file", writer, onReject });
    const progress = createProgress(
      session.summary,
      values.format === "text" && process.stderr.isTTY === true,
    );
    await ingestFiles(positionals, { session, writer, onProgress: progress.tick });
    const summary = session.finish();
    progress.done();
    afterIngest(db);
    if (values.format === "json") out(JSON.stringify(summary));
    else printSummary(summary);
    return summary.rejected.total > 0 ? 1 : 0;
  } finally {
    db.$client.close();
  }
}

interface LiveOptions {
  db?: string | undefined;
  format: "text" | "json";
  since?: string | undefined;
  region?: string[] | undefined;
  database?: string | undefined;
  table?: string | undefined;
  workgroup?: string | undefined;
  "output-location"?: string | undefined;
}

/** A one-off pull from LookupEvents or Athena; Ctrl-C stops it cleanly (an Athena query is stopped too). */
async function ingestLive(from: "lookup-events" | "athena", values: LiveOptions): Promise<number> {
  const config = loadConfig();
  const since = values.since === undefined ? undefined : parseSince(values.since, Date.now());
  if (since === null)
    throw new UsageError("--since must be a duration such as 24h or 7d, or an ISO timestamp");
  const regions = values.region ?? config.DENIEDBY_LOOKUP_REGIONS;
  if (from === "lookup-events" && regions.length === 0)
    throw new UsageError("no region: give --region or set DENIEDBY_LOOKUP_REGIONS");
  const database = values.database ?? config.DENIEDBY_ATHENA_DATABASE;
  const table = values.table ?? config.DENIEDBY_ATHENA_TABLE;
  if (from === "athena") {
    if (database === undefined)
      throw new UsageError("no database: give --database or set DENIEDBY_ATHENA_DATABASE");
    if (!isIdentifier(database) || !isIdentifier(table))
      throw new UsageError("--database and --table must be Glue names (lowercase letters, digits, _)");
  }
  const queries = from === "athena" ? loadQueries() : null;
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once("SIGINT", onSignal);
  const db = openDb({ path: values.db ?? config.DENIEDBY_DB });
  tuneForBulkIngest(db);
  try {
    const writer = createIngestWriter(db);
    const onReject = rejectionReporter();
    const source = from === "athena" ? ATHENA_SOURCE : LOOKUP_EVENTS_SOURCE;
    const session = new IngestSession({ source, writer, onReject });
    if (from === "lookup-events") {
      const limiters = createRegionLimiters({ perSecond: 2, clock: systemClock });
      for (const region of regions) {
        const result = await pullLookupEvents({
          client: createCloudTrailClient({ region }),
          region,
          session,
          readCheckpoint: writer.readCheckpoint,
          limiter: limiters.forRegion(region),
          lookbackMs: config.DENIEDBY_LOOKUP_LOOKBACK_HOURS * 3_600_000,
          signal: controller.signal,
          ...(since !== undefined ? { since } : {}),
        });
        err(
          `${region}: ${formatNumber(result.pages)} pages, up to ${result.highWater === null ? "-" : new Date(result.highWater).toISOString()}` +
            (result.checkpointed ? "" : " (not checkpointed: --since is after the stored progress)"),
        );
      }
    } else if (queries !== null && database !== undefined) {
      const outputLocation = values["output-location"] ?? config.DENIEDBY_ATHENA_OUTPUT_LOCATION;
      const result = await ingestAthena({
        runner: createAthenaRunner({
          client: createAthenaClient(
            config.DENIEDBY_ATHENA_REGION ? { region: config.DENIEDBY_ATHENA_REGION } : {},
          ),
          database,
          workGroup: values.workgroup ?? config.DENIEDBY_ATHENA_WORKGROUP,
          ...(outputLocation !== undefined ? { outputLocation } : {}),
          pollMaxMs: config.DENIEDBY_ATHENA_POLL_MAX_SECONDS * 1000,
          timeoutMs: config.DENIEDBY_ATHENA_QUERY_TIMEOUT_SECONDS * 1000,
        }),
        queries,
        database,
        table,
        session,
        usage: createAthenaUsageRepository(db),
        readCheckpoint: writer.readCheckpoint,
        lookbackDays: config.DENIEDBY_ATHENA_LOOKBACK_DAYS,
        signal: controller.signal,
        ...(since !== undefined ? { since } : {}),
      });
      err(
        `athena: ${result.queries} queries, ${formatNumber(result.dataScannedBytes / 1_048_576)} MiB scanned, ` +
          `${result.usageDaysReplaced} usage days replaced, complete through ${result.completeThrough ?? "-"}`,
      );
    }
    const summary = session.finish();
    afterIngest(db);
    if (values.format === "json") out(JSON.stringify(summary));
    else printSummary(summary);
    return summary.rejected.total > 0 ? 1 : 0;
  } finally {
    process.removeListener("SIGINT", onSignal);
    db.$client.close();
  }
}

/** Prints the first rejections as they happen; the rest are only counted in the summary. */
function rejectionReporter(): (r: RejectionReport) => void {
  let reported = 0;
  return (r) => {
    if (reported++ < MAX_REPORTED)
      err(`rejected ${r.location}${r.position ? ` (${r.position})` : ""}: ${r.reason}: ${r.detail}`);
    else if (reported === MAX_REPORTED + 1) err("… further rejections are counted in the summary");
  };
}

function printSummary(s: IngestSummary): void {
  const seconds = s.durationMs / 1000;
  out(
    `files: ${formatNumber(s.files.read)} read, ${formatNumber(s.files.skipped)} skipped (already ingested)\n` +
      `events: ${formatNumber(s.events)} (${formatNumber(seconds > 0 ? s.events / seconds : s.events)}/s)\n` +
      `stored: ${formatNumber(s.stored.denials)} denials, ${formatNumber(s.stored.evidence)} evidence, ` +
      `${formatNumber(s.stored.usage)} folded into usage\n` +
      `duplicates: ${formatNumber(s.duplicates)} (already stored)\n` +
      `rejected: ${formatNumber(s.rejected.total)}`,
  );
  for (const [reason, n] of Object.entries(s.rejected.byReason))
    out(`  ${reason}: ${formatNumber(n)} — ${rejectReasons[reason as keyof typeof rejectReasons]}`);
}

/** A live progress line on a terminal; silent in pipes and CI. Redrawn at most 4 times a second. */
function createProgress(summary: IngestSummary, enabled: boolean) {
  const started = Date.now();
  let last = 0;
  const draw = () => {
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write(
      `\r\x1b[2K${formatNumber(summary.files.read)} files · ${formatNumber(summary.events)} events · ` +
        `${formatNumber(summary.events / Math.max(seconds, 0.001))} events/s · ` +
        `${formatNumber(summary.stored.denials)} denials`,
    );
  };
  return {
    tick: () => {
      if (!enabled) return;
      const now = Date.now();
      if (now - last < 250) return;
      last = now;
      draw();
    },
    done: () => {
      if (enabled) process.stderr.write("\r\x1b[2K");
    },
  };
}
