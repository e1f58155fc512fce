import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import type * as iam from "aws-cdk-lib/aws-iam";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import type { Construct } from "constructs";
import { DeniedbyAlarms } from "./alarms.js";
import { AthenaSource } from "./athena.js";
import type { DeployConfig } from "./config.js";
import { PushPath } from "./push.js";
import { DatabaseReplica, replicaPrefix } from "./replica.js";
import { ecsRole, executionRoleStatements, taskRoleStatements } from "./roles.js";
import { DeniedbyService } from "./service.js";

export const logGroupName = "/deniedby/service";

/** deniedby on ECS Fargate, its roles, storage, HTTPS endpoint, Athena table, push path and alarms. */
export class DeniedbyStack extends Stack {
  readonly taskRole: iam.Role;
  readonly executionRole: iam.Role;
  readonly service: DeniedbyService;
  readonly athena: AthenaSource | undefined;
  readonly push: PushPath | undefined;
  readonly replica: DatabaseReplica;
  readonly apiToken: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: StackProps & { config: DeployConfig }) {
    super(scope, id, props);
    const { config } = props;

    // The load balancer's access logs and the S3 server access logs of the other buckets.
    const accessLogs = new s3.Bucket(this, "AccessLogs", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.replica = new DatabaseReplica(this, "Database", { accessLogs });
    this.athena =
      config.trailBucket !== undefined
        ? new AthenaSource(this, "Athena", { config, trailBucket: config.trailBucket, accessLogs })
        : undefined;

    this.apiToken = new secretsmanager.Secret(this, "ApiToken", {
      description: "deniedby's DENIEDBY_API_TOKEN (bearer token of every /v1 route)",
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    const slackWebhook =
      config.slackWebhookSecretArn !== undefined
        ? secretsmanager.Secret.fromSecretCompleteArn(this, "SlackWebhook", config.slackWebhookSecretArn)
        : undefined;
    const slackSigningSecret =
      config.slackSigningSecretArn !== undefined
        ? secretsmanager.Secret.fromSecretCompleteArn(
            this,
            "SlackSigningSecret",
            config.slackSigningSecretArn,
          )
        : undefined;

    const logGroup = new logs.LogGroup(this, "Logs", {
      logGroupName,
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const task = ecsRole(this, "TaskRole", {
      config,
      description: "deniedby's task role: only the AWS calls deniedby (and Litestream beside it) makes",
      sourceArn: true,
      statements: taskRoleStatements(config, {
        ...(this.athena ? { resultsBucketArn: this.athena.resultsBucket.bucketArn } : {}),
        replicaBucketArn: this.replica.bucket.bucketArn,
        replicaPrefix,
      }),
    });
    const execution = ecsRole(this, "ExecutionRole", {
      config,
      description: "deniedby's task execution role: pull its image, write its logs, read its launch secrets",
      sourceArn: false,
      statements: executionRoleStatements(config, {
        logGroupName,
        secretArns: [this.apiToken.secretArn, slackWebhook?.secretArn, slackSigningSecret?.secretArn].filter(
          (a): a is string => a !== undefined,
        ),
      }),
    });
    this.taskRole = task.role;
    this.executionRole = execution.role;

    this.service = new DeniedbyService(this, "Deniedby", {
      config,
      logGroup,
      taskRole: task.immutable,
      executionRole: execution.immutable,
      apiToken: this.apiToken,
      ...(slackWebhook ? { slackWebhook } : {}),
      ...(slackSigningSecret ? { slackSigningSecret } : {}),
      replicaUrl: this.replica.url(config.region),
      accessLogs,
      athenaEnvironment: this.athena
        ? {
            DENIEDBY_ATHENA_DATABASE: config.athenaDatabase,
            DENIEDBY_ATHENA_TABLE: config.athenaTable,
            DENIEDBY_ATHENA_WORKGROUP: config.athenaWorkgroup,
            DENIEDBY_ATHENA_REGION: config.region,
          }
        : {},
    });

    this.push = config.push ? new PushPath(this, "Push", { config, apiToken: this.apiToken }) : undefined;

    new DeniedbyAlarms(this, "Alarms", {
      loadBalancer: this.service.loadBalancer,
      targetGroup: this.service.targetGroup,
      logGroup,
      ...(this.push ? { deadLetters: this.push.deadLetters } : {}),
      ...(config.alarmTopicArn !== undefined ? { alarmTopicArn: config.alarmTopicArn } : {}),
      sources: [
        ...(config.lookupRegions.length > 0 ? (["lookup-events"] as const) : []),
        ...(this.athena ? (["athena"] as const) : []),
        ...(config.trailQueueArn !== undefined ? (["sqs"] as const) : []),
      ],
    });

    new CfnOutput(this, "Url", { value: `https://${config.domainName}` });
    new CfnOutput(this, "LoadBalancerDnsName", { value: this.service.loadBalancer.loadBalancerDnsName });
    new CfnOutput(this, "ApiTokenSecretArn", { value: this.apiToken.secretArn });
    new CfnOutput(this, "DatabaseReplicaBucket", { value: this.replica.bucket.bucketName });
  }
}
