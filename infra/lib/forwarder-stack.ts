import { Duration, Stack, type StackProps } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as cloudwatchActions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as sns from "aws-cdk-lib/aws-sns";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import { deadLetterQueue, pushRule } from "./push.js";

export interface ForwarderStackProps extends StackProps {
  /** The event bus deniedby's push rule listens on (the default bus of its account and region). */
  targetBusArn: string;
  /**
   * For the member-account template: the account deniedby runs in. Its own events are not forwarded by this
   * template, so that deploying it by mistake in deniedby's account and region cannot make a rule forward a bus's
   * events to itself.
   */
  skipAccount?: string;
  /** SNS topic for the dead-letter alarm (same-account forwarders only). */
  alarmTopicArn?: string;
}

/**
 * Forwards the CloudTrail events deniedby wants from one region's default bus to deniedby's bus. Used for
 * us-east-1 (where CloudTrail delivers IAM, global STS and other global-service events) and other regions of
 * deniedby's account, and, synthesized account- and region-agnostic, as the template member accounts deploy with
 * CloudFormation StackSets.
 */
export class ForwarderStack extends Stack {
  readonly rule: events.Rule;
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: ForwarderStackProps) {
    super(scope, id, props);
    const target = events.EventBus.fromEventBusArn(this, "DeniedbyBus", props.targetBusArn);
    const deadLetters = deadLetterQueue(this, "DeadLetters");
    this.deadLetters = deadLetters;
    this.rule = pushRule(this, "Rule", "CloudTrail denials and role evidence to deniedby's event bus");
    if (props.skipAccount !== undefined)
      this.rule.addEventPattern({ account: events.Match.anythingBut(props.skipAccount) });
    this.rule.addTarget(new targets.EventBus(target, { deadLetterQueue: deadLetters }));

    const alarm = new cloudwatch.Alarm(this, "DeadLettersAlarm", {
      alarmDescription: "Events deniedby's forwarding rule could not deliver to deniedby's event bus",
      metric: deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmTopicArn !== undefined)
      alarm.addAlarmAction(
        new cloudwatchActions.SnsAction(sns.Topic.fromTopicArn(this, "AlarmTopic", props.alarmTopicArn)),
      );
  }
}
