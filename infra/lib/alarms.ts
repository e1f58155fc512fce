import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as cloudwatchActions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import * as logs from "aws-cdk-lib/aws-logs";
import * as sns from "aws-cdk-lib/aws-sns";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

export const metricNamespace = "deniedby";

/**
 * The log line of a live source that failed a read (src/pipeline/live.ts logs it at warn level with this message and
 * the source's name in `source`). deniedby's own lag gauge (`deniedby_source_lag_seconds` on /metrics) is not
 * exported to CloudWatch; a source that fails again and again is what these filters can see.
 */
export const sourceFailureMessage = "live source read failed";
export const sourceFailureLogs = [
  { source: "lookup-events" },
  { source: "athena" },
  { source: "sqs" },
] as const;

export interface AlarmsProps {
  loadBalancer: elbv2.ApplicationLoadBalancer;
  targetGroup: elbv2.ApplicationTargetGroup;
  logGroup: logs.ILogGroup;
  deadLetters?: sqs.IQueue;
  alarmTopicArn?: string;
  /** Which live sources run, so that only their failure filters are made. */
  sources: (typeof sourceFailureLogs)[number]["source"][];
}

/** CloudWatch alarms on what goes wrong with deniedby: 5xx answers, no healthy task, failing sources, dead letters. */
export class DeniedbyAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const five = Duration.minutes(5);
    const atLeast = (
      name: string,
      description: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      evaluationPeriods = 1,
    ) => {
      const alarm = new cloudwatch.Alarm(this, name, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      this.alarms.push(alarm);
      return alarm;
    };

    const lb = props.loadBalancer.metrics;
    atLeast(
      "Target5xx",
      "deniedby answered 5xx five times or more in 5 minutes",
      lb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: five, statistic: "Sum" }),
      5,
    );
    atLeast(
      "LoadBalancer5xx",
      "The load balancer answered 5xx (no healthy task, or the task did not answer) five times or more in 5 minutes",
      lb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: five, statistic: "Sum" }),
      5,
    );
    const noHealthyTask = new cloudwatch.Alarm(this, "NoHealthyTask", {
      alarmDescription: "No deniedby task has passed the load balancer's health check for 10 minutes",
      metric: props.targetGroup.metrics.healthyHostCount({ period: five, statistic: "Minimum" }),
      threshold: 1,
      evaluationPeriods: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.alarms.push(noHealthyTask);

    for (const failure of sourceFailureLogs.filter((f) => props.sources.includes(f.source))) {
      const metricName = `SourceFailures-${failure.source}`;
      new logs.MetricFilter(this, `${failure.source}Failures`, {
        logGroup: props.logGroup,
        metricNamespace,
        metricName,
        filterPattern: logs.FilterPattern.all(
          logs.FilterPattern.stringValue("$.msg", "=", sourceFailureMessage),
          logs.FilterPattern.stringValue("$.source", "=", failure.source),
        ),
        metricValue: "1",
      });
      // Three failed polls in a row (LookupEvents polls every 5 minutes; Athena runs hourly, so one hour here).
      const period = failure.source === "athena" ? Duration.hours(1) : Duration.minutes(15);
      atLeast(
        `${failure.source}Failing`,
        `deniedby's ${failure.source} source keeps failing: its data falls behind (see the task's warn logs)`,
        new cloudwatch.Metric({ namespace: metricNamespace, metricName, period, statistic: "Sum" }),
        failure.source === "athena" ? 1 : 3,
        failure.source === "athena" ? 2 : 1,
      );
    }

    if (props.deadLetters)
      atLeast(
        "PushDeadLetters",
        "EventBridge gave up delivering events to deniedby (after 24 hours of retries): see the dead-letter queue",
        props.deadLetters.metricApproximateNumberOfMessagesVisible({ period: five }),
        1,
      );

    if (props.alarmTopicArn !== undefined) {
      const topic = sns.Topic.fromTopicArn(this, "Topic", props.alarmTopicArn);
      for (const alarm of this.alarms) alarm.addAlarmAction(new cloudwatchActions.SnsAction(topic));
    }
  }
}
