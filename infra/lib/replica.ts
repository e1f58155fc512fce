import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";

/** Where the SQLite file lives inside the container: the image's /data volume. */
export const databasePath = "/data/deniedby.db";
/** Litestream's replica of the database, inside the replica bucket. */
export const replicaPrefix = "deniedby/";

/**
 * Durable storage for deniedby's SQLite file. The database lives on the task's local (ephemeral) storage, where WAL
 * mode is safe, and Litestream streams every committed WAL frame to this bucket (about once a second) and restores
 * the newest state into an empty /data when a task starts. EFS was not chosen: SQLite's WAL needs shared memory
 * between connections, which a network file system does not give. Versioning keeps overwritten and deleted replica
 * files for 30 days, so a replica damaged by a bad deploy can be rolled back.
 */
export class DatabaseReplica extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: { accessLogs: s3.IBucket }) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, "Bucket", {
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: "s3/database-replica/",
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [
        {
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // The database outlives the stack: deleting the stack must not delete it.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** The replica URL Litestream is given: bucket, prefix and region (so it needs no s3:GetBucketLocation). */
  url(region: string): string {
    return `s3://${this.bucket.bucketName}/${replicaPrefix}db?region=${region}`;
  }
}

/**
 * The container command in ECS: Litestream restores the database when /data is empty, then runs deniedby as its
 * child and replicates until deniedby exits. On SIGTERM Litestream passes the signal to deniedby, waits for its
 * graceful shutdown, then makes a last sync and exits. Node's heap is capped at half the task's memory: uncapped,
 * V8 lets collectable garbage grow the process towards the task's limit (docs/operations.md, "Soak test"), and the
 * other half leaves room for SQLite's caches, the native heap and Litestream.
 */
export function replicatedCommand(replicaUrl: string, taskMemoryMiB: number): string[] {
  return [
    "litestream",
    "replicate",
    "-restore-if-db-not-exists",
    "-exec",
    `node --max-old-space-size=${Math.floor(taskMemoryMiB / 2)} dist/index.js`,
    databasePath,
    replicaUrl,
  ];
}
