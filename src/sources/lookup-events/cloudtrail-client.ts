import { CloudTrailClient, type CloudTrailClientConfig } from "@aws-sdk/client-cloudtrail";

export interface CloudTrailClientOptions {
  region: string;
  /**
   * Overrides the endpoint. Left unset, the SDK resolves it itself, honouring the standard `AWS_ENDPOINT_URL_CLOUDTRAIL`
   * (and `AWS_ENDPOINT_URL`) variables and the shared config file's `endpoint_url`.
   */
  endpoint?: string;
  /**
   * Left unset, the SDK's default chain (env, SSO, ECS task role, IMDS) applies; a member account's assumed role, or
   * static credentials in tests, otherwise.
   */
  credentials?: CloudTrailClientConfig["credentials"];
  requestTimeoutMs?: number;
}

/**
 * A CloudTrail client for the LookupEvents poller: one per region, since each LookupEvents call covers one region.
 * `maxAttempts: 1` because the poller retries itself, through the region's rate limiter (see retry.ts).
 */
export function createCloudTrailClient(options: CloudTrailClientOptions): CloudTrailClient {
  return new CloudTrailClient({
    region: options.region,
    maxAttempts: 1,
    // A page of 50 events answers in well under a second; a stalled socket should fail and be retried, not hang
    // the region's poll until the next interval.
    requestHandler: { requestTimeout: options.requestTimeoutMs ?? 30_000, connectionTimeout: 5_000 },
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
  });
}
