import { formatNumber } from "../../shared/format.js";
import { formatDate, parseSince } from "../../shared/time.js";
import { type SourceContext, type SourceDefinition, SourceOptionError } from "../source.js";
import { type LookupPullResult, lookupEventsSource } from "./lookup-events.source.js";

function sinceOption(context: SourceContext, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const since = parseSince(String(value), context.clock.now());
  if (since === null)
    throw new SourceOptionError("--since must be a duration such as 24h or 7d, or an ISO timestamp");
  return since;
}

function regionSource(context: SourceContext, region: string, since?: number) {
  const { config } = context;
  const source = lookupEventsSource({
    client: context.aws.cloudTrail(region),
    region,
    limiter: context.aws.lookupLimiter(region),
    clock: context.clock,
    lookbackMs: config.DENIEDBY_LOOKUP_LOOKBACK_HOURS * 3_600_000,
    intervalMs: config.DENIEDBY_LOOKUP_INTERVAL_SECONDS * 1000,
    onRetry: (info) => context.logger.info(info, "lookup-events: retrying"),
    ...(since !== undefined ? { since } : {}),
  });
  return {
    ...source,
    describe: (r: LookupPullResult) =>
      `${r.account !== null ? `${r.account} ` : ""}${r.region}: ${formatNumber(r.pages)} pages in ` +
      `${formatNumber(r.requests)} requests (${formatNumber(r.windows)} windows), up to ${formatDate(r.highWater)}` +
      (r.checkpointed ? "" : " (not checkpointed: --since is after the stored progress)"),
  };
}

export const lookupEventsDefinition: SourceDefinition = {
  name: "lookup-events",
  usage: "--from lookup-events [--since 24h|ISO] [--region R ...]",
  help:
    "--from lookup-events pulls each region's event history (management events, 90 days) once, from the stored\n" +
    "checkpoint, or --since (default DENIEDBY_LOOKUP_LOOKBACK_HOURS on the first run); regions default to\n" +
    "DENIEDBY_LOOKUP_REGIONS.",
  paths: false,
  options: { since: { type: "string" }, region: { type: "string", multiple: true } },
  once(context, { values }) {
    const since = sinceOption(context, values.since);
    const regions = (values.region as string[] | undefined) ?? context.config.DENIEDBY_LOOKUP_REGIONS;
    if (regions.length === 0)
      throw new SourceOptionError("no region: give --region or set DENIEDBY_LOOKUP_REGIONS");
    return regions.map((region) => regionSource(context, region, since));
  },
  live: (context) => context.config.DENIEDBY_LOOKUP_REGIONS.map((region) => regionSource(context, region)),
};
