import type { AthenaClient } from "@aws-sdk/client-athena";
import type { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import type { Clock } from "../shared/clock.js";
import { createAthenaClient } from "./athena/athena-client.js";
import { createCloudTrailClient } from "./lookup-events/cloudtrail-client.js";
import { createLimiters, type RateLimiter } from "./lookup-events/rate-limiter.js";

/**
 * The AWS clients of a process, each built once on first use and shared: a CloudTrail client and a LookupEvents
 * rate limiter per region (the 2 requests/s quota is per account and region, so the poller and a one-off pull must
 * share it), and one Athena client.
 */
export interface AwsClients {
  cloudTrail(region: string): CloudTrailClient;
  /** The LookupEvents limiter of an account (null: the process's own) and region. */
  lookupLimiter(region: string, account?: string | null): RateLimiter;
  athena(): AthenaClient;
}

export interface AwsClientOptions {
  clock: Clock;
  /** The Athena client's region; left unset, the SDK's region chain applies. */
  athenaRegion?: string | undefined;
  /** Replace how a region's CloudTrail client is built (tests point it at a local fake). */
  cloudTrail?: (region: string) => CloudTrailClient;
  athena?: () => AthenaClient;
  /** No rate limit (the benchmark measures the client-side cost alone). */
  unlimited?: boolean;
}

export function createAwsClients(options: AwsClientOptions): AwsClients {
  const cloudTrail = new Map<string, CloudTrailClient>();
  const limiters = createLimiters(
    options.unlimited ? { disabled: true } : { perSecond: 2, clock: options.clock },
  );
  let athena: AthenaClient | undefined;
  return {
    cloudTrail(region) {
      let client = cloudTrail.get(region);
      if (!client) {
        client = options.cloudTrail?.(region) ?? createCloudTrailClient({ region });
        cloudTrail.set(region, client);
      }
      return client;
    },
    lookupLimiter: (region, account = null) => limiters.for(region, account),
    athena() {
      athena ??=
        options.athena?.() ??
        createAthenaClient(options.athenaRegion !== undefined ? { region: options.athenaRegion } : {});
      return athena;
    },
  };
}
