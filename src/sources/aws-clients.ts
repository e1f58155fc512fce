import type { AthenaClient } from "@aws-sdk/client-athena";
import type { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Clock } from "../shared/clock.js";
import { createAthenaClient } from "./athena/athena-client.js";
import { createCloudTrailClient } from "./lookup-events/cloudtrail-client.js";
import { createLimiters, type RateLimiter } from "./lookup-events/rate-limiter.js";
import { createS3Client } from "./s3/s3-client.js";
import { createSqsClient } from "./sqs/sqs-client.js";

/**
 * The AWS clients of a process, each built once on first use and shared: a CloudTrail client and a LookupEvents
 * rate limiter per account and region (the 2 requests/s quota is per account and region, so the poller and a
 * one-off pull must share it), one Athena client, one S3 client and one SQS client.
 */
export interface AwsClients {
  cloudTrail(region: string): CloudTrailClient;
  /** The LookupEvents limiter of an account (null: the process's own) and region. */
  lookupLimiter(region: string, account?: string | null): RateLimiter;
  athena(): AthenaClient;
  /** The client that reads a bucket's trail objects. */
  s3(bucket: string): S3Client;
  sqs(): SQSClient;
}

export interface AwsClientOptions {
  clock: Clock;
  /** The Athena client's region; left unset, the SDK's region chain applies. */
  athenaRegion?: string | undefined;
  s3Region?: string | undefined;
  s3PathStyle?: boolean;
  sqsRegion?: string | undefined;
  /** The longest long poll the SQS source asks for. */
  sqsWaitSeconds?: number;
  /** Replace how a region's CloudTrail client is built (tests point it at a local fake). */
  cloudTrail?: (region: string) => CloudTrailClient;
  athena?: () => AthenaClient;
  /** No rate limit (the benchmark measures the client-side cost alone). */
  unlimited?: boolean;
}

/** One value per key, built by `build` the first time the key is asked for. */
function memo<K, V>(build: (key: K) => V): (key: K) => V {
  const built = new Map<K, V>();
  return (key) => {
    if (!built.has(key)) built.set(key, build(key));
    return built.get(key) as V;
  };
}

/** One value, built the first time it is asked for. */
function once<V>(build: () => V): () => V {
  const one = memo<null, V>(build);
  return () => one(null);
}

export function createAwsClients(options: AwsClientOptions): AwsClients {
  const limiters = createLimiters(
    options.unlimited ? { disabled: true } : { perSecond: 2, clock: options.clock },
  );
  const region = (r: string | undefined) => (r !== undefined ? { region: r } : {});
  const s3 = once(() =>
    createS3Client({ ...region(options.s3Region), forcePathStyle: options.s3PathStyle ?? false }),
  );
  return {
    cloudTrail: memo((r: string) => options.cloudTrail?.(r) ?? createCloudTrailClient({ region: r })),
    lookupLimiter: (r, account = null) => limiters.for(r, account),
    athena: once(() => options.athena?.() ?? createAthenaClient(region(options.athenaRegion))),
    s3: () => s3(),
    sqs: once(() =>
      createSqsClient({
        ...region(options.sqsRegion),
        ...(options.sqsWaitSeconds !== undefined ? { waitSeconds: options.sqsWaitSeconds } : {}),
      }),
    ),
  };
}
