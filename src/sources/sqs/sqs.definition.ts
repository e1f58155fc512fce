import { QUEUE_URL } from "../../config.js";
import { formatNumber } from "../../shared/format.js";
import { type SourceContext, type SourceDefinition, SourceOptionError } from "../source.js";
import { type SqsCounters, sqsSource } from "./sqs.source.js";
import { queueRegion } from "./sqs-client.js";

function queueSource(
  context: SourceContext,
  queueUrl: string,
  read: { waitSeconds: number; maxReceives: number },
) {
  const { config, logger } = context;
  const region = config.DENIEDBY_SQS_REGION ?? queueRegion(queueUrl) ?? "";
  return sqsSource({
    sqs: context.aws.sqs(),
    s3: (bucket) => context.aws.s3(bucket),
    queueUrl,
    region,
    ...read,
    visibilitySeconds: config.DENIEDBY_SQS_VISIBILITY_SECONDS,
    clock: context.clock,
    onProblem: (problem) =>
      problem.reason === "gone"
        ? logger.info({ source: "sqs", region, ...problem }, "sqs: log file gone, message deleted")
        : logger.warn({ source: "sqs", region, ...problem }, `sqs: message not handled (${problem.reason})`),
  });
}

function describe(c: SqsCounters): string {
  return (
    `${formatNumber(c.messages_received)} messages (${formatNumber(c.messages_deleted)} deleted, ` +
    `${formatNumber(c.messages_failed + c.messages_unreadable)} left on the queue), ` +
    `${formatNumber(c.objects_read)} objects read, ${formatNumber(c.objects_skipped)} skipped, ` +
    `${formatNumber(c.objects_gone)} gone`
  );
}

/** The new-log-file queue: polled by the server when DENIEDBY_SQS_QUEUE_URL is set, or drained once. */
export const sqsDefinition: SourceDefinition = {
  name: "sqs",
  usage: "--from sqs [--queue-url URL]",
  help:
    "--from sqs drains the new-log-file queue once (DENIEDBY_SQS_QUEUE_URL, or --queue-url): S3 or CloudTrail\n" +
    "notifications, each log file read from S3 and its message deleted after it is stored.",
  paths: false,
  options: { "queue-url": { type: "string" } },
  once(context, { values }) {
    const url =
      typeof values["queue-url"] === "string" ? values["queue-url"] : context.config.DENIEDBY_SQS_QUEUE_URL;
    if (url === undefined)
      throw new SourceOptionError("no queue: give --queue-url or set DENIEDBY_SQS_QUEUE_URL");
    if (!QUEUE_URL.test(url)) throw new SourceOptionError(`not a queue URL: ${url}`);
    // A one-off drain stops at the first empty receive; a short long poll still asks every SQS server.
    return [
      { ...queueSource(context, url, { waitSeconds: 1, maxReceives: Number.POSITIVE_INFINITY }), describe },
    ];
  },
  live: (context) => {
    const url = context.config.DENIEDBY_SQS_QUEUE_URL;
    return url === undefined
      ? []
      : [
          queueSource(context, url, {
            waitSeconds: context.config.DENIEDBY_SQS_WAIT_SECONDS,
            maxReceives: 10,
          }),
        ];
  },
};
