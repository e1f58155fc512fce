import { pruneBefore, retentionCutoff } from "../pipeline/prune.js";
import { runStagesAfterStore } from "../pipeline/stages.js";
import { chosenFormat, commandStore, openStoredDb, parseCommandLine, usageFailure } from "./command-line.js";
import { formatNumber, out } from "./output.js";

const USAGE = `usage: deniedby prune --older-than DAYSd [--db PATH] [--no-vacuum] [--format text|json]

Deletes what is older than the retention, counted in whole UTC days (everything before the start of the day
DAYS days ago): usage aggregates, session and ECS credential-request observations, denials with their raw
records, and the event-id ledger's hours. Incidents keep the denials still stored (count, first sighting and
samples recomputed; one left with none is deleted). Evidence of what roles are is kept, however old. Then the
role catalogue and the analysis are brought up to date, and the file is VACUUMed when a quarter of it is free
(--no-vacuum skips that; a VACUUM rewrites the whole file). Re-ingesting pruned input stores it again.
  --older-than DAYSd  e.g. 400d (at least 1d)
  --db PATH           SQLite database (default: $DENIEDBY_DB or ./data/deniedby.db)
Exit status: 0 done, 1 no database, 2 usage error. The server does the same daily with DENIEDBY_RETENTION_DAYS.
`;

/** `deniedby prune --older-than 400d`. Returns the exit code. */
export async function pruneCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandLine("prune", USAGE, {
    args: argv,
    options: {
      db: { type: "string" },
      "older-than": { type: "string" },
      "no-vacuum": { type: "boolean" },
      format: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (typeof parsed === "number") return parsed;
  const { values } = parsed;
  const days = /^([1-9]\d{0,4})d$/.exec(values["older-than"] ?? "")?.[1];
  if (days === undefined) return usageFailure("prune", USAGE, "--older-than takes whole days, e.g. 400d");
  const format = chosenFormat("prune", USAGE, values.format, ["text", "json"]);
  if (typeof format === "number") return format;
  const db = openStoredDb("prune", values.db);
  if (db === null) return 1;
  try {
    const store = commandStore(db);
    const cutoff = retentionCutoff(Date.now(), Number(days));
    const result = await pruneBefore(store, cutoff, { vacuum: values["no-vacuum"] !== true });
    await runStagesAfterStore(store);
    if (format === "json") out(JSON.stringify(result));
    else
      out(
        `pruned before ${result.cutoff}: ${formatNumber(result.denials)} denials, ` +
          `${formatNumber(result.usageRows)} usage rows, ${formatNumber(result.roleSessions)} session rows, ` +
          `${formatNumber(result.credentialRequests)} credential requests, ${formatNumber(result.ledgerKeys)} ledger keys; ` +
          `incidents: ${formatNumber(result.incidentsUpdated)} recounted, ${formatNumber(result.incidentsDeleted)} deleted\n` +
          `free pages: ${formatNumber(result.freePages)} of ${formatNumber(result.totalPages)}; vacuum: ${result.vacuum}`,
      );
    return 0;
  } finally {
    db.$client.close();
  }
}
