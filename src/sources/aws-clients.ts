import type { AthenaClient } from "@aws-sdk/client-athena";
import type { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Clock } from "../shared/clock.js";
import { createAthenaClient } from "./athena/athena-client.js";
import { createCloudTrailClient } from "./lookup-events/cloudtrail-client.js";
import { createLimiters, type RateLimiter } from "./lookup-events/rate-limiter.js";
import {
  type AccountCredentials,
  accountCredentials,
  bucketAccount,
  type MemberAccount,
} from "./member-accounts.js";
import { createS3Client } from "./s3/s3-client.js";
import { createSqsClient } from "./sqs/sqs-client.js";

/**
 * The AWS clients of a process, each built once on first use and shared: a CloudTrail client and a LookupEvents
 * rate limiter per account and region (the 2 requests/s quota is per account and region, so the poller and a
 * one-off pull must share it), one Athena client, an S3 client per account and one SQS client. A member account's
 * clients sign with its role's temporary credentials (member-accounts.ts); the others with the process's own.
 */
export interface AwsClients {
  /** A region's CloudTrail client for the process's own account, or for a member account through its role. */
  cloudTrail(region: string, account?: MemberAccount | null): CloudTrailClient;
  /** The LookupEvents limiter of an account (null: the process's own) and region. */
  lookupLimiter(region: string, account?: string | null): RateLimiter;
  athena(): AthenaClient;
  /** The client that reads a bucket's trail objects: a member account's role when its `buckets` name the bucket. */
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
  /** Member accounts (DENIEDBY_ACCOUNTS): whose buckets the S3 client reads with their role. */
  accounts?: readonly MemberAccount[];
  /** Replace how a member account's credentials are obtained (default: STS AssumeRole with its external id). */
  credentials?: (account: MemberAccount) => AccountCredentials;
  /** Replace how a region's CloudTrail client of the process's own account is built (tests point it at a fake). */
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
    // 2 requests/s, 25 ms apart beyond 500: a commit or the network may delay one request that much.
    options.unlimited ? { disabled: true } : { perSecond: 2, marginMs: 25, clock: options.clock },
  );
  const region = (r: string | undefined) => (r !== undefined ? { region: r } : {});
  // One credentials provider per member account, whichever clients sign with it.
  const providers = new Map<string, AccountCredentials>();
  const signedAs = (account: MemberAccount | undefined) => {
    if (account === undefined) return {};
    let provider = providers.get(account.accountId);
    if (!provider) {
      provider = (options.credentials ?? accountCredentials)(account);
      providers.set(account.accountId, provider);
    }
    return { credentials: provider };
  };
  const accounts = options.accounts ?? [];
  const s3 = memo((account: MemberAccount | undefined) =>
    createS3Client({
      ...region(options.s3Region),
      forcePathStyle: options.s3PathStyle ?? false,
      ...signedAs(account),
    }),
  );
  const ownCloudTrail = memo((r: string) => options.cloudTrail?.(r) ?? createCloudTrailClient({ region: r }));
  const memberCloudTrails = new Map<string, CloudTrailClient>();
  const memberCloudTrail = (r: string, account: MemberAccount) => {
    const key = `${account.accountId}/${r}`;
    let client = memberCloudTrails.get(key);
    if (!client) {
      client = createCloudTrailClient({ region: r, ...signedAs(account) });
      memberCloudTrails.set(key, client);
    }
    return client;
  };
  return {
    cloudTrail: (r, account = null) => (account === null ? ownCloudTrail(r) : memberCloudTrail(r, account)),
    lookupLimiter: (r, account = null) => limiters.for(r, account),
    athena: once(() => options.athena?.() ?? createAthenaClient(region(options.athenaRegion))),
    s3: (bucket) => s3(bucketAccount(accounts, bucket)),
    sqs: once(() =>
      createSqsClient({
        ...region(options.sqsRegion),
        ...(options.sqsWaitSeconds !== undefined ? { waitSeconds: options.sqsWaitSeconds } : {}),
      }),
    ),
  };
}
