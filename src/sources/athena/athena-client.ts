import { AthenaClient } from "@aws-sdk/client-athena";

export interface AthenaClientOptions {
  /** Left unset, the SDK's region chain applies (AWS_REGION, profile). */
  region?: string;
  /** Left unset, the SDK honours `AWS_ENDPOINT_URL_ATHENA` / `AWS_ENDPOINT_URL` and the config file. */
  endpoint?: string;
  /** Static credentials for tests; left unset, the default chain (ECS task role in production). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  maxAttempts?: number;
}

/**
 * An Athena client. Unlike LookupEvents there is no tight per-second quota to budget, so the SDK's standard retry
 * strategy handles ThrottlingException/TooManyRequestsException and 5xx on each call (exponential backoff with
 * jitter); 5 attempts instead of the default 3 because a failed GetQueryResults page would otherwise throw away a
 * query that already ran and was paid for.
 */
export function createAthenaClient(options: AthenaClientOptions = {}): AthenaClient {
  return new AthenaClient({
    maxAttempts: options.maxAttempts ?? 5,
    requestHandler: { requestTimeout: 30_000, connectionTimeout: 5_000 },
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
  });
}
