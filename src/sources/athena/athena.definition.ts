import { formatNumber } from "../../shared/format.js";
import { parseTime } from "../../shared/time.js";
import {
  type SourceContext,
  type SourceDefinition,
  SourceOptionError,
  type SourceOptionValues,
} from "../source.js";
import { type AthenaIngestResult, athenaSource } from "./athena.source.js";
import { isIdentifier, loadQueries } from "./athena-queries.js";
import { createAthenaRunner } from "./athena-runner.js";

interface AthenaSettings {
  database: string | undefined;
  table: string;
  workGroup: string;
  outputLocation: string | undefined;
  since: number | undefined;
}

/** The command line's values over the DENIEDBY_ATHENA_* settings. */
function settings(context: SourceContext, values: SourceOptionValues): AthenaSettings {
  const { config } = context;
  const text = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : undefined);
  const sinceText = text("since");
  const since = sinceText === undefined ? undefined : parseTime(sinceText, context.clock.now());
  if (since === null)
    throw new SourceOptionError("--since must be a duration such as 24h or 7d, or an ISO timestamp");
  return {
    database: text("database") ?? config.DENIEDBY_ATHENA_DATABASE,
    table: text("table") ?? config.DENIEDBY_ATHENA_TABLE,
    workGroup: text("workgroup") ?? config.DENIEDBY_ATHENA_WORKGROUP,
    outputLocation: text("output-location") ?? config.DENIEDBY_ATHENA_OUTPUT_LOCATION,
    since,
  };
}

function tableSource(context: SourceContext, s: AthenaSettings & { database: string }) {
  const { config } = context;
  // Loaded now so that a missing query file stops start-up instead of the first run.
  const queries = loadQueries();
  const source = athenaSource({
    runner: createAthenaRunner({
      client: context.aws.athena(),
      database: s.database,
      workGroup: s.workGroup,
      ...(s.outputLocation !== undefined ? { outputLocation: s.outputLocation } : {}),
      clock: context.clock,
      pollMaxMs: config.DENIEDBY_ATHENA_POLL_MAX_SECONDS * 1000,
      timeoutMs: config.DENIEDBY_ATHENA_QUERY_TIMEOUT_SECONDS * 1000,
    }),
    queries,
    database: s.database,
    table: s.table,
    clock: context.clock,
    lookbackDays: config.DENIEDBY_ATHENA_LOOKBACK_DAYS,
    intervalMs: config.DENIEDBY_ATHENA_INTERVAL_SECONDS * 1000,
    ...(s.since !== undefined ? { since: s.since } : {}),
  });
  return {
    ...source,
    describe: (r: AthenaIngestResult) =>
      `athena: ${r.queries} queries, ${formatNumber(r.dataScannedBytes / 1_048_576)} MiB scanned, ` +
      `${r.usageDaysReplaced} usage days replaced, complete through ${r.completeThrough ?? "-"}`,
  };
}

export const athenaDefinition: SourceDefinition = {
  name: "athena",
  usage:
    "--from athena [--database D] [--table T] [--since 7d|ISO] [--workgroup W] [--output-location s3://…]",
  help:
    "--from athena queries the trail's Athena table by UTC day from its checkpoint or --since (default\n" +
    "DENIEDBY_ATHENA_LOOKBACK_DAYS); the other options default to the DENIEDBY_ATHENA_* settings.",
  paths: false,
  options: {
    since: { type: "string" },
    database: { type: "string" },
    table: { type: "string" },
    workgroup: { type: "string" },
    "output-location": { type: "string" },
  },
  once(context, { values }) {
    const s = settings(context, values);
    const { database } = s;
    if (database === undefined)
      throw new SourceOptionError("no database: give --database or set DENIEDBY_ATHENA_DATABASE");
    if (!isIdentifier(database) || !isIdentifier(s.table))
      throw new SourceOptionError("--database and --table must be Glue names (lowercase letters, digits, _)");
    return [tableSource(context, { ...s, database })];
  },
  live(context) {
    const s = settings(context, {});
    return s.database === undefined ? [] : [tableSource(context, { ...s, database: s.database })];
  },
};
