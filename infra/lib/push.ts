import { Duration, SecretValue } from "aws-cdk-lib";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import type * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { DeployConfig } from "./config.js";
import { cloudTrailPushPattern } from "./push-pattern.js";
import { partitionOf } from "./roles.js";

/**
 * The state that makes CloudTrail's read-only management events reach a rule: a plain ENABLED rule does not see
 * them, and most denials are read-only calls.
 */
export const allManagementEvents = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS";

/** A dead-letter queue for a rule target: 14 days, encrypted, TLS only. */
export function deadLetterQueue(scope: Construct, id: string): sqs.Queue {
  return new sqs.Queue(scope, id, {
    retentionPeriod: Duration.days(14),
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
}

/** A rule matching deniedby's pattern with the state that lets read-only management events through. */
export function pushRule(scope: Construct, id: string, description: string): events.Rule {
  const rule = new events.Rule(scope, id, {
    description,
    eventPattern: cloudTrailPushPattern as unknown as events.EventPattern,
  });
  (rule.node.defaultChild as events.CfnRule).state = allManagementEvents;
  return rule;
}

/**
 * The push path: an EventBridge rule on this region's default bus sends CloudTrail denials and role evidence to an
 * API destination, `POST https://<domain>/v1/events` with `Authorization: Bearer <API token>` (the connection reads the
 * token from its secret when the stack deploys, and EventBridge keeps it in a secret of its own). Retries for 24
 * hours, then a dead-letter queue. With an organisation id, other accounts of the organisation may put events on
 * this bus (their forwarding rules come from the member template).
 */
export class PushPath extends Construct {
  readonly rule: events.Rule;
  readonly deadLetters: sqs.Queue;
  readonly destination: events.ApiDestination;

  constructor(
    scope: Construct,
    id: string,
    props: { config: DeployConfig; apiToken: secretsmanager.ISecret },
  ) {
    super(scope, id);
    const { config } = props;
    const connection = new events.Connection(this, "Connection", {
      description: "deniedby bearer token",
      authorization: events.Authorization.apiKey(
        "Authorization",
        SecretValue.unsafePlainText(`Bearer ${props.apiToken.secretValue.unsafeUnwrap()}`),
      ),
    });
    this.destination = new events.ApiDestination(this, "Destination", {
      description: "deniedby POST /v1/events",
      connection,
      endpoint: `https://${config.domainName}/v1/events`,
      httpMethod: events.HttpMethod.POST,
      rateLimitPerSecond: config.pushRatePerSecond,
    });
    this.deadLetters = deadLetterQueue(this, "DeadLetters");
    this.rule = pushRule(this, "Rule", "CloudTrail denials and role evidence to deniedby");
    this.rule.addTarget(
      new targets.ApiDestination(this.destination, {
        deadLetterQueue: this.deadLetters,
        retryAttempts: 185,
        maxEventAge: Duration.hours(24),
      }),
    );

    if (config.orgId !== undefined)
      new events.CfnEventBusPolicy(this, "OrganisationMayPut", {
        eventBusName: "default",
        statementId: "deniedby-organisation-forwarding",
        statement: {
          Sid: "deniedby-organisation-forwarding",
          Effect: "Allow",
          Principal: "*",
          Action: "events:PutEvents",
          Resource: defaultBusArn(config),
          Condition: { StringEquals: { "aws:PrincipalOrgID": config.orgId } },
        },
      });
  }
}

/** The default event bus of the deployment's account and region: where forwarded events go. */
export function defaultBusArn(config: Pick<DeployConfig, "region" | "account">): string {
  return `arn:${partitionOf(config.region)}:events:${config.region}:${config.account}:event-bus/default`;
}
