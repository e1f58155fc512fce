import { Duration, Validations } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as ecr from "aws-cdk-lib/aws-ecr";
import * as ecs from "aws-cdk-lib/aws-ecs";
import * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import type * as iam from "aws-cdk-lib/aws-iam";
import type * as logs from "aws-cdk-lib/aws-logs";
import * as route53 from "aws-cdk-lib/aws-route53";
import * as route53Targets from "aws-cdk-lib/aws-route53-targets";
import type * as s3 from "aws-cdk-lib/aws-s3";
import type * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import type { DeployConfig } from "./config.js";
import { databasePath, replicatedCommand } from "./replica.js";

export const containerName = "deniedby";
/** What the load balancer forwards to deniedby; everything else gets a 404 from the load balancer. */
export const publicPaths = ["/v1/*", "/healthz", "/openapi.json"];
export const containerPort = 8080;
/** Same probe as the image's HEALTHCHECK: node is the only program the image is sure to have. */
export const healthProbe =
  "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))";

export interface ServiceProps {
  config: DeployConfig;
  logGroup: logs.ILogGroup;
  taskRole: iam.IRole;
  executionRole: iam.IRole;
  apiToken: secretsmanager.ISecret;
  slackWebhook?: secretsmanager.ISecret;
  slackSigningSecret?: secretsmanager.ISecret;
  replicaUrl: string;
  accessLogs: s3.IBucket;
  /** DENIEDBY_ATHENA_* settings when the Athena source is deployed. */
  athenaEnvironment: Record<string, string>;
}

/** Subnets by id. Their route tables are not needed: the stack adds no routes or gateway endpoints to them. */
function subnets(scope: Construct, ids: string[]): ec2.SubnetSelection {
  const selected = ids.map((id) => {
    // An internal load balancer shares the task's subnets: import each once.
    const known = scope.node.tryFindChild(id) as ec2.ISubnet | undefined;
    if (known) return known;
    const subnet = ec2.Subnet.fromSubnetId(scope, id, id);
    Validations.of(subnet).acknowledge({
      id: "@aws-cdk/aws-ec2:noSubnetRouteTableId",
      reason:
        "The stack adds no routes or gateway endpoints to these subnets, so their route tables are never read.",
    });
    return subnet;
  });
  return { subnets: selected };
}

/** A queue's URL from its ARN (`arn:PARTITION:sqs:REGION:ACCOUNT:NAME`). */
export function queueUrl(arn: string): string {
  const [, partition, , region, account, name] = arn.split(":");
  return `https://sqs.${region}.${partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com"}/${account}/${name}`;
}

/** deniedby's settings as container environment: nothing secret (secrets come from Secrets Manager). */
function environment(props: ServiceProps): Record<string, string> {
  const { config } = props;
  return {
    PORT: String(containerPort),
    HOST: "0.0.0.0",
    DENIEDBY_DB: databasePath,
    DENIEDBY_EXAMPLES: "off",
    DENIEDBY_PUBLIC_URL: `https://${config.domainName}`,
    ...(config.lookupRegions.length > 0 ? { DENIEDBY_LOOKUP_REGIONS: config.lookupRegions.join(",") } : {}),
    ...(config.trailQueueArn !== undefined ? { DENIEDBY_SQS_QUEUE_URL: queueUrl(config.trailQueueArn) } : {}),
    ...(config.memberRoleArns.length > 0
      ? {
          DENIEDBY_ACCOUNTS: config.memberRoleArns
            .map((arn) => (config.memberExternalId !== undefined ? `${arn}|${config.memberExternalId}` : arn))
            .join(" "),
        }
      : {}),
    ...props.athenaEnvironment,
  };
}

function secrets(props: ServiceProps): Record<string, ecs.Secret> {
  return {
    DENIEDBY_API_TOKEN: ecs.Secret.fromSecretsManager(props.apiToken),
    ...(props.slackWebhook
      ? { DENIEDBY_SLACK_WEBHOOK_URL: ecs.Secret.fromSecretsManager(props.slackWebhook) }
      : {}),
    ...(props.slackSigningSecret
      ? { DENIEDBY_SLACK_SIGNING_SECRET: ecs.Secret.fromSecretsManager(props.slackSigningSecret) }
      : {}),
  };
}

/**
 * deniedby as one Fargate task behind an HTTPS load balancer. One task only: SQLite has one writer, and the
 * deployment stops the old task before it starts the new one (minimum 0 %, maximum 100 %).
 */
export class DeniedbyService extends Construct {
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly service: ecs.FargateService;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly targetGroup: elbv2.ApplicationTargetGroup;

  constructor(scope: Construct, id: string, props: ServiceProps) {
    super(scope, id);
    const { config } = props;
    const vpc = ec2.Vpc.fromVpcAttributes(this, "Vpc", {
      vpcId: config.vpcId,
      availabilityZones: [`${config.region}a`],
    });
    const cluster = new ecs.Cluster(this, "Cluster", {
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    this.taskDefinition = new ecs.FargateTaskDefinition(this, "Task", {
      cpu: config.cpu,
      memoryLimitMiB: config.memoryMiB,
      runtimePlatform: {
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        cpuArchitecture: ecs.CpuArchitecture.of(config.cpuArchitecture),
      },
      taskRole: props.taskRole,
      executionRole: props.executionRole,
      // The database and Litestream's work files live on the task's ephemeral storage, mounted at the image's /data.
      volumes: [{ name: "data" }],
    });
    const repository = ecr.Repository.fromRepositoryName(this, "Repository", config.imageRepository);
    const container = this.taskDefinition.addContainer(containerName, {
      image: ecs.ContainerImage.fromEcrRepository(repository, config.imageTag),
      command: replicatedCommand(props.replicaUrl, config.memoryMiB),
      environment: environment(props),
      secrets: secrets(props),
      logging: ecs.LogDrivers.awsLogs({ logGroup: props.logGroup, streamPrefix: "deniedby" }),
      portMappings: [{ containerPort, protocol: ecs.Protocol.TCP }],
      healthCheck: {
        command: ["CMD", "node", "-e", healthProbe],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        // A restore from the replica comes before the first answer.
        startPeriod: Duration.seconds(120),
      },
      // deniedby finishes requests and the batch in flight (at most 10 s), then Litestream syncs a last time.
      stopTimeout: Duration.seconds(60),
    });
    container.addMountPoints({ sourceVolume: "data", containerPath: "/data", readOnly: false });

    const taskSecurityGroup = new ec2.SecurityGroup(this, "TaskSecurityGroup", {
      vpc,
      description: "deniedby task: HTTP from the load balancer; HTTPS out to AWS APIs and Slack",
      allowAllOutbound: false,
    });
    taskSecurityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      "AWS APIs, S3 and Slack over HTTPS",
    );

    this.service = new ecs.FargateService(this, "Service", {
      cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: 1,
      minHealthyPercent: 0,
      maxHealthyPercent: 100,
      circuitBreaker: { enable: true, rollback: true },
      platformVersion: ecs.FargatePlatformVersion.LATEST,
      securityGroups: [taskSecurityGroup],
      vpcSubnets: subnets(this, config.privateSubnetIds),
      assignPublicIp: config.assignPublicIp,
      enableExecuteCommand: false,
      healthCheckGracePeriod: Duration.seconds(180),
      propagateTags: ecs.PropagatedTagSource.SERVICE,
    });

    const albSecurityGroup = new ec2.SecurityGroup(this, "LoadBalancerSecurityGroup", {
      vpc,
      description: "deniedby load balancer: HTTPS in from the allowed CIDR blocks; HTTP out to the task only",
      allowAllOutbound: false,
    });
    for (const cidr of config.ingressCidrs)
      albSecurityGroup.addIngressRule(
        cidr.includes(":") ? ec2.Peer.ipv6(cidr) : ec2.Peer.ipv4(cidr),
        ec2.Port.tcp(443),
        "HTTPS to deniedby",
      );
    albSecurityGroup.connections.allowTo(
      taskSecurityGroup,
      ec2.Port.tcp(containerPort),
      "deniedby's HTTP port",
    );

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, "LoadBalancer", {
      vpc,
      internetFacing: config.internetFacing,
      securityGroup: albSecurityGroup,
      vpcSubnets: subnets(this, config.internetFacing ? config.publicSubnetIds : config.privateSubnetIds),
      dropInvalidHeaderFields: true,
    });
    this.loadBalancer.logAccessLogs(props.accessLogs, "alb");
    const listener = this.loadBalancer.addListener("Https", {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [elbv2.ListenerCertificate.fromArn(config.certificateArn)],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      open: false,
      // Only the API, its document and the health check go through; /metrics and /readyz stay inside the VPC.
      defaultAction: elbv2.ListenerAction.fixedResponse(404, {
        contentType: "application/json",
        messageBody: JSON.stringify({ error: { code: "route.not_found", message: "not served here" } }),
      }),
    });
    this.targetGroup = listener.addTargets("Task", {
      priority: 10,
      conditions: [elbv2.ListenerCondition.pathPatterns(publicPaths)],
      port: containerPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [this.service.loadBalancerTarget({ containerName, containerPort })],
      healthCheck: { path: "/healthz", healthyHttpCodes: "200", interval: Duration.seconds(30) },
      // Short: there is one task, and draining it only delays its replacement.
      deregistrationDelay: Duration.seconds(5),
    });

    if (config.hostedZoneId !== undefined && config.hostedZoneName !== undefined) {
      const zone = route53.HostedZone.fromHostedZoneAttributes(this, "Zone", {
        hostedZoneId: config.hostedZoneId,
        zoneName: config.hostedZoneName,
      });
      new route53.ARecord(this, "Alias", {
        zone,
        recordName: config.domainName,
        target: route53.RecordTarget.fromAlias(new route53Targets.LoadBalancerTarget(this.loadBalancer)),
      });
    }
  }
}
