import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";

export interface S3ClientOptions {
  /** Left unset, the SDK's region chain applies; a bucket in another region is followed there. */
  region?: string | undefined;
  /** Left unset, the SDK honours `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL` and the config file. */
  endpoint?: string;
  /** Left unset, the default chain (the ECS task role in production); a member account's assumed role otherwise. */
  credentials?: S3ClientConfig["credentials"];
  /** Path-style addresses (`endpoint/bucket/key`), for S3-compatible stores and the local stand-in. */
  forcePathStyle?: boolean;
}

/**
 * An S3 client for reading trail objects. `maxAttempts: 1`: the sources retry themselves (aws-retry.ts) on the
 * injected clock, so a SlowDown backs off the same way everywhere and tests need not wait. `requestTimeout` is the
 * socket's idle time, so a large object still streams as long as bytes keep coming.
 */
export function createS3Client(options: S3ClientOptions = {}): S3Client {
  return new S3Client({
    maxAttempts: 1,
    followRegionRedirects: true,
    requestHandler: { requestTimeout: 60_000, connectionTimeout: 5_000 },
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
    ...(options.forcePathStyle ? { forcePathStyle: true } : {}),
  });
}
