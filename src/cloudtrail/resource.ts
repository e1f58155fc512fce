import { partitionOf } from "./arn.js";
import { type CloudTrailRecord, field, type ResourceEntry, stringField } from "./record.js";

/** What `primaryResource` reads of a record (the Athena usage query hands over just this: queries/usage-daily.sql). */
export type ResourceCall = Pick<
  CloudTrailRecord,
  "eventSource" | "awsRegion" | "recipientAccountId" | "userIdentity" | "requestParameters" | "resources"
>;

/** The partition of a record: the caller's ARN says it, else the region (`cn-…`, `us-gov-…`). */
export function recordPartition(record: Pick<CloudTrailRecord, "userIdentity" | "awsRegion">): string {
  const p = partitionOf(record.userIdentity?.arn ?? "");
  if (p) return p;
  const region = record.awsRegion ?? "";
  return region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
}

/** The first string of a string-or-array request parameter. */
function firstString(value: unknown): string | undefined {
  if (typeof value === "string" && value !== "") return value;
  if (Array.isArray(value) && typeof value[0] === "string" && value[0] !== "") return value[0];
  return undefined;
}

/**
 * The main resource a call touched, as an ARN where one can be built: `resources[]` first (CloudTrail's own list),
 * then well-known request parameters (bucket + key, table, queue URL, secret, repository, key, function, role,
 * log group/stream, topic, SSM parameter, ECS cluster/task, EC2 instance). Null when the call names no resource.
 */
export function primaryResource(record: ResourceCall): string | null {
  // S3 data events list the bucket first and the object second: the object is the one that was touched.
  const listed =
    record.resources?.filter(
      (r): r is ResourceEntry & { ARN: string } =>
        typeof r === "object" && typeof r?.ARN === "string" && r.ARN !== "",
    ) ?? [];
  const object = listed.find((r) => r.type === "AWS::S3::Object");
  if (object?.ARN) return object.ARN;
  if (listed[0]?.ARN) return listed[0].ARN;
  const p = record.requestParameters;
  if (!p || typeof p !== "object") return null;
  const partition = recordPartition(record);
  const region = record.awsRegion ?? "";
  const account = record.recipientAccountId ?? record.userIdentity?.accountId ?? "";
  const arnOf = (service: string, rest: string, withRegion = true): string =>
    `arn:${partition}:${service}:${withRegion ? region : ""}:${account}:${rest}`;

  const bucket = stringField(p, "bucketName") ?? stringField(p, "Bucket");
  if (bucket) {
    const key = stringField(p, "key") ?? stringField(p, "Key");
    return key ? `arn:${partition}:s3:::${bucket}/${key}` : `arn:${partition}:s3:::${bucket}`;
  }
  const table = stringField(p, "tableName") ?? stringField(p, "tableArn");
  if (table) return table.startsWith("arn:") ? table : arnOf("dynamodb", `table/${table}`);
  const queueUrl = stringField(p, "queueUrl");
  if (queueUrl) {
    const parts = queueUrl.split("/");
    const name = parts.at(-1);
    const queueAccount = parts.at(-2);
    if (name && queueAccount) return `arn:${partition}:sqs:${region}:${queueAccount}:${name}`;
  }
  const secretId = stringField(p, "secretId");
  if (secretId) return secretId.startsWith("arn:") ? secretId : arnOf("secretsmanager", `secret:${secretId}`);
  const repository = stringField(p, "repositoryName");
  if (repository) {
    const registry = stringField(p, "registryId") ?? account;
    return `arn:${partition}:ecr:${region}:${registry}:repository/${repository}`;
  }
  const keyId = stringField(p, "keyId");
  if (keyId) {
    if (keyId.startsWith("arn:")) return keyId;
    return keyId.startsWith("alias/") ? arnOf("kms", keyId) : arnOf("kms", `key/${keyId}`);
  }
  const fn = stringField(p, "functionName");
  if (fn) return fn.startsWith("arn:") ? fn : arnOf("lambda", `function:${fn}`);
  const roleArn = stringField(p, "roleArn");
  if (roleArn) return roleArn;
  const roleName = stringField(p, "roleName");
  if (roleName) return `arn:${partition}:iam::${account}:role/${roleName}`;
  const logGroup = stringField(p, "logGroupName");
  if (logGroup) {
    const stream = stringField(p, "logStreamName");
    return arnOf("logs", stream ? `log-group:${logGroup}:log-stream:${stream}` : `log-group:${logGroup}`);
  }
  const topic = stringField(p, "topicArn") ?? stringField(p, "targetArn");
  if (topic) return topic;
  if (record.eventSource === "ssm.amazonaws.com") {
    const name = firstString(field(p, "names")) ?? stringField(p, "name");
    if (name) {
      if (name.startsWith("arn:")) return name;
      return arnOf("ssm", `parameter${name.startsWith("/") ? name : `/${name}`}`);
    }
  }
  if (record.eventSource === "ecs.amazonaws.com") {
    const cluster = stringField(p, "cluster") ?? "default";
    const task = stringField(p, "task");
    if (task)
      return task.startsWith("arn:") ? task : arnOf("ecs", `task/${cluster.split("/").at(-1)}/${task}`);
    const clusterParam = stringField(p, "cluster");
    if (clusterParam)
      return clusterParam.startsWith("arn:") ? clusterParam : arnOf("ecs", `cluster/${clusterParam}`);
  }
  const instanceId = stringField(p, "instanceId");
  if (instanceId?.startsWith("i-")) return arnOf("ec2", `instance/${instanceId}`);
  const volumeId = stringField(p, "volumeId");
  if (volumeId?.startsWith("vol-")) return arnOf("ec2", `volume/${volumeId}`);
  return null;
}

/** A request parameter `primaryResource` reads (`path` when not the name; `source` when read for that service only). */
export interface ResourceParameter {
  name: string;
  path?: string;
  source?: string;
  /** A rewrite of a value that rotates with every call into one that the usage folds treat alike. */
  rewrite?: [pattern: RegExp, replacement: string];
}

/** An S3 key (or object ARN) to its folder and a stand-in name: `a/b/c.csv` → `a/b/_`, which folds as c.csv does. */
const S3_KEY_REWRITE: [RegExp, string] = [/^(.*\/)?[^/]+$/, "$1_"];
export const S3_OBJECT_ARN_REWRITE: [RegExp, string] = [/^(arn:[^:]*:s3:::[^/]+\/(?:.*\/)?)[^/]+$/, "$1_"];

/**
 * Every request parameter `primaryResource` reads. The Athena usage query groups a day's calls by them, rewritten
 * where they rotate, and leaves building and folding the resource to this file, as for every other source (its
 * columns are rendered from this list: src/cloudtrail/query-blocks.ts). A test holds the list to what
 * `primaryResource` reads and each rewrite to what the folds keep.
 */
export const resourceParameters: readonly ResourceParameter[] = [
  { name: "bucketName" },
  { name: "Bucket" },
  { name: "key", rewrite: S3_KEY_REWRITE },
  { name: "Key", rewrite: S3_KEY_REWRITE },
  { name: "tableName" },
  { name: "tableArn" },
  { name: "queueUrl" },
  { name: "secretId" },
  { name: "repositoryName" },
  { name: "registryId" },
  { name: "keyId" },
  { name: "functionName" },
  { name: "roleArn" },
  { name: "roleName" },
  { name: "logGroupName" },
  { name: "logStreamName", rewrite: [/^.+$/, "_"] },
  { name: "topicArn" },
  { name: "targetArn" },
  { name: "names", path: "names[0]", source: "ssm.amazonaws.com" },
  { name: "name", source: "ssm.amazonaws.com" },
  { name: "cluster", source: "ecs.amazonaws.com" },
  { name: "task", source: "ecs.amazonaws.com", rewrite: [/[0-9a-f]{32}$/, "0".repeat(32)] },
  { name: "instanceId", rewrite: [/^i-[0-9a-f]+$/, "i-0"] },
  { name: "volumeId" },
];

// Folding: the parts of a resource that change from call to call, replaced by a wildcard, so that many calls of
// one kind are one usage row, one incident, one policy resource. One implementation for the three.

const S3_OBJECT = /^arn:aws[\w-]*:s3:::[^/]+\//;

/** `arn:<p>:s3:::bucket/a/b/c.csv` → `arn:<p>:s3:::bucket/a/b/*` (a top-level key → `bucket/*`); others unchanged. */
export function foldS3Key(resource: string): string {
  if (!S3_OBJECT.test(resource)) return resource;
  const slash = resource.indexOf("/");
  const last = resource.lastIndexOf("/");
  return `${resource.slice(0, last === slash ? slash : last)}/*`;
}

/** Log streams are named per task or instance: `…:log-group:<g>:log-stream:<s>` → `…:log-stream:*`. */
export function foldLogStream(resource: string): string {
  return resource.includes(":log-stream:") ? resource.replace(/(:log-stream:).*$/, "$1*") : resource;
}

/**
 * Names that rotate with every task or host: log streams, task IDs, EC2 instance IDs and container-instance IDs.
 * Each rule needs its literal marker; checking for it first skips the regular expressions for most resources.
 */
export function foldRotatingNames(resource: string): string {
  let out = foldLogStream(resource);
  if (out.includes(":task/")) out = out.replace(/(:task\/[^/]+\/)[0-9a-f]{32}$/, "$1*");
  if (out.includes(":instance/")) out = out.replace(/(:instance\/)i-[0-9a-f]+$/, "$1*");
  if (out.includes(":container-instance/"))
    out = out.replace(/(:container-instance\/(?:[^/]+\/)?)[0-9a-f-]+$/, "$1*");
  return out;
}

/** A calendar date in a name: 20261116, 2026-11-16, 2026_11_16, 2026/11/16, 2026.11.16 (one separator). */
const DATE_STAMP =
  /(?<![0-9])(?:19|20)[0-9]{2}([-_/.]?)(?:0[1-9]|1[0-2])\1(?:0[1-9]|[12][0-9]|3[01])(?![0-9])/;
/** An ARN's head up to and including its account field: dates are looked for only in the name after it. */
const ARN_HEAD = /^arn:[^:]*:[^:]*:[^:]*:[^:]*:/;

/** Dates in a resource's name (`events-20261116`, `/jobs/2026-11-16/config`) → `*`: tomorrow's name is another. */
export function foldDateStamps(resource: string): string {
  const head = ARN_HEAD.exec(resource)?.[0] ?? "";
  const name = resource.slice(head.length);
  // No global flag on the shared pattern (it would carry state between calls): dates are rare, so a global copy
  // is made only for a name that has one.
  return DATE_STAMP.test(name) ? head + name.replace(new RegExp(DATE_STAMP, "g"), "*") : resource;
}

/**
 * The resource a usage aggregate is keyed by: S3 object keys folded to their folder, names that rotate with every
 * task or host (log streams, task, instance and container-instance IDs) and dates in names folded to `*`, so that
 * a bucket with millions of objects or a service with thousands of tasks a day stays a handful of rows. A KMS call
 * is keyed by its key alone: the per-object encryption context is in the request, never in the resource. Usage
 * rows from Athena are built and folded with this too, from the call's parameters (resourceParameters).
 */
export function usageResource(resource: string | null): string {
  return resource ? foldDateStamps(foldRotatingNames(foldS3Key(resource))) : "";
}

/** The resource an incident groups on: the same failure from many tasks, hosts or objects is one incident. */
export function resourcePattern(resource: string | null): string {
  return resource ? foldRotatingNames(foldS3Key(resource)) : "";
}

/** Date partitions in S3 keys (`2026-11-16`, `2026/11/16`): the folder of next week's objects differs. */
const S3_DATE_SEGMENT = /\/(\d{4}-\d{2}-\d{2}|\d{4}\/\d{2}(\/\d{2})?)(\/|$)/;
/** Secrets Manager appends six random characters to a secret's ARN. */
const SECRET_SUFFIX = /^(arn:aws[\w-]*:secretsmanager:[^:]*:\d*:secret:.+)-[A-Za-z0-9]{6}$/;

/**
 * A touched resource as a policy resource that will still match next week: S3 keys folded to their folder and cut
 * before a date partition, rotating names widened, and a secret's random suffix matched by `??????`.
 */
export function generaliseResource(resource: string): string {
  let r = foldS3Key(resource);
  if (/^arn:aws[\w-]*:s3:::/.test(r)) {
    const date = S3_DATE_SEGMENT.exec(r);
    if (date) r = `${r.slice(0, date.index)}/*`;
  }
  r = foldRotatingNames(r);
  return r.replace(SECRET_SUFFIX, "$1-??????");
}

/** A date partition of an S3 key, as a path segment or segments: `2026-11-29`, `2026/11/29`, `2026/11`. */
const S3_DATE_SEGMENTS = /\/(\d{4}-\d{2}-\d{2}|\d{4}\/\d{2}(?:\/\d{2})?)(?=\/|$)/;
/** Hive-style partitions (`year=2026/month=11/day=29`, `dt=2026-11-29`): their values rotate, their names do not. */
const S3_HIVE_DATE = /(\/(?:year|month|day|hour|dt|date)=)[0-9-]+(?=\/|$)/gi;

/**
 * A touched resource as a fix's policy resource: only what rotates is widened, never beyond the evidence. An S3 key
 * under a date partition keeps its prefix and the date's shape (`exports/2026/11/29/a.csv` →
 * `exports/????/??/??/*`: every day's exports, never the bucket's other keys; `dt=2026-11-29/…` → `dt=*` and all under it); other
 * keys stay as they are. Dates in
 * names become `*`, log streams, task, instance and container-instance IDs become `*`, and a secret's random
 * suffix `??????`. Accounts, regions and bucket names are never widened.
 */
export function fixResource(resource: string): string {
  let r = resource;
  if (S3_OBJECT.test(r)) {
    const date = S3_DATE_SEGMENTS.exec(r);
    if (date?.[1]) r = `${r.slice(0, date.index)}/${date[1].replace(/\d/g, "?")}/*`;
    else {
      const hive = [...r.matchAll(S3_HIVE_DATE)].at(-1);
      if (hive) r = `${r.slice(0, hive.index + hive[0].length).replace(S3_HIVE_DATE, "$1*")}/*`;
    }
  }
  r = foldDateStamps(foldRotatingNames(r));
  return r.replace(SECRET_SUFFIX, "$1-??????");
}

/** The bucket an S3 ARN names, in any partition, or undefined. */
export function s3BucketOf(resource: string): string | undefined {
  const m = /^arn:aws[\w-]*:s3:::([^/]+)/.exec(resource);
  return m?.[1];
}
