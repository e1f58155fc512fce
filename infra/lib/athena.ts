import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as athena from "aws-cdk-lib/aws-athena";
import * as glue from "aws-cdk-lib/aws-glue";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { renderDdl } from "../../src/sources/athena/athena-ddl.js";
import { loadQueries } from "../../src/sources/athena/athena-queries.js";
import type { DeployConfig } from "./config.js";
import { glueTableFromDdl } from "./glue-table.js";
import { resultsPrefix } from "./roles.js";

/**
 * The Athena side of deniedby: a workgroup that enforces its result location and encryption, a bucket for those
 * results, and the Glue database and CloudTrail table. The table is the statement `deniedby athena ddl` prints,
 * rendered from queries/cloudtrail-table*.sql at synth time and registered in Glue as Athena would register it.
 */
export class AthenaSource extends Construct {
  readonly resultsBucket: s3.Bucket;
  readonly workgroup: athena.CfnWorkGroup;
  readonly table: glue.CfnTable;
  /** The CREATE TABLE statement the table was built from (what `deniedby athena ddl` prints for these settings). */
  readonly ddl: string;

  constructor(
    scope: Construct,
    id: string,
    props: { config: DeployConfig; trailBucket: string; accessLogs: s3.IBucket },
  ) {
    super(scope, id);
    const { config } = props;
    this.resultsBucket = new s3.Bucket(this, "Results", {
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: "s3/athena-results/",
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // deniedby reads each result as soon as its query finishes; a week is for looking at one by hand.
      lifecycleRules: [
        { expiration: Duration.days(7), abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.workgroup = new athena.CfnWorkGroup(this, "Workgroup", {
      name: config.athenaWorkgroup,
      description: "deniedby's queries over the CloudTrail table",
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        resultConfiguration: {
          outputLocation: `s3://${this.resultsBucket.bucketName}/${resultsPrefix}`,
          encryptionConfiguration: { encryptionOption: "SSE_S3" },
        },
      },
    });

    const database = new glue.CfnDatabase(this, "Database", {
      catalogId: config.account,
      databaseInput: { name: config.athenaDatabase, description: "deniedby: the CloudTrail table" },
    });

    this.ddl = renderDdl(loadQueries(), {
      bucket: props.trailBucket,
      prefix: config.trailPrefix,
      ...(config.orgId !== undefined ? { orgId: config.orgId } : {}),
      accounts: config.trailAccounts,
      regions: config.trailRegions,
      table: config.athenaTable,
      ...(config.trailStartDate !== undefined ? { startDate: config.trailStartDate } : {}),
    });
    const input = glueTableFromDdl(this.ddl);
    this.table = new glue.CfnTable(this, "Table", {
      catalogId: config.account,
      databaseName: config.athenaDatabase,
      tableInput: {
        name: input.name,
        ...(input.description !== undefined ? { description: input.description } : {}),
        tableType: input.tableType,
        parameters: input.parameters,
        partitionKeys: input.partitionKeys,
        storageDescriptor: input.storageDescriptor,
      },
    });
    this.table.node.addDependency(database);
  }
}
