/**
 * How SDK wrappers and URLs name a service, mapped to the CloudTrail event source, so that an operation an SDK names
 * ("S3: GetObject", "when calling the GetObject operation") can be turned into an IAM action by the one event → action
 * mapping (action.ts). Also the resources some messages give as URLs (SQS queue URLs, S3 URIs, ECR image
 * references), rebuilt as the ARNs they stand for.
 */

/**
 * SDK service names, squashed (lower case, no spaces, dashes or underscores, no leading "amazon"/"aws"), whose
 * event source is not `<name>.amazonaws.com`. Go v2 prints the service ID ("Secrets Manager", "CloudWatch Logs"),
 * Java v1 the client name ("AmazonS3", "AWSSecurityTokenService", "AmazonIdentityManagement"), Java v2 the short
 * name ("Sts", "DynamoDb", "CloudWatchLogs").
 */
const SERVICE_SOURCES: Record<string, string> = {
  securitytokenservice: "sts.amazonaws.com",
  securitytoken: "sts.amazonaws.com",
  identitymanagement: "iam.amazonaws.com",
  dynamodbv2: "dynamodb.amazonaws.com",
  simplesystemsmanagement: "ssm.amazonaws.com",
  cloudwatchlogs: "logs.amazonaws.com",
  logs: "logs.amazonaws.com",
  cloudwatch: "monitoring.amazonaws.com",
  kinesisfirehose: "firehose.amazonaws.com",
  simpleemailservice: "email.amazonaws.com",
  ses: "email.amazonaws.com",
  sesv2: "ses.amazonaws.com",
  sfn: "states.amazonaws.com",
  stepfunctions: "states.amazonaws.com",
  eventbridge: "events.amazonaws.com",
  cloudwatchevents: "events.amazonaws.com",
  elasticloadbalancingv2: "elasticloadbalancing.amazonaws.com",
  elbv2: "elasticloadbalancing.amazonaws.com",
  elb: "elasticloadbalancing.amazonaws.com",
  bedrockruntime: "bedrock.amazonaws.com",
  cognitoidentityprovider: "cognito-idp.amazonaws.com",
  ecrpublic: "ecr-public.amazonaws.com",
  resourcegroupstaggingapi: "tagging.amazonaws.com",
  lambdainternal: "lambda.amazonaws.com",
  simplequeueservice: "sqs.amazonaws.com",
  simplenotificationservice: "sns.amazonaws.com",
  keymanagementservice: "kms.amazonaws.com",
  ec2containerregistry: "ecr.amazonaws.com",
  ec2containerservice: "ecs.amazonaws.com",
  elasticcontainerregistry: "ecr.amazonaws.com",
  elasticcontainerservice: "ecs.amazonaws.com",
};

/** The event source of a service as an SDK or a caller names it (`S3`, `Secrets Manager`, `AmazonSQS`, `s3`, `s3.amazonaws.com`). */
export function eventSourceOf(service: string): string | undefined {
  const name = service.trim();
  if (/^[a-z0-9.-]+\.amazonaws\.com$/.test(name)) return name;
  const squashed = name
    .toLowerCase()
    .replace(/[\s_-]/g, "")
    .replace(/^(amazon|aws)/, "");
  if (!squashed || !/^[a-z0-9]+$/.test(squashed)) return undefined;
  return SERVICE_SOURCES[squashed] ?? `${squashed}.amazonaws.com`;
}

/** The event source a service endpoint host stands for (`sqs.us-east-1.amazonaws.com`, `bucket.s3.amazonaws.com`). */
export function eventSourceOfHost(host: string): string | undefined {
  const m = /^([a-z0-9.-]+?)\.amazonaws\.com(?:\.cn)?$/.exec(host.toLowerCase());
  if (!m?.[1]) return undefined;
  const labels = m[1].split(".").filter((l) => !/^[a-z]{2}(-[a-z]+)+-\d$/.test(l));
  if (labels.some((l) => l === "s3" || l.startsWith("s3-"))) return "s3.amazonaws.com";
  if (labels.includes("queue")) return "sqs.amazonaws.com";
  if (labels.includes("ecr")) return "ecr.amazonaws.com";
  const service = labels[0] === "api" ? labels[1] : labels[0];
  return service ? `${service}.amazonaws.com` : undefined;
}

/** The partition of an endpoint host. */
function partitionOf(host: string): string {
  return host.endsWith(".cn") ? "aws-cn" : "aws";
}

/**
 * The queue ARN an SQS queue URL stands for (`https://sqs.<region>.amazonaws.com/<account>/<queue>`, also the legacy
 * `<region>.queue.amazonaws.com` and `queue.amazonaws.com` hosts), or undefined when the URL names no queue (an
 * endpoint-only URL such as `https://sqs.eu-west-1.amazonaws.com/`).
 */
export function sqsQueueArn(url: string): string | undefined {
  const m = /^https?:\/\/([^/\s]+)\/(\d{12})\/([A-Za-z0-9_-]{1,80}(?:\.fifo)?)\/?$/.exec(url);
  if (!m?.[1] || !m[2] || !m[3]) return undefined;
  const host = m[1].toLowerCase();
  const region =
    /^sqs\.([a-z0-9-]+)\.amazonaws\.com/.exec(host)?.[1] ??
    /^([a-z0-9-]+)\.queue\.amazonaws\.com/.exec(host)?.[1] ??
    (host.startsWith("queue.amazonaws.com") ? "us-east-1" : undefined);
  if (!region) return undefined;
  return `arn:${partitionOf(host)}:sqs:${region}:${m[2]}:${m[3]}`;
}

/** The ECR repository ARN of an image reference `<account>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag|@digest]`. */
export function ecrRepositoryArn(reference: string): string | undefined {
  const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([a-z0-9._/-]+?)(?:[:@].*)?$/.exec(
    reference,
  );
  if (!m?.[1] || !m[2] || !m[4]) return undefined;
  return `arn:${m[3] ? "aws-cn" : "aws"}:ecr:${m[2]}:${m[1]}:repository/${m[4]}`;
}

/** The object (or bucket) ARN of `s3://bucket/key`. */
export function s3UriArn(uri: string): string | undefined {
  const m = /^s3:\/\/([a-z0-9.-]{3,63})(\/.*)?$/.exec(uri);
  if (!m?.[1]) return undefined;
  return `arn:aws:s3:::${m[1]}${m[2] ?? ""}`;
}
