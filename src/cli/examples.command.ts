import { examplesStatus, removeExamples } from "../pipeline/examples.js";
import { chosenFormat, commandStore, openStoredDb, parseCommandLine, usageFailure } from "./command-line.js";
import { formatNumber, out } from "./output.js";

const USAGE = `usage: deniedby examples status|remove [--db PATH] [--format text|json]

The bundled example trail (loaded into an empty database by the server unless DENIEDBY_EXAMPLES=off).
  status   whether the database holds the examples: none, only (nothing else) or mixed (beside real data)
  remove   takes out every row the examples stored (denials, evidence, usage and session aggregates, event-id
           ledger keys, incidents, quarantine, files read) and nothing of real data, then brings the role
           catalogue, the analysis and the policy changes up to date. Removing again removes nothing.
  --db PATH           SQLite database (default: $DENIEDBY_DB or ./data/deniedby.db)
Exit status: 0 done (or nothing to remove), 1 no database, 2 usage error.
`;

/** `deniedby examples status|remove`. Returns the exit code. */
export async function examplesCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandLine("examples", USAGE, {
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: "string" },
      format: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (typeof parsed === "number") return parsed;
  const [action, ...extra] = parsed.positionals;
  if ((action !== "status" && action !== "remove") || extra.length > 0)
    return usageFailure("examples", USAGE, "say status or remove");
  const format = chosenFormat("examples", USAGE, parsed.values.format, ["text", "json"]);
  if (typeof format === "number") return format;
  const db = openStoredDb("examples", parsed.values.db);
  if (db === null) return 1;
  try {
    const store = commandStore(db);
    if (action === "status") {
      const status = examplesStatus(store);
      out(format === "json" ? JSON.stringify({ examples: status }) : `examples: ${status}`);
      return 0;
    }
    const removed = await removeExamples(store);
    if (format === "json") out(JSON.stringify(removed));
    else
      out(
        `removed the example trail: ${formatNumber(removed.denials)} denials, ${formatNumber(removed.evidence)} evidence events, ` +
          `${formatNumber(removed.usageRows)} usage rows, ${formatNumber(removed.roleSessions)} session rows, ` +
          `${formatNumber(removed.ledgerKeys)} ledger keys, ${formatNumber(removed.incidents)} incidents ` +
          `(${formatNumber(removed.reanalysed)} real denials analysed again)`,
      );
    return 0;
  } finally {
    db.$client.close();
  }
}
