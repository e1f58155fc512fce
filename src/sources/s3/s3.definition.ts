import { formatNumber } from "../../shared/format.js";
import { parseTime } from "../../shared/time.js";
import {
  type SourceContext,
  type SourceDefinition,
  SourceOptionError,
  type SourceOptionValues,
} from "../source.js";
import { type S3PullResult, s3Source } from "./s3.source.js";
import { parseS3Uri } from "./trail-layout.js";

function instant(context: SourceContext, values: SourceOptionValues, name: "since" | "until") {
  const text = values[name];
  if (typeof text !== "string") return undefined;
  const at = parseTime(text, context.clock.now());
  if (at === null)
    throw new SourceOptionError(`--${name} must be a duration such as 24h or 7d, or an ISO timestamp`);
  return at;
}

const list = (value: unknown) => (Array.isArray(value) ? value.map(String) : undefined);

function describe(r: S3PullResult): string {
  const o = r.objects;
  return (
    `${r.location}: ${formatNumber(o.read)} objects read, ${formatNumber(o.skipped)} skipped (same ETag), ` +
    `${formatNumber(o.gone)} gone; ${formatNumber(r.roots)} prefixes, ${formatNumber(r.days)} days, ` +
    `${formatNumber(r.listRequests)} list and ${formatNumber(r.getRequests)} get requests` +
    (r.resumed > 0 ? ` (resumed ${formatNumber(r.resumed)} interrupted prefixes)` : "")
  );
}

/** `deniedby ingest s3://bucket/prefix/ …`: the trail's objects read from S3 once (docs/sources.md). */
export const s3Definition: SourceDefinition = {
  name: "s3",
  usage:
    "[--from s3] s3://BUCKET/PREFIX/... [--since 7d|ISO] [--until ISO] [--account ID ...] [--region R ...]",
  help:
    "Reads CloudTrail's log files from S3 (s3:// URIs: a trail's bucket or prefix, organisation trails included):\n" +
    "the delivery days of --since..--until (default: all), accounts and regions as found or given; objects already\n" +
    "read with the same ETag are skipped, an interrupted run over the same range resumes.",
  paths: true,
  claims: (path) => path.startsWith("s3://"),
  options: {
    since: { type: "string" },
    until: { type: "string" },
    account: { type: "string", multiple: true },
    region: { type: "string", multiple: true },
  },
  once(context, { paths, values }) {
    if (paths.length === 0)
      throw new SourceOptionError("no input: give one or more s3://BUCKET/PREFIX/ URIs");
    const since = instant(context, values, "since");
    const until = instant(context, values, "until");
    if (since !== undefined && until !== undefined && until < since)
      throw new SourceOptionError("--until is before --since");
    const accounts = list(values.account);
    const bad = accounts?.find((a) => !/^\d{12}$/.test(a));
    if (bad !== undefined) throw new SourceOptionError(`--account must be a 12-digit account id, not ${bad}`);
    return paths.map((path) => {
      const location = parseS3Uri(path);
      if (location === null) throw new SourceOptionError(`not an s3://BUCKET/PREFIX URI: ${path}`);
      const source = s3Source({
        client: context.aws.s3(location.bucket),
        location,
        since,
        until,
        filter: { accounts, regions: list(values.region) },
        clock: context.clock,
        onGone: (uri) => context.logger.warn({ uri }, "s3: object deleted before it was read"),
      });
      return { ...source, describe };
    });
  },
};
