import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { rejectReasons } from "../cloudtrail/normalise.js";
import { loadConfig } from "../config.js";
import { openDb } from "../db/client.js";
import { createIngestWriter } from "../db/ingest.repository.js";
import { afterIngest } from "../ingest/after-ingest.js";
import { IngestSession, type IngestSummary, type RejectionReport } from "../ingest/ingest-session.js";
import { ingestFiles } from "../sources/files/ingest-files.js";
import { err, formatNumber, out, UsageError } from "./output.js";

export const ingestUsage = `usage: deniedby ingest [--db PATH] [--format text|json] PATH...

Reads CloudTrail from files and directories (recursively; S3 export trees, .json, .json.gz, JSON-lines, JSON
arrays, EventBridge events) or '-' for standard input, and stores denials, role evidence and usage aggregates.
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
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    out(ingestUsage);
    return 0;
  }
  if (values.format !== "text" && values.format !== "json")
    throw new UsageError("--format must be text or json");
  if (positionals.length === 0) throw new UsageError("no input: give one or more files, directories, or -");
  const missing = positionals.filter((p) => p !== "-" && !existsSync(p));
  if (missing.length > 0) throw new UsageError(`no such file or directory: ${missing.join(", ")}`);

  const config = loadConfig();
  const db = openDb({ path: values.db ?? config.DENIEDBY_DB });
  try {
    const writer = createIngestWriter(db);
    let reported = 0;
    const onReject = (r: RejectionReport) => {
      if (reported++ < MAX_REPORTED)
        err(`rejected ${r.location}${r.position ? ` (${r.position})` : ""}: ${r.reason}: ${r.detail}`);
      else if (reported === MAX_REPORTED + 1) err("… further rejections are counted in the summary");
    };
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
