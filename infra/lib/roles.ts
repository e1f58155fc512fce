import * as iam from "aws-cdk-lib/aws-iam";
import { RegionInfo } from "aws-cdk-lib/region-info";
import type { Construct } from "constructs";
import type { DeployConfig } from "./config.js";

/**
 * deniedby's two ECS roles, the way deniedby tells people to build them: a task role holding only the calls its code
 * makes, and an execution role holding only what launching the task needs. Each statement is written out here
 * (not granted by CDK's helpers), and the roles are handed to ECS as immutable, so nothing else is added to them;
 * infra/test/roles.test.ts pins every statement.
 */

export function partitionOf(region: string): string {
  return RegionInfo.get(region).partition ?? "aws";
}

/** kms:Decrypt on one key, only when another service (`s3.<region>`, …) asks KMS on the role's behalf. */
function decryptThrough(sid: string, keyArn: string, service: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid,
    actions: ["kms:Decrypt"],
    resources: [keyArn],
    conditions: { StringEquals: { "kms:ViaService": `${service}.amazonaws.com` } },
  });
}

/** What the task role's statements point at: resources created by the stack are CloudFormation references. */
export interface TaskRoleTargets {
  /** Query results bucket ARN (Athena writes deniedby's results under `athena/`). */
  resultsBucketArn?: string;
  /** The bucket Litestream replicates the SQLite file to (under `replicaPrefix`). */
  replicaBucketArn: string;
  replicaPrefix: string;
}

/** The prefix inside the results bucket the workgroup writes to. */
export const resultsPrefix = "athena/";

export function taskRoleStatements(config: DeployConfig, targets: TaskRoleTargets): iam.PolicyStatement[] {
  const p = partitionOf(config.region);
  const { region, account } = config;
  const statements: iam.PolicyStatement[] = [];
  if (config.lookupRegions.length > 0)
    // LookupEvents supports no resource-level permission: its only resource is "*".
    statements.push(
      new iam.PolicyStatement({
        sid: "EventHistory",
        actions: ["cloudtrail:LookupEvents"],
        resources: ["*"],
      }),
    );
  if (config.trailBucket !== undefined && targets.resultsBucketArn !== undefined) {
    const trail = `arn:${p}:s3:::${config.trailBucket}`;
    const glueCatalog = `arn:${p}:glue:${region}:${account}:catalog`;
    const glueDatabase = `arn:${p}:glue:${region}:${account}:database/${config.athenaDatabase}`;
    const logs = `${config.trailPrefix === "" ? "" : `${config.trailPrefix}/`}AWSLogs/`;
    statements.push(
      new iam.PolicyStatement({
        sid: "RunQueries",
        actions: [
          "athena:StartQueryExecution",
          "athena:GetQueryExecution",
          "athena:GetQueryResults",
          "athena:StopQueryExecution",
        ],
        resources: [`arn:${p}:athena:${region}:${account}:workgroup/${config.athenaWorkgroup}`],
      }),
      // Partition projection computes partitions from table properties, so Athena calls no glue:GetPartitions.
      // Glue authorizes a table read on the catalog, the database and the table; a database read on the first two.
      new iam.PolicyStatement({
        sid: "ReadDatabaseDefinition",
        actions: ["glue:GetDatabase"],
        resources: [glueCatalog, glueDatabase],
      }),
      new iam.PolicyStatement({
        sid: "ReadTableDefinition",
        actions: ["glue:GetTable"],
        resources: [
          glueCatalog,
          glueDatabase,
          `arn:${p}:glue:${region}:${account}:table/${config.athenaDatabase}/${config.athenaTable}`,
        ],
      }),
      new iam.PolicyStatement({
        sid: "ReadTrailLogs",
        actions: ["s3:GetObject"],
        resources: [`${trail}/${logs}*`],
      }),
      new iam.PolicyStatement({
        sid: "ListTrailLogs",
        actions: ["s3:ListBucket"],
        resources: [trail],
        conditions: { StringLike: { "s3:prefix": [`${logs}*`] } },
      }),
      // GetBucketLocation carries no s3:prefix, so it cannot share ListBucket's condition.
      new iam.PolicyStatement({
        sid: "LocateBuckets",
        actions: ["s3:GetBucketLocation"],
        resources: [trail, targets.resultsBucketArn],
      }),
      new iam.PolicyStatement({
        sid: "WriteQueryResults",
        actions: ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
        resources: [`${targets.resultsBucketArn}/${resultsPrefix}*`],
      }),
      new iam.PolicyStatement({
        sid: "ListQueryResults",
        actions: ["s3:ListBucket"],
        resources: [targets.resultsBucketArn],
        conditions: { StringLike: { "s3:prefix": [`${resultsPrefix}*`] } },
      }),
    );
    if (config.trailKmsKeyArn !== undefined)
      statements.push(
        decryptThrough("DecryptTrailLogs", config.trailKmsKeyArn, `s3.${config.trailBucketRegion}`),
      );
  }
  statements.push(...memberStatements(config));
  // Litestream runs in the same task (it wraps deniedby's process), so its S3 calls use the task role too.
  statements.push(
    new iam.PolicyStatement({
      sid: "ReplicateDatabase",
      actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
      resources: [`${targets.replicaBucketArn}/${targets.replicaPrefix}*`],
    }),
    new iam.PolicyStatement({
      sid: "ListDatabaseReplica",
      actions: ["s3:ListBucket"],
      resources: [targets.replicaBucketArn],
      conditions: { StringLike: { "s3:prefix": [`${targets.replicaPrefix}*`] } },
    }),
  );
  return statements;
}

/** The new-log-file queue (receive, delete; DeleteMessageBatch is authorised as DeleteMessage) and member roles. */
function memberStatements(config: DeployConfig): iam.PolicyStatement[] {
  const statements: iam.PolicyStatement[] = [];
  if (config.trailQueueArn !== undefined) {
    statements.push(
      new iam.PolicyStatement({
        sid: "ReadLogFileQueue",
        actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage"],
        resources: [config.trailQueueArn],
      }),
    );
    if (config.trailQueueKmsKeyArn !== undefined)
      statements.push(
        decryptThrough(
          "DecryptLogFileQueue",
          config.trailQueueKmsKeyArn,
          `sqs.${config.trailQueueArn.split(":")[3]}`,
        ),
      );
  }
  if (config.memberRoleArns.length > 0)
    // Exactly the listed roles: each member account's trust policy names this role and the external id.
    statements.push(
      new iam.PolicyStatement({
        sid: "AssumeMemberRoles",
        actions: ["sts:AssumeRole"],
        resources: [...config.memberRoleArns],
      }),
    );
  return statements;
}

export interface ExecutionRoleTargets {
  logGroupName: string;
  /** The secrets injected at launch: the API token, and the Slack secrets when configured. */
  secretArns: string[];
}

export function executionRoleStatements(
  config: DeployConfig,
  targets: ExecutionRoleTargets,
): iam.PolicyStatement[] {
  const p = partitionOf(config.region);
  const { region, account } = config;
  const statements = [
    new iam.PolicyStatement({
      sid: "PullImage",
      actions: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
      resources: [`arn:${p}:ecr:${region}:${account}:repository/${config.imageRepository}`],
    }),
    // The registry login supports no resource-level permission: its only resource is "*".
    new iam.PolicyStatement({
      sid: "LogInToRegistry",
      actions: ["ecr:GetAuthorizationToken"],
      resources: ["*"],
    }),
    new iam.PolicyStatement({
      sid: "WriteLogs",
      actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
      resources: [`arn:${p}:logs:${region}:${account}:log-group:${targets.logGroupName}:*`],
    }),
    new iam.PolicyStatement({
      sid: "ReadLaunchSecrets",
      actions: ["secretsmanager:GetSecretValue"],
      resources: targets.secretArns,
    }),
  ];
  if (config.secretsKmsKeyArn !== undefined)
    statements.push(
      decryptThrough("DecryptLaunchSecrets", config.secretsKmsKeyArn, `secretsmanager.${region}`),
    );
  return statements;
}

/**
 * A role ECS tasks of this account may assume, with its one inline policy. Returned immutable: CDK's grants on it
 * (image pulls, log writes, secret reads added by the task definition) are dropped, so the policy above is all it
 * holds.
 */
export function ecsRole(
  scope: Construct,
  id: string,
  props: { config: DeployConfig; description: string; statements: iam.PolicyStatement[]; sourceArn: boolean },
): { role: iam.Role; immutable: iam.IRole } {
  const { account, region } = props.config;
  const role = new iam.Role(scope, id, {
    description: props.description,
    assumedBy: new iam.ServicePrincipal("ecs-tasks.amazonaws.com").withConditions({
      StringEquals: { "aws:SourceAccount": account },
      ...(props.sourceArn
        ? { ArnLike: { "aws:SourceArn": `arn:${partitionOf(region)}:ecs:${region}:${account}:*` } }
        : {}),
    }),
    // minimize: false keeps the statements as written (and tested), whatever the CDK feature flags say.
    inlinePolicies: { deniedby: new iam.PolicyDocument({ statements: props.statements, minimize: false }) },
  });
  return { role, immutable: role.withoutPolicyUpdates() };
}
