import { type CloudTrailRecord, field, stringField } from "./record.js";

/**
 * The main resource a call touched, as an ARN where one can be built: `resources[]` first (CloudTrail's own list),
 * then well-known request parameters. Null when the call names no resource.
 */
export function primaryResource(record: CloudTrailRecord): string | null {
  const listed = record.resources?.find((r) => typeof r?.ARN === "string" && r.ARN !== "");
  if (listed?.ARN) return listed.ARN;
  const p = record.requestParameters;
  if (!p || typeof p !== "object") return null;
  const region = record.awsRegion ?? "";
  const account = record.recipientAccountId ?? record.userIdentity?.accountId ?? "";
  const bucket = stringField(p, "bucketName");
  if (bucket) {
    const key = stringField(p, "key");
    return key ? `arn:aws:s3:::${bucket}/${key}` : `arn:aws:s3:::${bucket}`;
  }
  const table = stringField(p, "tableName");
  if (table) return table.startsWith("arn:") ? table : `arn:aws:dynamodb:${region}:${account}:table/${table}`;
  const queueUrl = stringField(p, "queueUrl");
  if (queueUrl) {
    const parts = queueUrl.split("/");
    const name = parts.at(-1);
    const queueAccount = parts.at(-2);
    if (name && queueAccount) return `arn:aws:sqs:${region}:${queueAccount}:${name}`;
  }
  const secretId = stringField(p, "secretId");
  if (secretId)
    return secretId.startsWith("arn:")
      ? secretId
      : `arn:aws:secretsmanager:${region}:${account}:secret:${secretId}`;
  const repository = stringField(p, "repositoryName");
  if (repository) return `arn:aws:ecr:${region}:${account}:repository/${repository}`;
  const keyId = stringField(p, "keyId");
  if (keyId) return keyId.startsWith("arn:") ? keyId : `arn:aws:kms:${region}:${account}:key/${keyId}`;
  const fn = stringField(p, "functionName");
  if (fn) return fn.startsWith("arn:") ? fn : `arn:aws:lambda:${region}:${account}:function:${fn}`;
  const roleArn = stringField(p, "roleArn");
  if (roleArn) return roleArn;
  const roleName = stringField(p, "roleName");
  if (roleName) return `arn:aws:iam::${account}:role/${roleName}`;
  const logGroup = stringField(p, "logGroupName");
  if (logGroup) return `arn:aws:logs:${region}:${account}:log-group:${logGroup}`;
  const topic = stringField(p, "topicArn");
  if (topic) return topic;
  const names = field(p, "names");
  if (Array.isArray(names) && typeof names[0] === "string" && record.eventSource === "ssm.amazonaws.com") {
    const name = names[0].startsWith("/") ? names[0] : `/${names[0]}`;
    return `arn:aws:ssm:${region}:${account}:parameter${name}`;
  }
  return null;
}
