import { formatNumber } from "../../shared/format.js";
import { formatDate, parseTime } from "../../shared/time.js";
import type { MemberAccount } from "../member-accounts.js";
import { type SourceContext, type SourceDefinition, SourceOptionError } from "../source.js";
import { type LookupPullResult, lookupEventsSource } from "./lookup-events.source.js";

function sinceOption(context: SourceContext, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const since = parseTime(String(value), context.clock.now());
  if (since === null)
    throw new SourceOptionError("--since must be a duration such as 24h or 7d, or an ISO timestamp");
  return since;
}

/** One account (null: the process's own) and region, with the account's own client and limiter. */
function regionSource(context: SourceContext, region: string, account: MemberAccount | null, since?: number) {
  const { config } = context;
  const accountId = account?.accountId ?? null;
  const source = lookupEventsSource({
    client: context.aws.cloudTrail(region, account),
    region,
    account: accountId,
    limiter: context.aws.lookupLimiter(region, accountId),
    clock: context.clock,
    lookbackMs: config.DENIEDBY_LOOKUP_LOOKBACK_HOURS * 3_600_000,
    intervalMs: config.DENIEDBY_LOOKUP_INTERVAL_SECONDS * 1000,
    onRetry: (info) => context.logger.info({ ...info, account: accountId }, "lookup-events: retrying"),
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

/** The member accounts to read: all configured, or those `--account` names (each must be configured). */
function memberAccounts(context: SourceContext, named: string[] | undefined): MemberAccount[] {
  const configured = context.config.DENIEDBY_ACCOUNTS;
  if (named === undefined) return configured;
  const unknown = named.filter((id) => !configured.some((a) => a.accountId === id));
  if (unknown.length > 0)
    throw new SourceOptionError(
      `--account ${unknown.join(", ")}: not in DENIEDBY_ACCOUNTS or DENIEDBY_ACCOUNTS_FILE`,
    );
  return configured.filter((a) => named.includes(a.accountId));
}

export const lookupEventsDefinition: SourceDefinition = {
  name: "lookup-events",
  usage: "--from lookup-events [--since 24h|ISO] [--region R ...] [--account ID ...]",
  help:
    "--from lookup-events pulls each region's event history (management events, 90 days) once, from the stored\n" +
    "checkpoint, or --since (default DENIEDBY_LOOKUP_LOOKBACK_HOURS on the first run); regions default to\n" +
    "DENIEDBY_LOOKUP_REGIONS; member accounts (DENIEDBY_ACCOUNTS) through their roles, --account to pick some.",
  paths: false,
  options: {
    since: { type: "string" },
    region: { type: "string", multiple: true },
    account: { type: "string", multiple: true },
  },
  once(context, { values }) {
    const since = sinceOption(context, values.since);
    const regions = values.region as string[] | undefined;
    const named = values.account as string[] | undefined;
    const own = named === undefined ? (regions ?? context.config.DENIEDBY_LOOKUP_REGIONS) : [];
    const sources = own.map((region) => regionSource(context, region, null, since));
    for (const account of memberAccounts(context, named))
      for (const region of regions ?? account.regions ?? context.config.DENIEDBY_LOOKUP_REGIONS)
        sources.push(regionSource(context, region, account, since));
    if (sources.length === 0)
      throw new SourceOptionError("no region: give --region or set DENIEDBY_LOOKUP_REGIONS");
    return sources;
  },
  live: (context) => [
    ...context.config.DENIEDBY_LOOKUP_REGIONS.map((region) => regionSource(context, region, null)),
    ...context.config.DENIEDBY_ACCOUNTS.flatMap((account) =>
      (account.regions ?? context.config.DENIEDBY_LOOKUP_REGIONS).map((region) =>
        regionSource(context, region, account),
      ),
    ),
  ],
};
