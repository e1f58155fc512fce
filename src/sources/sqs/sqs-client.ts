import { SQSClient } from "@aws-sdk/client-sqs";

export interface SqsClientOptions {
  /** Left unset, the SDK's region chain applies. */
  region?: string | undefined;
  /** Left unset, the SDK honours `AWS_ENDPOINT_URL_SQS` / `AWS_ENDPOINT_URL` and the config file. */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** The longest long poll the source asks for; each request may take that long before it answers. */
  waitSeconds?: number;
}

/**
 * An SQS client for the new-log-file queue. `maxAttempts: 1`: the source retries itself on the injected clock
 * (aws-retry.ts). The request timeout leaves a long poll its full wait plus ten seconds.
 */
export function createSqsClient(options: SqsClientOptions = {}): SQSClient {
  return new SQSClient({
    maxAttempts: 1,
    requestHandler: { requestTimeout: ((options.waitSeconds ?? 20) + 10) * 1000, connectionTimeout: 5_000 },
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
  });
}

/** The region in a queue URL's host name (`sqs.eu-west-1.amazonaws.com`), or undefined. */
export function queueRegion(url: string): string | undefined {
  return /^https:\/\/sqs\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?\//.exec(url)?.[1];
}
