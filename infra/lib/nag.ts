import { type CfnElement, Stack, Validations } from "aws-cdk-lib";
import type { IConstruct } from "constructs";
import type { DeployConfig } from "./config.js";
import { type DeniedbyStack, logGroupName } from "./deniedby-stack.js";
import type { ForwarderStack } from "./forwarder-stack.js";
import { replicaPrefix } from "./replica.js";
import { partitionOf, resultsPrefix } from "./roles.js";

/**
 * Every cdk-nag AwsSolutions finding deniedby's stacks acknowledge, each on the construct it is about, with its
 * reason. Anything else fails the synth; infra/test/nag.test.ts synthesizes without these acknowledgements and checks
 * that exactly these findings appear, so none is stale or wider than the finding it answers.
 */
export interface Acknowledgement {
  construct: IConstruct;
  /** The rule, with cdk-nag's finding id in brackets where a rule reports several findings per resource. */
  id: string;
  reason: string;
}

/** How cdk-nag names a CloudFormation reference in a finding id: `<LogicalId.Arn>`. */
function arnOf(construct: IConstruct): string {
  const cfn = construct.node.defaultChild as CfnElement;
  return `<${Stack.of(construct).getLogicalId(cfn)}.Arn>`;
}

export function mainStackAcknowledgements(stack: DeniedbyStack, config: DeployConfig): Acknowledgement[] {
  const p = partitionOf(config.region);
  const out: Acknowledgement[] = [
    {
      construct: stack.apiToken,
      id: "AwsSolutions-SMG4",
      reason:
        "The EventBridge connection copies the token when the stack deploys, so a rotation outside CloudFormation would break the push path; rotate by putting a new secret value and redeploying (infra/README.md).",
    },
    {
      construct: stack.service.taskDefinition,
      id: "AwsSolutions-ECS2",
      reason:
        "The environment holds deniedby's non-secret settings (port, database path, regions, Athena names); the token and Slack secrets come from Secrets Manager through `secrets`.",
    },
    {
      construct: stack.executionRole,
      id: "AwsSolutions-IAM5[Resource::*]",
      reason: "ecr:GetAuthorizationToken supports no resource-level permission (iam-data: wildcard only).",
    },
    {
      construct: stack.executionRole,
      id: `AwsSolutions-IAM5[Resource::arn:${p}:logs:${config.region}:${config.account}:log-group:${logGroupName}:*]`,
      reason:
        "ECS names a log stream per task; the grant covers the streams of deniedby's own log group only.",
    },
    {
      construct: stack.taskRole,
      id: `AwsSolutions-IAM5[Resource::${arnOf(stack.replica.bucket)}/${replicaPrefix}*]`,
      reason:
        "Litestream names its snapshot and WAL files itself; the grant covers deniedby's prefix of its own bucket.",
    },
  ];
  if (config.lookupRegions.length > 0)
    out.push({
      construct: stack.taskRole,
      id: "AwsSolutions-IAM5[Resource::*]",
      reason: "cloudtrail:LookupEvents supports no resource-level permission (iam-data: wildcard only).",
    });
  if (stack.athena && config.trailBucket !== undefined) {
    const prefix = config.trailPrefix === "" ? "" : `${config.trailPrefix}/`;
    out.push(
      {
        construct: stack.taskRole,
        id: `AwsSolutions-IAM5[Resource::arn:${p}:s3:::${config.trailBucket}/${prefix}AWSLogs/*]`,
        reason:
          "Athena reads the trail's log files under AWSLogs/ for every projected account, region and day; objects outside AWSLogs/ stay out of reach.",
      },
      {
        construct: stack.taskRole,
        id: `AwsSolutions-IAM5[Resource::${arnOf(stack.athena.resultsBucket)}/${resultsPrefix}*]`,
        reason: "Athena names each result object after its query id, in the workgroup's own results bucket.",
      },
    );
  }
  if (config.ingressCidrs.some((c) => c === "0.0.0.0/0" || c === "::/0"))
    out.push({
      construct: stack.service.loadBalancer.connections.securityGroups[0] ?? stack,
      id: "AwsSolutions-EC23",
      reason:
        "EventBridge API destinations and Slack call deniedby from addresses that are not published as fixed ranges; only HTTPS 443 is open, and every /v1 route needs the bearer token.",
    });
  if (stack.push)
    out.push({
      construct: stack.push.deadLetters,
      id: "AwsSolutions-SQS3",
      reason: "This queue is the push rule's dead-letter queue.",
    });
  return out;
}

export function forwarderAcknowledgements(stack: ForwarderStack): Acknowledgement[] {
  return [
    {
      construct: stack.deadLetters,
      id: "AwsSolutions-SQS3",
      reason: "This queue is the forwarding rule's dead-letter queue.",
    },
  ];
}

export function acknowledge(acknowledgements: Acknowledgement[]): void {
  for (const a of acknowledgements) Validations.of(a.construct).acknowledge({ id: a.id, reason: a.reason });
}
